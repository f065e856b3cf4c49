import XCTest

@testable import CellExecutor

final class CellExecutorPlaceholderTests: XCTestCase {
  func testModuleLoads() { XCTAssertTrue(true) }
}
