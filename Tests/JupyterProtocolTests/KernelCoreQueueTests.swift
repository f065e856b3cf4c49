import Foundation
import XCTest

@testable import JupyterProtocol

/// Behaviour that depends on the shell and control workers: stop_on_error, interrupt, stdin, shutdown.
final class KernelCoreQueueTests: XCTestCase {
  var transport: MockTransport!
  var interpreter: MockInterpreter!
  var core: KernelCore!
  let shutdowns = ShutdownRecorder()

  override func setUp() {
    transport = MockTransport()
    interpreter = MockInterpreter()
    core = KernelCore(interpreter: interpreter, transport: transport) { [shutdowns] in shutdowns.record($0) }
  }

  // MARK: - stop_on_error

  func testErrorAbortsExecutesQueuedAtThatMoment() throws {
    let release = DispatchSemaphore(value: 0)
    interpreter.executeBody = { request, _ in
      if request.code == "fail" {
        release.wait()
        return .error(ename: "E", evalue: "v", traceback: [])
      }
      return .ok
    }
    let failing = makeExecute("fail")
    let queued = [makeExecute("queued 1"), makeRequest("kernel_info_request"), makeExecute("queued 2")]
    core.receive(failing, on: .shell)
    for message in queued { core.receive(message, on: .shell) }
    release.signal()
    core.waitUntilIdle()
    let later = makeExecute("after")
    core.receive(later, on: .shell)
    core.waitUntilIdle()

    XCTAssertEqual(interpreter.executedCodes, ["fail", "after"])
    for message in [queued[0], queued[2]] {
      let reply = try XCTUnwrap(transport.reply(to: message.header.msgID))
      XCTAssertEqual(reply.content["status"], "error")
      XCTAssertEqual(reply.content["ename"], "ExecutionAborted")
      XCTAssertEqual(
        transport.trace(of: message.header.msgID),
        ["iopub:status:busy", "shell:execute_reply", "iopub:status:idle"])
    }
    XCTAssertEqual(transport.reply(to: queued[1].header.msgID)?.content["status"], "ok")
    XCTAssertEqual(transport.reply(to: later.header.msgID)?.content["status"], "ok")
    XCTAssertEqual(transport.reply(to: later.header.msgID)?.content["execution_count"], 2)
  }

  /// A client may send its next cell the moment it reads the failed cell's reply; that request
  /// arrived after the error and must run (the abort covers only what was queued before the reply).
  func testRequestSentOnTheErrorReplyRuns() throws {
    interpreter.executeBody = { request, _ in
      request.code == "fail" ? .error(ename: "E", evalue: "v", traceback: []) : .ok
    }
    let failing = makeExecute("fail")
    let next = makeExecute("next")
    transport.onSend = { [weak core] message, channel in
      guard channel == .shell, message.parentHeader["msg_id"]?.stringValue == failing.header.msgID else {
        return
      }
      core?.receive(next, on: .shell)
    }
    core.receive(failing, on: .shell)
    core.waitUntilIdle()
    core.waitUntilIdle()  // `next` was queued while the first wait was already queued
    XCTAssertEqual(interpreter.executedCodes, ["fail", "next"])
    XCTAssertEqual(transport.reply(to: next.header.msgID)?.content["status"], "ok")
  }

  func testNoAbortWhenStopOnErrorIsFalse() {
    let release = DispatchSemaphore(value: 0)
    interpreter.executeBody = { request, _ in
      if request.code == "fail" {
        release.wait()
        return .error(ename: "E", evalue: "v", traceback: [])
      }
      return .ok
    }
    core.receive(makeExecute("fail", stopOnError: false), on: .shell)
    core.receive(makeExecute("next"), on: .shell)
    release.signal()
    core.waitUntilIdle()
    XCTAssertEqual(interpreter.executedCodes, ["fail", "next"])
  }

  // MARK: - Interrupt while a cell runs

