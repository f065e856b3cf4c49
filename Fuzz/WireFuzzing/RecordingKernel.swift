import Foundation
import ExecutorWire
import JupyterProtocol

// MARK: - Transport

/// Keeps every message the kernel core sends, in order.
final class RecordingTransport: KernelTransport, @unchecked Sendable {
  private let lock = NSLock()
  private var log: [(channel: Channel, message: Message)] = []

  func send(_ message: Message, on channel: Channel) {
    lock.lock()
    log.append((channel, message))
    lock.unlock()
  }

  /// Everything sent so far.
  var sent: [(channel: Channel, message: Message)] {
    lock.lock()
    defer { lock.unlock() }
    return log
  }
}

// MARK: - Interpreter

/// An interpreter that answers at once and echoes what it was given, so that every field of a
/// request reaches an output: the code as a stream, user expressions as results, cursors as
/// completion ranges.
final class EchoInterpreter: KernelInterpreter, @unchecked Sendable {
  func kernelInfo() -> KernelInfo {
    KernelInfo(
      implementation: "fuzz", implementationVersion: "0", languageInfo: LanguageInfo(version: "6"),
      banner: "fuzz", helpLinks: [HelpLink(text: "Swift", url: "https://swift.org")])
  }

  func execute(_ request: ExecuteRequest, publish: @escaping (OutputEvent) -> Void) -> ExecuteOutcome {
    publish(.stream(.stdout, request.code))
    if request.code.hasPrefix("display") {
      publish(.displayData(MimeOutput(data: ["text/plain": .string(request.code)], displayID: request.code)))
      publish(.updateDisplayData(MimeOutput(data: ["text/plain": "updated"], displayID: request.code)))
      publish(.clearOutput(wait: true))
    }
    if request.code.hasPrefix("page") { return .okWithPage(["text/plain": request.code]) }
    if request.code.hasPrefix("fail") {
      return .error(ename: "Failure", evalue: request.code, traceback: [request.code])
    }
    publish(.executeResult(.plainText(request.code)))
    return .ok
  }

  func evaluate(userExpressions: [String: String]) -> [String: UserExpressionResult] {
    userExpressions.mapValues { .ok(data: ["text/plain": $0]) }
  }

  func isComplete(_ code: String) -> IsCompleteResult {
    code.hasSuffix("{") ? .incomplete(indent: "  ") : code.isEmpty ? .unknown : .complete
  }

  func complete(_ code: String, cursorPos: Int) -> CompletionResult {
    precondition(
      (0...code.codePointCount).contains(cursorPos),
      "the core passed cursor \(cursorPos) outside 0...\(code.codePointCount)")
    let start = code.index(atCodePoint: cursorPos)
    return CompletionResult(
      matches: [String(code[..<start].suffix(8))], cursorStart: max(0, cursorPos - 1), cursorEnd: cursorPos)
  }

  func inspect(_ code: String, cursorPos: Int, detailLevel: Int) -> [String: String]? {
    precondition(
      (0...code.codePointCount).contains(cursorPos),
      "the core passed cursor \(cursorPos) outside 0...\(code.codePointCount)")
    return code.isEmpty ? nil : ["text/plain": "\(code.prefix(16)) \(detailLevel)"]
  }

  func interrupt() {}

  func shutdown(restart: Bool) {}
}
