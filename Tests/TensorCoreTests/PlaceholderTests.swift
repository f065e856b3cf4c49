import XCTest

@testable import TensorCore

final class TensorCorePlaceholderTests: XCTestCase {
  func testModuleLoads() { XCTAssertTrue(true) }
}
