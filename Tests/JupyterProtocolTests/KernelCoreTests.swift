import ExecutorWire
import Foundation
import XCTest

@testable import JupyterProtocol

/// The dispatch core with a mock transport and a mock interpreter: ordering, replies, counting.
final class KernelCoreTests: XCTestCase {
  var transport: MockTransport!
  var interpreter: MockInterpreter!
  var core: KernelCore!

  override func setUp() {
    transport = MockTransport()
    interpreter = MockInterpreter()
    core = KernelCore(interpreter: interpreter, transport: transport, session: "kernel-session")
  }

  /// Sends a request on a channel and waits until the core has handled everything queued.
  @discardableResult
  func run(_ message: Message, on channel: Channel = .shell) -> Message? {
    core.receive(message, on: channel)
    core.waitUntilIdle()
    return transport.reply(to: message.header.msgID)
  }

  // MARK: - kernel_info and status

  func testKernelInfoIsWrappedInBusyIdle() throws {
    let request = makeRequest("kernel_info_request")
    let reply = try XCTUnwrap(run(request))
    XCTAssertEqual(
      transport.trace(of: request.header.msgID),
      ["iopub:status:busy", "shell:kernel_info_reply", "iopub:status:idle"])
    XCTAssertEqual(reply.identities, request.identities)
    XCTAssertEqual(reply.parentHeader, request.header.json)
    XCTAssertEqual(reply.header.session, "kernel-session")
    XCTAssertEqual(reply.content["protocol_version"], "5.3")
    XCTAssertEqual(reply.content["implementation"], "mock")
    XCTAssertEqual(reply.content["banner"], "mock banner")
    let language = try XCTUnwrap(reply.content["language_info"])
    XCTAssertEqual(language["name"], "swift")
    XCTAssertEqual(language["mimetype"], "text/x-swift")
    XCTAssertEqual(language["file_extension"], ".swift")
    XCTAssertEqual(language["pygments_lexer"], "swift")
    XCTAssertEqual(language["codemirror_mode"], "swift")
    XCTAssertEqual(reply.content["help_links"]?.arrayValue?.first?["url"], "https://swift.org")
  }

  func testKernelInfoOnControlRepliesOnControl() {
    let request = makeRequest("kernel_info_request")
    run(request, on: .control)
    XCTAssertEqual(
      transport.trace(of: request.header.msgID),
      ["iopub:status:busy", "control:kernel_info_reply", "iopub:status:idle"])
  }

  func testShellOnlyRequestsAreNotServedOnControl() {
    let request = makeExecute("on control")
    XCTAssertNil(run(request, on: .control))
    XCTAssertEqual(transport.trace(of: request.header.msgID), ["iopub:status:busy", "iopub:status:idle"])
    XCTAssertEqual(interpreter.executedCodes, [])
  }

  func testMimeOutputFromStringBundle() {
    let output = MimeOutput(
      MimeBundle(data: ["image/png": "iVBOR", "text/plain": "img"], metadata: ["image/png": ["width": 28]]),
      displayID: "d")
    XCTAssertEqual(output.data, ["image/png": "iVBOR", "text/plain": "img"])
    XCTAssertEqual(output.metadata, ["image/png": ["width": 28]])
    XCTAssertEqual(output.displayID, "d")
  }

  func testMimeOutputMergesJSONPayloadsAndMetadata() {
    var bundle = MimeBundle(
      data: ["text/plain": "{}", "application/json": "stale"], json: ["application/json": ["a": [1, 2.5]]],
      metadata: ["image/png": ["alt": "x"], "text/html": ["isolated": true]])
    bundle.metadata = ["image/png": ["width": 28], "image/jpeg": ["height": 3]]
    bundle.jsonMetadata["image/jpeg"] = "replaced"
    let output = MimeOutput(bundle)
    XCTAssertEqual(output.data, ["text/plain": "{}", "application/json": ["a": [1, 2.5]]])
    XCTAssertEqual(
      output.metadata,
      [
        "image/png": ["width": 28, "alt": "x"], "text/html": ["isolated": true], "image/jpeg": "replaced",
      ])
  }

  func testUnknownMessageTypeOnlyTogglesStatus() {
    let request = makeRequest("frobnicate_request")
    XCTAssertNil(run(request))
    XCTAssertEqual(transport.trace(of: request.header.msgID), ["iopub:status:busy", "iopub:status:idle"])
  }

