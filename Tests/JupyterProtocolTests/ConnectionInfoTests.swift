import Foundation
import XCTest

@testable import JupyterProtocol

/// Connection files: valid tcp and ipc files, and errors that name the file and field.
final class ConnectionInfoTests: XCTestCase {
  private let valid = """
    {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
     "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256",
     "kernel_name": "swift-realnvp"}
    """

  private func parse(_ text: String) throws -> ConnectionInfo {
    try ConnectionInfo(json: Data(text.utf8), path: "/tmp/kernel-x.json")
  }

  private func expectError(_ text: String, _ expected: ConnectionFileError, line: UInt = #line) {
    XCTAssertThrowsError(try parse(text), line: line) { error in
      XCTAssertEqual(error as? ConnectionFileError, expected, line: line)
      XCTAssertTrue("\(error)".contains("/tmp/kernel-x.json"), "\(error)", line: line)
    }
  }

  // MARK: - Valid files

  func testParsesTCPFile() throws {
    let info = try parse(valid)
    XCTAssertEqual(info.shellPort, 5001)
    XCTAssertEqual(info.iopubPort, 5002)
    XCTAssertEqual(info.stdinPort, 5003)
    XCTAssertEqual(info.controlPort, 5004)
    XCTAssertEqual(info.hbPort, 5005)
    XCTAssertEqual(info.key, "k")
    XCTAssertEqual(info.endpoint(port: info.shellPort), "tcp://127.0.0.1:5001")
    XCTAssertEqual(info.endpoint(port: 0), "tcp://127.0.0.1:*")
  }

  func testIPCEndpointsFollowJupyterClient() throws {
    let info = try parse(
      valid.replacingOccurrences(of: "\"tcp\"", with: "\"ipc\"")
        .replacingOccurrences(of: "127.0.0.1", with: "/tmp/kernel-ipc"))
    XCTAssertEqual(info.endpoint(port: 5002), "ipc:///tmp/kernel-ipc-5002")
  }

  func testReadsFileFromDisk() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("conn-\(UUID().uuidString).json")
    try Data(valid.utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    XCTAssertEqual(try ConnectionInfo(contentsOf: url.path).controlPort, 5004)
    XCTAssertThrowsError(try ConnectionInfo(contentsOf: url.path + ".missing")) { error in
      guard case .unreadable(let path, _)? = error as? ConnectionFileError else { return XCTFail("\(error)") }
      XCTAssertEqual(path, url.path + ".missing")
    }
  }

  // MARK: - Errors

  func testMissingAndBadFieldsAreNamed() {
    expectError(
      valid.replacingOccurrences(of: "\"hb_port\": 5005,", with: ""),
      .missingField(path: "/tmp/kernel-x.json", field: "hb_port", expected: "a port number 0-65535"))
    expectError(
      valid.replacingOccurrences(of: "\"shell_port\": 5001", with: "\"shell_port\": \"5001\""),
      .badField(
        path: "/tmp/kernel-x.json", field: "shell_port", expected: "a port number 0-65535", found: "\"5001\"")
    )
    expectError(
      valid.replacingOccurrences(of: "5004", with: "70000"),
      .badField(
        path: "/tmp/kernel-x.json", field: "control_port", expected: "a port number 0-65535", found: "70000"))
    expectError(
      valid.replacingOccurrences(of: "hmac-sha256", with: "hmac-md5"),
      .badField(
        path: "/tmp/kernel-x.json", field: "signature_scheme", expected: "\"hmac-sha256\"",
        found: "\"hmac-md5\""))
    expectError(
      valid.replacingOccurrences(of: "\"tcp\"", with: "\"udp\""),
      .badField(
        path: "/tmp/kernel-x.json", field: "transport", expected: "\"tcp\" or \"ipc\"", found: "\"udp\""))
    expectError(
      valid.replacingOccurrences(of: "\"key\": \"k\",", with: ""),
      .missingField(path: "/tmp/kernel-x.json", field: "key", expected: "a string"))
  }

  func testNonObjectIsRejected() {
    expectError("[1, 2]", .notJSONObject(path: "/tmp/kernel-x.json", reason: "top level is not an object"))
    expectError("{oops", .notJSONObject(path: "/tmp/kernel-x.json", reason: "invalid JSON"))
  }
}
