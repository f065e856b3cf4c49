import ExecutorWire
import Foundation
import XCTest

@testable import JupyterProtocol

/// Comm messages through the core: the table of open comms, comm_info's filter, dropping what
/// names no open comm, and comm messages served while a cell runs.
final class KernelCoreCommTests: XCTestCase {
  var transport: MockTransport!
  var interpreter: CommInterpreter!
  var core: KernelCore!
  var logged: [String] = []
  private var savedSink: ((String) -> Void)?

  override func setUp() {
    transport = MockTransport()
    interpreter = CommInterpreter()
    core = KernelCore(interpreter: interpreter, transport: transport, session: "kernel-session")
    savedSink = KernelLog.setSink { [unowned self] line in self.logged.append(line) }
  }

  override func tearDown() {
    if let savedSink { KernelLog.setSink(savedSink) }
  }

  @discardableResult
  func run(_ message: Message, on channel: Channel = .shell) -> Message? {
    core.receive(message, on: channel)
    core.waitUntilIdle()
    return transport.reply(to: message.header.msgID)
  }

  func commInfo(target: String? = nil) throws -> JSONValue? {
    let content: [String: JSONValue] = target.map { ["target_name": .string($0)] } ?? [:]
    return try XCTUnwrap(run(makeRequest("comm_info_request", content))).content["comms"]
  }

  func testAnOpenTheInterpreterTakesIsListedAndItsOutputFollowsTheOpen() throws {
    let open = makeRequest("comm_open", ["comm_id": "c1", "target_name": "echo", "data": ["x": 1]])
    run(open)
    XCTAssertEqual(
      transport.trace(of: open.header.msgID), ["iopub:status:busy", "iopub:comm_msg", "iopub:status:idle"])
    XCTAssertEqual(
      interpreter.received, [.open(commID: "c1", targetName: "echo", CommPayload(data: ["x": 1]))])
    XCTAssertEqual(try commInfo(), ["c1": ["target_name": "echo"]])
    XCTAssertEqual(try commInfo(target: "echo"), ["c1": ["target_name": "echo"]])
    XCTAssertEqual(try commInfo(target: "jupyter.widget"), [:])
  }

  func testAnOpenNothingTakesIsClosed() throws {
    let open = makeRequest("comm_open", ["comm_id": "c2", "target_name": "nobody", "data": [:]])
    run(open)
    XCTAssertEqual(
      transport.trace(of: open.header.msgID), ["iopub:status:busy", "iopub:comm_close", "iopub:status:idle"])
    XCTAssertEqual(try commInfo(), [:])
  }

  func testMessagesForCommsThatAreNotOpenAreDroppedWithALogLine() throws {
    let message = makeRequest("comm_msg", ["comm_id": "ghost", "data": ["method": "update"]])
    run(message)
    XCTAssertEqual(transport.trace(of: message.header.msgID), ["iopub:status:busy", "iopub:status:idle"])
    XCTAssertTrue(interpreter.received.isEmpty)
    XCTAssertTrue(logged.contains { $0.contains("comm_msg for comm ghost") }, "\(logged)")

    run(makeRequest("comm_open", ["comm_id": "c3", "target_name": "echo", "data": [:]]))
    run(makeRequest("comm_close", ["comm_id": "c3", "data": [:]]))
    XCTAssertEqual(interpreter.received.last, .close(commID: "c3", CommPayload()))
    let late = makeRequest("comm_msg", ["comm_id": "c3", "data": [:]])
    run(late)
    XCTAssertEqual(interpreter.received.count, 2, "the message after the close is not delivered")
    XCTAssertTrue(logged.contains { $0.contains("comm_msg for comm c3") }, "\(logged)")
  }