  // MARK: - execute

  func testExecuteOrdersInputOutputsReplyIdle() throws {
    interpreter.executeBody = { request, publish in
      publish(.stream(.stdout, "out"))
      publish(.displayData(MimeOutput(data: ["text/html": "<b>x</b>", "text/plain": "x"], displayID: "d1")))
      publish(.updateDisplayData(MimeOutput(data: ["text/plain": "y"], displayID: "d1")))
      publish(.clearOutput(wait: true))
      publish(.stream(.stderr, "warn"))
      publish(.executeResult(.plainText("42")))
      return .ok
    }
    let request = makeExecute("6 * 7")
    let reply = try XCTUnwrap(run(request))
    XCTAssertEqual(
      transport.trace(of: request.header.msgID),
      [
        "iopub:status:busy", "iopub:execute_input", "iopub:stream", "iopub:display_data",
        "iopub:update_display_data",
        "iopub:clear_output", "iopub:stream", "iopub:execute_result", "shell:execute_reply",
        "iopub:status:idle",
      ])
    XCTAssertEqual(reply.content["status"], "ok")
    XCTAssertEqual(reply.content["execution_count"], 1)
    let iopub = transport.sent.filter { $0.channel == .iopub }.map(\.message)
    XCTAssertEqual(iopub.first { $0.msgType == "execute_input" }?.content["code"], "6 * 7")
    XCTAssertEqual(iopub.first { $0.msgType == "display_data" }?.content["transient"], ["display_id": "d1"])
    let result = try XCTUnwrap(iopub.first { $0.msgType == "execute_result" })
    XCTAssertEqual(result.content["execution_count"], 1)
    XCTAssertEqual(result.content["data"], ["text/plain": "42"])
    XCTAssertEqual(iopub.filter { $0.msgType == "stream" }.map { $0.content["name"] }, ["stdout", "stderr"])
  }

  func testExecutionCountFollowsIPython() {
    let counts = [
      makeExecute("a"), makeExecute("b", silent: true), makeExecute("c", storeHistory: false),
      makeExecute("d"),
    ].map { run($0)?.content["execution_count"]?.intValue }
    XCTAssertEqual(counts, [1, 1, 1, 2])
    XCTAssertEqual(interpreter.executedRequests.map(\.executionCount), [1, 1, 1, 2])
  }

  func testSilentExecutePublishesNoInputAndNoResult() {
    interpreter.executeBody = { _, publish in
      publish(.stream(.stdout, "still shown"))
      publish(.executeResult(.plainText("hidden")))
      return .ok
    }
    let request = makeExecute("x", silent: true)
    run(request)
    XCTAssertEqual(
      transport.trace(of: request.header.msgID),
      ["iopub:status:busy", "iopub:stream", "shell:execute_reply", "iopub:status:idle"])
    XCTAssertEqual(interpreter.executedRequests.first?.storeHistory, false)
  }

  func testErrorIsPublishedBeforeErrorReply() throws {
    interpreter.executeBody = { _, _ in
      .error(ename: "CompileError", evalue: "bad", traceback: ["line 1", "^"])
    }
    let request = makeExecute("oops")
    let reply = try XCTUnwrap(run(request))
    XCTAssertEqual(
      transport.trace(of: request.header.msgID),
      ["iopub:status:busy", "iopub:execute_input", "iopub:error", "shell:execute_reply", "iopub:status:idle"])
    XCTAssertEqual(reply.content["status"], "error")
    XCTAssertEqual(reply.content["ename"], "CompileError")
    XCTAssertEqual(reply.content["evalue"], "bad")
    XCTAssertEqual(reply.content["traceback"], ["line 1", "^"])
    XCTAssertEqual(reply.metadata["status"], "error")
  }

  func testOutputAfterReturnIsDropped() {
    var latePublish: ((OutputEvent) -> Void)?
    interpreter.executeBody = { _, publish in
      latePublish = publish
      return .ok
    }
    let request = makeExecute("x")
    run(request)
    latePublish?(.stream(.stdout, "too late"))
    XCTAssertEqual(transport.trace(of: request.header.msgID).last, "iopub:status:idle")
    XCTAssertFalse(transport.sent.contains { $0.message.content["text"] == "too late" })
  }
}
