import ExecutorWire
import Foundation

// MARK: - Information requests

extension KernelCore {
  func kernelInfo(_ request: Request) {
    let info = interpreter.kernelInfo()
    let language = info.languageInfo
    let links = info.helpLinks.map { JSONValue.object(["text": .string($0.text), "url": .string($0.url)]) }
    reply(
      to: request, "kernel_info_reply",
      content: [
        "status": "ok",
        "protocol_version": .string(MessageHeader.protocolVersion),
        "implementation": .string(info.implementation),
        "implementation_version": .string(info.implementationVersion),
        "language_info": [
          "name": .string(language.name), "version": .string(language.version),
          "mimetype": .string(language.mimetype), "file_extension": .string(language.fileExtension),
          "pygments_lexer": .string(language.pygmentsLexer),
          "codemirror_mode": .string(language.codemirrorMode), "nbconvert_exporter": "script",
        ],
        "banner": .string(info.banner),
        "help_links": .array(links),
        "debugger": false,
      ])
  }

  func isComplete(_ request: Request) {
    let code = request.message.content["code"]?.stringValue ?? ""
    var content: [String: JSONValue]
    switch interpreter.isComplete(code) {
    case .complete: content = ["status": "complete"]
    case .incomplete(let indent): content = ["status": "incomplete", "indent": .string(indent)]
    case .invalid: content = ["status": "invalid"]
    case .unknown: content = ["status": "unknown"]
    }
    reply(to: request, "is_complete_reply", content: content)
  }

  func complete(_ request: Request) {
    let code = request.message.content["code"]?.stringValue ?? ""
    let cursor = clampedCursor(request.message.content["cursor_pos"], in: code)
    let result = interpreter.complete(code, cursorPos: cursor)
    reply(
      to: request, "complete_reply",
      content: [
        "status": "ok", "matches": .array(result.matches.map(JSONValue.string)),
        "cursor_start": .int(result.cursorStart), "cursor_end": .int(result.cursorEnd),
        "metadata": .object(result.metadata),
      ])
  }

  func inspect(_ request: Request) {
    let code = request.message.content["code"]?.stringValue ?? ""
    let cursor = clampedCursor(request.message.content["cursor_pos"], in: code)
    let detail = request.message.content["detail_level"]?.intValue ?? 0
    let bundle = interpreter.inspect(code, cursorPos: cursor, detailLevel: detail)
    reply(
      to: request, "inspect_reply",
      content: [
        "status": "ok", "found": .bool(bundle != nil),
        "data": .object((bundle ?? [:]).mapValues(JSONValue.string)), "metadata": [:],
      ])
  }

  /// The cursor in code points, defaulting to the end of the code and clamped to it.
  private func clampedCursor(_ value: JSONValue?, in code: String) -> Int {
    let length = code.codePointCount
    guard let position = value?.intValue else { return length }
    return min(max(0, position), length)
  }

  func history(_ request: Request) {
    let content = request.message.content
    let withOutput = content["output"]?.boolValue ?? false
    let entries: [HistoryEntry]
    switch content["hist_access_type"]?.stringValue ?? "tail" {
    case "tail":
      entries = history.tail(content["n"]?.intValue)
    case "range":
      entries = history.range(
        session: content["session"]?.intValue ?? 0, start: content["start"]?.intValue ?? 0,
        stop: content["stop"]?.intValue)
    case "search":
      entries = history.search(
        pattern: content["pattern"]?.stringValue ?? "*", n: content["n"]?.intValue,
        unique: content["unique"]?.boolValue ?? false)
    default:
      entries = []
    }
    reply(
      to: request, "history_reply",
      content: ["status": "ok", "history": .array(entries.map { $0.json(withOutput: withOutput) })])
  }

  // MARK: - Lifecycle

  func shutdown(_ request: Request) {
    let restart = request.message.content["restart"]?.boolValue ?? false
    cancelPendingInput()
    reply(to: request, "shutdown_reply", content: ["status": "ok", "restart": .bool(restart)])
    interpreter.shutdown(restart: restart)
    requestShutdown(restart: restart)
  }

  func interrupt(_ request: Request) {
    cancelPendingInput()
    interpreter.interrupt()
    reply(to: request, "interrupt_reply", content: ["status": "ok"])
  }
}
