import XCTest

@testable import NotebookDisplay

final class NotebookDisplayPlaceholderTests: XCTestCase {
  func testModuleLoads() { XCTAssertTrue(true) }
}