  func testInterruptIsServedWhileExecuteBlocks() throws {
    let interrupted = DispatchSemaphore(value: 0)
    interpreter.onInterrupt = { interrupted.signal() }
    interpreter.executeBody = { _, _ in
      // Blocks the shell worker until the control worker delivers the interrupt.
      guard interrupted.wait(timeout: .now() + 10) == .success else {
        return .error(ename: "Timeout", evalue: "no interrupt arrived", traceback: [])
      }
      return .error(ename: "Interrupted", evalue: "stopped", traceback: [])
    }
    let execute = makeExecute("while true {}")
    core.receive(execute, on: .shell)
    let interrupt = makeRequest("interrupt_request")
    core.receive(interrupt, on: .control)
    core.waitUntilIdle()
    XCTAssertEqual(interpreter.interruptCount, 1)
    XCTAssertEqual(transport.reply(to: interrupt.header.msgID)?.content["status"], "ok")
    XCTAssertEqual(transport.reply(to: execute.header.msgID)?.content["ename"], "Interrupted")
  }

  // MARK: - stdin

  func testInputRequestGoesToStdinAndReplyIsReturned() throws {
    var answer: String?
    interpreter.executeBody = { request, _ in
      answer = request.readInput("Name? ", false)
      return .ok
    }
    let execute = makeExecute("readLine()")
    core.receive(execute, on: .shell)
    let request = try waitForMessage(type: "input_request")
    XCTAssertEqual(request.channel, .stdin)
    XCTAssertEqual(request.message.identities, execute.identities)
    XCTAssertEqual(request.message.content["prompt"], "Name? ")
    XCTAssertEqual(request.message.parentHeader["msg_id"]?.stringValue, execute.header.msgID)
    core.receive(makeRequest("input_reply", ["value": "Ada"]), on: .stdin)
    core.waitUntilIdle()
    XCTAssertEqual(answer, "Ada")
  }

  func testInterruptCancelsWaitingInput() throws {
    var answer: String? = "unset"
    interpreter.executeBody = { request, _ in
      answer = request.readInput("> ", true)
      return .ok
    }
    core.receive(makeExecute("readLine()"), on: .shell)
    _ = try waitForMessage(type: "input_request")
    core.receive(makeRequest("interrupt_request"), on: .control)
    core.waitUntilIdle()
    XCTAssertNil(answer)
  }

  // MARK: - shutdown

  func testShutdownRepliesThenIdleThenStops() throws {
    for (channel, restart) in [(Channel.control, true), (.shell, false)] {
      setUp()
      let request = makeRequest("shutdown_request", ["restart": .bool(restart)])
      core.receive(request, on: channel)
      core.waitUntilIdle()
      XCTAssertEqual(
        transport.trace(of: request.header.msgID),
        ["iopub:status:busy", "\(channel.rawValue):shutdown_reply", "iopub:status:idle"])
      XCTAssertEqual(transport.reply(to: request.header.msgID)?.content["restart"], .bool(restart))
      XCTAssertEqual(interpreter.shutdownCalls, [restart])
      XCTAssertEqual(shutdowns.values.last, restart)
      // Nothing is handled after shutdown.
      let late = makeExecute("late")
      core.receive(late, on: .shell)
      core.waitUntilIdle()
      XCTAssertEqual(transport.trace(of: late.header.msgID), [])
    }
    XCTAssertEqual(shutdowns.values, [true, false])
  }

  // MARK: - Helpers

  private func waitForMessage(type: String) throws -> (channel: Channel, message: Message) {
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
      if let found = transport.sent.first(where: { $0.message.msgType == type }) { return found }
      usleep(1000)
    }
    XCTFail("no \(type) was sent within 10 s")
    throw TimeoutError()
  }
}

/// Thrown when an expected message never came.
struct TimeoutError: Error {}

/// Collects the `restart` flags of shutdown callbacks from any thread.
final class ShutdownRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private var recorded: [Bool] = []

  func record(_ restart: Bool) {
    lock.lock()
    recorded.append(restart)
    lock.unlock()
  }

  var values: [Bool] {
    lock.lock()
    defer { lock.unlock() }
    return recorded
  }
}
