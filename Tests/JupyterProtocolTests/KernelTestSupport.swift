import ExecutorWire
import Foundation
import XCTest

@testable import JupyterProtocol

// MARK: - MockTransport

/// Records every message the core sends, in order, instead of putting it on a socket.
final class MockTransport: KernelTransport, @unchecked Sendable {
  private let lock = NSLock()
  private var log: [(channel: Channel, message: Message)] = []
  /// Called after each message is logged, on the sending thread: a client that answers at once.
  var onSend: ((Message, Channel) -> Void)?

  func send(_ message: Message, on channel: Channel) {
    lock.lock()
    log.append((channel, message))
    let hook = onSend
    lock.unlock()
    hook?(message, channel)
  }

  /// Everything sent so far.
  var sent: [(channel: Channel, message: Message)] {
    lock.lock()
    defer { lock.unlock() }
    return log
  }

  /// Messages answering `parentID`, as "channel:msg_type" (status messages as "iopub:status:busy").
  func trace(of parentID: String) -> [String] {
    sent.filter { $0.message.parentHeader["msg_id"]?.stringValue == parentID }.map { entry in
      let state = entry.message.content["execution_state"]?.stringValue.map { ":\($0)" } ?? ""
      return "\(entry.channel.rawValue):\(entry.message.msgType)\(state)"
    }
  }

  /// The reply (shell or control) to `parentID`.
  func reply(to parentID: String) -> Message? {
    sent.first { $0.channel != .iopub && $0.message.parentHeader["msg_id"]?.stringValue == parentID }?.message
  }
}

// MARK: - MockInterpreter

/// An interpreter whose behaviour each test sets with closures; records what it was asked.
final class MockInterpreter: KernelInterpreter, @unchecked Sendable {
  private let lock = NSLock()
  var executeBody: (ExecuteRequest, @escaping (OutputEvent) -> Void) -> ExecuteOutcome = { request, publish in
    publish(.stream(.stdout, request.code))
    return .ok
  }
  var onInterrupt: () -> Void = {}
  private(set) var executedCodes: [String] = []
  private(set) var executedRequests: [ExecuteRequest] = []
  private(set) var completeCalls: [(String, Int)] = []
  private(set) var shutdownCalls: [Bool] = []
  private(set) var interruptCount = 0

  func kernelInfo() -> KernelInfo {
    KernelInfo(
      implementation: "mock", implementationVersion: "9.9", languageInfo: LanguageInfo(version: "6.3.1"),
      banner: "mock banner", helpLinks: [HelpLink(text: "Swift", url: "https://swift.org")])
  }

  func execute(_ request: ExecuteRequest, publish: @escaping (OutputEvent) -> Void) -> ExecuteOutcome {
    lock.lock()
    executedCodes.append(request.code)
    executedRequests.append(request)
    lock.unlock()
    return executeBody(request, publish)
  }

  func isComplete(_ code: String) -> IsCompleteResult {
    if code.hasSuffix("{") { return .incomplete(indent: "  ") }
    if code.hasPrefix("}") { return .invalid }
    return code.isEmpty ? .unknown : .complete
  }

  func complete(_ code: String, cursorPos: Int) -> CompletionResult {
    completeCalls.append((code, cursorPos))
    return CompletionResult(
      matches: ["print", "precondition"], cursorStart: max(0, cursorPos - 2), cursorEnd: cursorPos)
  }

  func inspect(_ code: String, cursorPos: Int, detailLevel: Int) -> [String: String]? {
    code.contains("print") ? ["text/plain": "print(_:) detail \(detailLevel) at \(cursorPos)"] : nil
  }

  func interrupt() {
    lock.lock()
    interruptCount += 1
    lock.unlock()
    onInterrupt()
  }

  func shutdown(restart: Bool) { shutdownCalls.append(restart) }
}

// MARK: - Requests

/// Builds a request message as a client would send it.
func makeRequest(
  _ msgType: String, _ content: [String: JSONValue] = [:], identity: String = "client"
) -> Message {
  Message(
    identities: [Data(identity.utf8)], header: MessageHeader(msgType: msgType, session: "client-session"),
    content: content)
}

/// Builds an execute_request.
func makeExecute(_ code: String, silent: Bool = false, storeHistory: Bool = true, stopOnError: Bool = true)
  -> Message
{
  makeRequest(
    "execute_request",
    [
      "code": .string(code), "silent": .bool(silent), "store_history": .bool(storeHistory),
      "stop_on_error": .bool(stopOnError), "allow_stdin": true, "user_expressions": [:],
    ])
}
