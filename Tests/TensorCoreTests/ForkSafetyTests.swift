import Foundation
import TensorTestSupport
import XCTest

@testable import TensorCore

/// The kernel's executor forks between cells: convolutions and GEMMs that ran on several threads
/// before a fork must run at full width in the forked child, not hang.
final class ForkSafetyTests: XCTestCase {
  func testConvolutionAndMatmulRunInAForkedChild() throws {
    let saved = ComputeThreads.count
    defer { ComputeThreads.count = saved }
    ComputeThreads.count = 2
    let x = randomTensor([8, 32, 10, 10], seed: 60)
    let w = randomTensor([32, 32, 3, 3], seed: 61)
    let a = randomTensor([256, 256], seed: 62)
    let expected = conv2d(x, w).sum().item()
    _ = matmul(a, a)

    let child = fork()
    if child == 0 {
      // The child: both operations again on two threads; exit status 0 when the result matches.
      let again = conv2d(x, w).sum().item()
      _ = matmul(a, a)
      _exit(again == expected ? 0 : 1)
    }
    XCTAssertGreaterThan(child, 0, "fork failed")
    var status: Int32 = 0
    let deadline = Date().addingTimeInterval(30)
    while waitpid(child, &status, WNOHANG) == 0 {
      if Date() > deadline {
        kill(child, SIGKILL)
        waitpid(child, &status, 0)
        return XCTFail("the forked child hung in a convolution or GEMM")
      }
      usleep(10_000)
    }
    XCTAssertEqual(status, 0, "the forked child exited with wait status \(status)")
  }
}