  func testCommsTheCodeOpensAndClosesAreTracked() throws {
    interpreter.executeBody = { _, publish in
      publish(
        .comm(
          .open(
            commID: "w1", targetName: "jupyter.widget",
            CommPayload(data: ["state": [:]], metadata: ["version": "2.1.0"], buffers: [Data([1, 2])]))))
      return .ok
    }
    let execute = makeExecute("let w = IntSlider()")
    run(execute)
    let open = try XCTUnwrap(transport.sent.first { $0.message.msgType == "comm_open" }?.message)
    XCTAssertEqual(open.content["target_name"], "jupyter.widget")
    XCTAssertEqual(open.content["comm_id"], "w1")
    XCTAssertEqual(open.metadata, ["version": "2.1.0"])
    XCTAssertEqual(open.buffers, [Data([1, 2])])
    XCTAssertEqual(open.parentHeader["msg_id"]?.stringValue, execute.header.msgID)
    XCTAssertEqual(try commInfo(target: "jupyter.widget"), ["w1": ["target_name": "jupyter.widget"]])

    let update = makeRequest("comm_msg", ["comm_id": "w1", "data": ["method": "update"]])
    run(update)
    XCTAssertEqual(interpreter.received.last?.commID, "w1")

    interpreter.executeBody = { _, publish in
      publish(.comm(.close(commID: "w1", CommPayload())))
      return .ok
    }
    run(makeExecute("w.close()"))
    XCTAssertEqual(try commInfo(), [:])
  }

  func testACommMessageIsServedWhileACellRuns() throws {
    let delivered = DispatchSemaphore(value: 0)
    interpreter.onComm = { delivered.signal() }
    var sawTheComm = false
    interpreter.executeBody = { _, _ in
      sawTheComm = delivered.wait(timeout: .now() + 10) == .success
      return .ok
    }
    core.receive(makeRequest("comm_open", ["comm_id": "c4", "target_name": "echo", "data": [:]]), on: .shell)
    core.waitUntilIdle()
    let execute = makeExecute("while !flag.value {}")
    core.receive(execute, on: .shell)
    core.receive(makeRequest("comm_msg", ["comm_id": "c4", "data": ["value": true]]), on: .shell)
    core.waitUntilIdle()
    XCTAssertTrue(sawTheComm, "the comm message reached the interpreter while the cell ran")
    XCTAssertEqual(transport.reply(to: execute.header.msgID)?.content["status"], "ok")
  }
}

/// An interpreter whose comms answer every message with a comm_msg echo; target `echo` only.
final class CommInterpreter: KernelInterpreter, @unchecked Sendable {
  private let lock = NSLock()
  private var log: [CommMessage] = []
  var onComm: () -> Void = {}
  var executeBody: (ExecuteRequest, @escaping (OutputEvent) -> Void) -> ExecuteOutcome = { _, _ in .ok }

  var received: [CommMessage] { lock.withLock { log } }

  func kernelInfo() -> KernelInfo {
    KernelInfo(
      implementation: "mock", implementationVersion: "1", languageInfo: LanguageInfo(version: "6.3.1"),
      banner: "")
  }

  func execute(_ request: ExecuteRequest, publish: @escaping (OutputEvent) -> Void) -> ExecuteOutcome {
    executeBody(request, publish)
  }

  func handleComm(
    _ message: CommMessage, parentID: String, publish: @escaping (OutputEvent) -> Void
  ) -> CommHandling {
    lock.withLock { log.append(message) }
    defer { onComm() }
    if case .open(let id, let target, _) = message {
      guard target == "echo" else { return .unknown }
      publish(.comm(.message(commID: id, CommPayload(data: ["opened": true]))))
    }
    return .handled
  }

  func isComplete(_ code: String) -> IsCompleteResult { .complete }
  func complete(_ code: String, cursorPos: Int) -> CompletionResult {
    CompletionResult(matches: [], cursorStart: cursorPos, cursorEnd: cursorPos)
  }
  func inspect(_ code: String, cursorPos: Int, detailLevel: Int) -> [String: String]? { nil }
  func interrupt() {}
  func shutdown(restart: Bool) {}
}
