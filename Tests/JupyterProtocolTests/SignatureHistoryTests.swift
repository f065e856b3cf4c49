import ExecutorWire
import Foundation
import XCTest

@testable import JupyterProtocol

/// Replayed signatures are refused; the history stays bounded; headers echo as received.
final class SignatureHistoryTests: XCTestCase {
  func testASignatureIsAdmittedOnce() {
    var history = SignatureHistory()
    XCTAssertTrue(history.admit(Data("ab12".utf8)))
    XCTAssertTrue(history.admit(Data("cd34".utf8)))
    XCTAssertFalse(history.admit(Data("ab12".utf8)), "the same signature again is a replay")
  }

  func testEmptySignaturesAreAlwaysAdmitted() {
    var history = SignatureHistory()
    XCTAssertTrue(history.admit(Data()))
    XCTAssertTrue(history.admit(Data()), "with signing off there is nothing to compare")
    XCTAssertEqual(history.count, 0)
  }

  func testTheHistoryStaysBounded() {
    var history = SignatureHistory(limit: 100)
    for index in 0..<1000 { XCTAssertTrue(history.admit(Data("sig-\(index)".utf8))) }
    XCTAssertLessThanOrEqual(history.count, 100)
    XCTAssertGreaterThanOrEqual(history.count, 80)
  }

  func testAReceivedHeaderIsEchoedWithEveryField() throws {
    let sent: JSONValue = [
      "msg_id": "m1", "msg_type": "execute_request", "session": "s", "username": "u",
      "date": "2026-01-01T00:00:00.000001Z", "version": "5.4", "subshell_id": "sub-1",
    ]
    let header = try MessageHeader(json: sent)
    XCTAssertEqual(header.echoed, sent, "fields the kernel does not model are echoed too")
    let own = MessageHeader(msgType: "status", session: "k")
    XCTAssertEqual(own.echoed, own.json)
  }
}
