import XCTest

@testable import RealNVP

final class RealNVPPlaceholderTests: XCTestCase {
  func testModuleLoads() { XCTAssertTrue(true) }
}
