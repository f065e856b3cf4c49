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
    let x = randomTensor([5, 3, 4, 4], seed: 43)
    let w = randomTensor([2, 3, 3, 3], seed: 44)
    let b = randomTensor([2], seed: 51)
    let saved = ComputeThreads.count
    defer { ComputeThreads.count = saved }
    let loss = { (xs: [Tensor]) in conv2d(xs[0], xs[1], bias: xs[2]).squared().sum() }
    ComputeThreads.count = 1
    let (value, reference) = valueAndGradient(at: [x, w, b], loss)
    ComputeThreads.count = 5
    let (limitedValue, limited) = ComputeThreads.withLimit(1) { valueAndGradient(at: [x, w, b], loss) }
    XCTAssertEqual(limitedValue.scalars, value.scalars)
    XCTAssertEqual(limited.map(\.scalars), reference.map(\.scalars))
  }
}
