import Foundation
import TensorTestSupport
import XCTest

@testable import TensorCore

/// `ComputeThreads.withLimit`: a limit on the calling thread only.
final class ThreadLimitTests: XCTestCase {
  func testALimitAppliesToItsThreadOnlyAndNests() {
    let saved = ComputeThreads.count
    defer { ComputeThreads.count = saved }
    ComputeThreads.count = 4
    ComputeThreads.withLimit(1) {
      XCTAssertEqual(ComputeThreads.count, 1)
      ComputeThreads.withLimit(3) { XCTAssertEqual(ComputeThreads.count, 3) }
      ComputeThreads.withLimit(8) {
        XCTAssertEqual(ComputeThreads.count, 4, "a limit never raises the count")
      }
      XCTAssertEqual(ComputeThreads.count, 1)
      nonisolated(unsafe) var elsewhere = 0
      let done = DispatchSemaphore(value: 0)
      Thread {
        elsewhere = ComputeThreads.count
        done.signal()
      }.start()
      done.wait()
      XCTAssertEqual(elsewhere, 4, "other threads keep the process's count")
    }
    XCTAssertEqual(ComputeThreads.count, 4)
  }

  /// Under a limit of 1 a convolution runs unsplit: the same bits as with a count of 1.
  func testUnderALimitOfOneAConvolutionRunsUnsplit() {
    withSmallConvolution { inputs, loss in
      ComputeThreads.count = 1
      let (value, reference) = valueAndGradient(at: inputs, loss)
      ComputeThreads.count = 5
      let (limitedValue, limited) = ComputeThreads.withLimit(1) { valueAndGradient(at: inputs, loss) }
      XCTAssertEqual(limitedValue.scalars, value.scalars)
      XCTAssertEqual(limited.map(\.scalars), reference.map(\.scalars))
    }
  }
}
