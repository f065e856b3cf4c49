import XCTest

@testable import JupyterProtocol

final class JupyterProtocolPlaceholderTests: XCTestCase {
  func testModuleLoads() { XCTAssertTrue(true) }
}
