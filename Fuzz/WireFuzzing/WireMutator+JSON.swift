import Foundation
import ExecutorWire
import JupyterProtocol

// MARK: - JSON frame mutations

extension WireMutator {
  /// Header fields and every content field of the request types the kernel serves.
  static let fieldNames = [
    "msg_id", "msg_type", "session", "username", "date", "version", "code", "silent", "store_history",
    "user_expressions", "allow_stdin", "stop_on_error", "cursor_pos", "detail_level", "hist_access_type",
    "output", "raw", "start", "stop", "n", "pattern", "unique", "restart", "comm_id", "target_name", "data",
    "value", "execution_state",
  ]

  /// Message types, known and unknown, for `msg_type`.
  static let messageTypes =
    SeedMessages.contents.map(\.msgType) + [
      "execute_reply", "status", "stream", "", "EXECUTE_REQUEST", "execute_request\0", "é_request",
    ]

  /// Values of every JSON type, with the edges of each: the wrong type for any field.
  mutating func oddValue(depth: Int = 0) -> JSONValue {
    let scalars: [JSONValue] = [
      .int(-1), .int(0), .int(1), .int(Int.max), .int(Int.min), .int(-(1 << 53)), .double(1e308),
      .double(-1e308), .double(1.5), .double(-0.0), .double(.leastNonzeroMagnitude), .double(1e15),
      .double(-1e15 + 0.5),
      .string(""), .string("x"), .string("\u{0}\u{1}\u{7f}\u{FFFF}\u{1F600}"), .string("tail"),
      .string("range"), .string("search"), .string("*"), .string("[a-"), .string("\\"), .null, .bool(true),
      .bool(false), .array([]), .object([:]),
    ]
    switch integer(in: 0..<12) {
    case 0 where depth < 3: return .array((0..<integer(in: 1...4)).map { _ in oddValue(depth: depth + 1) })
    case 1 where depth < 3:
      return .object(
        Dictionary(
          (0..<integer(in: 1...4)).map { _ in (pick(WireMutator.fieldNames), oddValue(depth: depth + 1)) },
          uniquingKeysWith: { first, _ in first }))
    case 2:
      return .string(
        String(repeating: pick(["a", "é", "\u{1F600}", "\n", "{"]), count: integer(in: 1...70_000)))
    case 3: return .string(pick(WireMutator.messageTypes))
    default: return pick(scalars)
    }
  }

  /// Mutates one of the four JSON frames: a field set to a wrong type, removed or added; the
  /// message type changed; or the text itself made invalid or extreme.
  mutating func mutateJSONFrame(_ input: inout FuzzInput) {
    guard let split = input.frames.firstIndex(of: WireCodec.delimiter), split + 2 < input.frames.count else {
      return
    }
    let frames = (split + 2)..<min(split + 6, input.frames.count)
    // The content frame most often, then the header.
    let index =
      chance(0.5) && frames.contains(split + 5)
      ? split + 5 : chance(0.6) ? split + 2 : pick(Array(frames))
    if chance(0.7), case .object(var object)? = try? JSONValue.parse(input.frames[index]) {
      switch integer(in: 0..<8) {
      case 0...3: object[pick(object.keys.sorted() + WireMutator.fieldNames)] = oddValue()
      case 4 where !object.isEmpty: object.removeValue(forKey: pick(object.keys.sorted()))
      case 5: object["msg_type"] = .string(pick(WireMutator.messageTypes))
      case 6:
        input.frames[index] = pick([JSONValue.array([]), .string("{}"), .int(7), .null]).serialized()
        return
      default: object["x-unknown-\(integer(in: 0...9))"] = oddValue()
      }
      input.frames[index] = JSONValue.object(object).serialized()
    } else {
      input.frames[index] = mutateJSONText(input.frames[index])
    }
  }

  /// Text-level JSON damage: duplicate keys, numbers out of range, deep nesting, lone
  /// surrogates, raw control characters, truncation, trailing bytes, a byte-order mark.
  mutating func mutateJSONText(_ frame: Data) -> Data {
    var text = [UInt8](frame)
    let insertAfterBrace = { (member: String) -> [UInt8] in
      guard text.first == UInt8(ascii: "{") else { return Array(member.utf8) + text }
      return [UInt8(ascii: "{")] + Array(member.utf8) + (text.count > 2 ? [UInt8(ascii: ",")] : [])
        + text.dropFirst()
    }
    switch integer(in: 0..<12) {
    case 0: text = insertAfterBrace("\"\(pick(WireMutator.fieldNames))\":\"duplicate\"")
    case 1:
      let literal = pick([
        "1e999", "-1e999", "123456789012345678901234567890", "-9223372036854775809", "9223372036854775808",
        "1.7976931348623157e309", "0.0000000000000000000000001e-400", "-0", "01", "+1", ".5", "1.", "NaN",
        "Infinity", "-Infinity", "0x10", "1e", "--1",
      ])
      text = insertAfterBrace("\"\(pick(WireMutator.fieldNames))\":\(literal)")
    case 2:
      let depth = pick([64, 511, 512, 513, 2_000, 100_000])
      let (open, close) = chance(0.5) ? ("[", "]") : ("{\"a\":", "}")
      text = insertAfterBrace(
        "\"\(pick(WireMutator.fieldNames))\":" + String(repeating: open, count: depth) + "1"
          + String(repeating: close, count: depth))
    case 3:
      let escape = pick([
        "\\ud800", "\\udc00", "\\ud800\\ud800", "\\udc00\\ud800", "\\u0000", "\\uFFFF", "\\x41", "\\",
      ])
      text = insertAfterBrace("\"\(pick(WireMutator.fieldNames))\":\"a\(escape)b\"")
    case 4: text = insertAfterBrace("\"code\":\"\u{1}\t\u{1f}\"")
    case 5: text = Array(text.prefix(integer(in: 0...text.count)))
    case 6: text += Array(pick(["}", " x", "{}", "\0", ",", "]"]).utf8)
    case 7: text = [0xef, 0xbb, 0xbf] + text
    case 8:
      text = Array(pick(["", " ", "null", "[]", "\"{}\"", "{", "}", "{\"a\"}", "{\"a\":}", "{,}"]).utf8)
    case 9: text = insertAfterBrace("\"\u{1F600}\":\"\u{1F600}\"")
    case 10: text = insertAfterBrace("\"\(pick(WireMutator.fieldNames))\":\(pick(["true", "false", "null"]))")
    default: text = insertAfterBrace("\"msg_type\":\"\(pick(WireMutator.messageTypes))\"")
    }
    return Data(text)
  }
}
