import Foundation
import ExecutorWire
import JupyterProtocol

// MARK: - Seed messages

/// Well-formed messages of every type a client sends, with the content fields the messaging
/// spec gives them, plus types the kernel does not know; the fuzzers start from these.
public enum SeedMessages {
  /// Request types and a typical content for each.
  public static let contents: [(msgType: String, content: [String: JSONValue])] = [
    ("kernel_info_request", [:]),
    (
      "execute_request",
      [
        "code": "let x = 1\nprint(x)", "silent": false, "store_history": true,
        "user_expressions": ["y": "x + 1"],
        "allow_stdin": false, "stop_on_error": true,
      ]
    ),
    (
      "execute_request",
      ["code": "fail here", "silent": true, "store_history": false, "stop_on_error": false]
    ),
    ("execute_request", ["code": "display", "user_expressions": [:]]),
    ("execute_request", ["code": "page", "allow_stdin": true]),
    ("is_complete_request", ["code": "for i in 0..<3 {"]),
    ("complete_request", ["code": "prin", "cursor_pos": 4]),
    ("inspect_request", ["code": "print(1)", "cursor_pos": 3, "detail_level": 1]),
    ("history_request", ["hist_access_type": "tail", "n": 10, "output": true, "raw": true]),
    (
      "history_request",
      ["hist_access_type": "range", "session": 0, "start": 1, "stop": 5, "output": false, "raw": true]
    ),
    ("history_request", ["hist_access_type": "search", "pattern": "pr*", "unique": true, "n": 3]),
    ("comm_info_request", ["target_name": "jupyter.widget"]),
    ("comm_open", ["comm_id": "c1", "target_name": "t", "data": ["a": 1]]),
    ("comm_msg", ["comm_id": "c1", "data": [:]]),
    ("comm_close", ["comm_id": "c1", "data": [:]]),
    ("interrupt_request", [:]),
    ("shutdown_request", ["restart": false]),
    ("shutdown_request", ["restart": true]),
    ("input_reply", ["value": "typed text"]),
    ("debug_request", ["command": "initialize", "seq": 1]),
    ("usage_request", [:]),
    ("not_a_message_type", ["anything": [1, 2.5, "three", nil, true]]),
  ]

  /// One message per entry of `contents`, with a fixed header, a parent header, metadata and,
  /// for some, buffers.
  public static let messages: [Message] = contents.enumerated().map { index, entry in
    var header = MessageHeader(msgType: entry.msgType, session: "seed-session", username: "fuzz")
    header.msgID = "seed-\(index)"
    header.date = "2026-01-01T00:00:00.000000Z"
    return Message(
      identities: [Data("client-\(index % 3)".utf8)], header: header,
      parentHeader: index % 2 == 0 ? [:] : ["msg_id": "parent", "msg_type": "execute_request"],
      metadata: index % 3 == 0 ? ["deletedCells": [], "recordTiming": false] : [:], content: entry.content,
      buffers: index % 5 == 0 ? [Data([0, 1, 2, 255])] : [])
  }
}
