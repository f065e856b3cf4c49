import ExecutorWire
import Foundation
import XCTest

@testable import JupyterProtocol

/// Request/reply pairs that pass through to the interpreter or the history.
final class KernelCoreRequestTests: XCTestCase {
  var transport: MockTransport!
  var interpreter: MockInterpreter!
  var core: KernelCore!

  override func setUp() {
    transport = MockTransport()
    interpreter = MockInterpreter()
    core = KernelCore(interpreter: interpreter, transport: transport)
  }

  func run(_ message: Message, on channel: Channel = .shell) throws -> Message {
    core.receive(message, on: channel)
    core.waitUntilIdle()
    XCTAssertEqual(transport.trace(of: message.header.msgID).first, "iopub:status:busy")
    XCTAssertEqual(transport.trace(of: message.header.msgID).last, "iopub:status:idle")
    return try XCTUnwrap(transport.reply(to: message.header.msgID))
  }

  // MARK: - is_complete, complete, inspect

  func testIsCompleteStatuses() throws {
    let statuses = try ["let x = 1", "func f() {", "}", ""].map {
      try run(makeRequest("is_complete_request", ["code": .string($0)])).content
    }
    XCTAssertEqual(statuses.map { $0["status"] }, ["complete", "incomplete", "invalid", "unknown"])
    XCTAssertEqual(statuses[1]["indent"], "  ")
    XCTAssertNil(statuses[0]["indent"])
  }

  func testCompletePassesCodePointCursor() throws {
    let code = "let é😀 = pr"
    let reply = try run(makeRequest("complete_request", ["code": .string(code), "cursor_pos": 11]))
    XCTAssertEqual(interpreter.completeCalls.last?.1, 11)
    XCTAssertEqual(reply.content["matches"], ["print", "precondition"])
    XCTAssertEqual(reply.content["cursor_start"], 9)
    XCTAssertEqual(reply.content["cursor_end"], 11)
    XCTAssertEqual(reply.content["status"], "ok")
    // Missing cursor means "at the end"; out-of-range cursors are clamped.
    _ = try run(makeRequest("complete_request", ["code": .string(code)]))
    XCTAssertEqual(interpreter.completeCalls.last?.1, code.unicodeScalars.count)
    _ = try run(makeRequest("complete_request", ["code": .string(code), "cursor_pos": 500]))
    XCTAssertEqual(interpreter.completeCalls.last?.1, 11)
  }

  func testCodePointIndexing() {
    let code = "é😀x"
    XCTAssertEqual(code.codePointCount, 3)
    XCTAssertEqual(String(code[code.index(atCodePoint: 2)...]), "x")
    XCTAssertEqual(code.index(atCodePoint: 99), code.endIndex)
  }

  func testInspectFoundAndNotFound() throws {
    let found = try run(
      makeRequest("inspect_request", ["code": "print", "cursor_pos": 3, "detail_level": 1]))
    XCTAssertEqual(found.content["found"], true)
    XCTAssertEqual(found.content["data"], ["text/plain": "print(_:) detail 1 at 3"])
    let missing = try run(makeRequest("inspect_request", ["code": "zzz", "cursor_pos": 1]))
    XCTAssertEqual(missing.content["found"], false)
    XCTAssertEqual(missing.content["data"], [:])
    XCTAssertEqual(missing.content["status"], "ok")
  }

  // MARK: - history

  func testHistoryTailRangeSearch() throws {
    interpreter.executeBody = { request, publish in
      publish(.executeResult(.plainText("=\(request.code)")))
      return .ok
    }
    for code in ["a = 1", "b = 2", "a + b", "silent"] {
      core.receive(makeExecute(code, silent: code == "silent"), on: .shell)
    }
    core.receive(makeExecute("a = 1"), on: .shell)
    core.waitUntilIdle()

    func history(_ content: [String: JSONValue]) throws -> [JSONValue] {
      try XCTUnwrap(run(makeRequest("history_request", content)).content["history"]?.arrayValue)
    }
    XCTAssertEqual(
      try history(["hist_access_type": "tail", "n": 2, "output": false, "raw": true]),
      [[1, 3, "a + b"], [1, 4, "a = 1"]])
    XCTAssertEqual(
      try history(["hist_access_type": "tail", "n": 1, "output": true, "raw": true]),
      [[1, 4, ["a = 1", "=a = 1"]]])
    XCTAssertEqual(
      try history([
        "hist_access_type": "range", "session": 1, "start": 2, "stop": 4, "output": false, "raw": true,
      ]),
      [[1, 2, "b = 2"], [1, 3, "a + b"]])
    XCTAssertEqual(
      try history(["hist_access_type": "range", "session": 0, "start": 3, "output": false, "raw": true])
        .count, 2)
    XCTAssertEqual(
      try history(["hist_access_type": "range", "session": 7, "start": 1, "output": false, "raw": true]), [])
    XCTAssertEqual(
      try history(["hist_access_type": "search", "pattern": "a*", "output": false, "raw": true]),
      [[1, 1, "a = 1"], [1, 3, "a + b"], [1, 4, "a = 1"]])
    XCTAssertEqual(
      try history([
        "hist_access_type": "search", "pattern": "a = ?", "unique": true, "output": false, "raw": true,
      ]),
      [[1, 4, "a = 1"]])
    XCTAssertEqual(
      try history(["hist_access_type": "search", "pattern": "*", "n": 2, "output": false, "raw": true]),
      [[1, 3, "a + b"], [1, 4, "a = 1"]])
  }

  // MARK: - comms

  func testCommInfoIsEmptyAndCommOpenIsClosed() throws {
    let info = try run(makeRequest("comm_info_request", ["target_name": "jupyter.widget"]))
    XCTAssertEqual(info.content, ["status": "ok", "comms": [:]])
    let open = makeRequest("comm_open", ["comm_id": "c1", "target_name": "nope", "data": [:]])
    core.receive(open, on: .shell)
    core.waitUntilIdle()
    XCTAssertEqual(
      transport.trace(of: open.header.msgID), ["iopub:status:busy", "iopub:comm_close", "iopub:status:idle"])
  }
}
