import XCTest

@testable import CellRuntime

/// The lines `%timeit` prints.
final class TimingTests: XCTestCase {
  func testTimeitSummaryIsWrittenLikeIPython() {
    XCTAssertEqual(
      TimeitSummary(perLoop: [1e-3, 3e-3], loops: 1000).description,
      "2.00 ms ± 1.00 ms per loop (mean ± std. dev. of 2 runs, 1,000 loops each)")
    XCTAssertEqual(
      TimeitSummary(perLoop: [0.25], loops: 1).description, "250 ms per loop (mean of 1 run, 1 loop each)")
  }

  func testTimeReportsCPUAndWallTime() {
    let start = CellTiming.Reading(wall: 10, user: 1, system: 0.5)
    let end = CellTiming.Reading(wall: 12.5, user: 1.25, system: 0.5)
    XCTAssertEqual(
      CellTiming.report(from: start, to: end),
      "CPU times: user 250 ms, sys 0 ns, total 250 ms\nWall time: 2.50 s\n")
  }
}
