import Foundation

// MARK: - Errors

/// JSON text that is not a single valid JSON value (RFC 8259), with where and why.
public struct JSONParseError: Error, CustomStringConvertible, Equatable {
  /// Byte offset of the problem in the input.
  public var offset: Int
  /// What was expected or wrong there.
  public var reason: String

  /// "invalid JSON at byte 12: expected ':' after an object key".
  public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

// MARK: - JSONParser

/// A strict JSON parser that takes time linear in the input's length: one pass over the UTF-8
/// bytes, at most `maximumDepth` nested arrays and objects, strings checked as UTF-8 with escapes
/// and surrogate pairs decoded, numbers as `Int` when integral and in range, else as finite
/// `Double`. A repeated object key keeps the last value, as Python's json module does.
struct JSONParser {
  /// The deepest nesting of arrays and objects accepted.
  static let maximumDepth = 512

  private let bytes: UnsafeRawBufferPointer
  private var at = 0

  private init(_ bytes: UnsafeRawBufferPointer) {
    self.bytes = bytes
  }

  /// The one JSON value in `data`, with nothing but whitespace around it.
  static func parse(_ data: Data) throws -> JSONValue {
    try data.withUnsafeBytes { buffer in
      var parser = JSONParser(buffer)
      let value = try parser.value(depth: 0)
      parser.skipWhitespace()
      guard parser.at == buffer.count else { throw parser.error("unexpected bytes after the JSON value") }
      return value
    }
  }

  // MARK: - Values

  private mutating func value(depth: Int) throws -> JSONValue {
    skipWhitespace()
    guard at < bytes.count else { throw error("expected a value, found the end of the input") }
    switch bytes[at] {
    case UInt8(ascii: "{"): return try object(depth: depth + 1)
    case UInt8(ascii: "["): return try array(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): return try literal("true", .bool(true))
    case UInt8(ascii: "f"): return try literal("false", .bool(false))
    case UInt8(ascii: "n"): return try literal("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
    default: throw error("expected a value, found byte 0x\(String(bytes[at], radix: 16))")
    }
  }

  private mutating func object(depth: Int) throws -> JSONValue {
    guard depth <= JSONParser.maximumDepth else {
      throw error("nested deeper than \(JSONParser.maximumDepth)")
    }
    at += 1
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if at < bytes.count && bytes[at] == UInt8(ascii: "}") {
      at += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw error("expected a string key") }
      let key = try string()
      skipWhitespace()
      try expect(":", "expected ':' after an object key")
      members[key] = try value(depth: depth)
      skipWhitespace()
      guard at < bytes.count else { throw error("unterminated object") }
      at += 1
      if bytes[at - 1] == UInt8(ascii: "}") { return .object(members) }
      guard bytes[at - 1] == UInt8(ascii: ",") else { throw error("expected ',' or '}' in an object") }
    }
  }

  private mutating func array(depth: Int) throws -> JSONValue {
    guard depth <= JSONParser.maximumDepth else {
      throw error("nested deeper than \(JSONParser.maximumDepth)")
    }
    at += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if at < bytes.count && bytes[at] == UInt8(ascii: "]") {
      at += 1
      return .array(elements)
    }
    while true {
      elements.append(try value(depth: depth))
      skipWhitespace()
      guard at < bytes.count else { throw error("unterminated array") }
      at += 1
      if bytes[at - 1] == UInt8(ascii: "]") { return .array(elements) }
      guard bytes[at - 1] == UInt8(ascii: ",") else { throw error("expected ',' or ']' in an array") }
    }
  }

  private mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
    for character in word.utf8 {
      guard at < bytes.count, bytes[at] == character else { throw error("expected \(word)") }
      at += 1
    }
    return value
  }

  // MARK: - Numbers

  private mutating func number() throws -> JSONValue {
    let start = at
    var integral = true
    if bytes[at] == UInt8(ascii: "-") { at += 1 }
    guard at < bytes.count, isDigit(bytes[at]) else { throw error("expected a digit") }
    if bytes[at] == UInt8(ascii: "0") {
      at += 1
    } else {
      skipDigits()
    }
    if at < bytes.count && bytes[at] == UInt8(ascii: ".") {
      integral = false
      at += 1
      guard at < bytes.count, isDigit(bytes[at]) else { throw error("expected a digit after '.'") }
      skipDigits()
    }
    if at < bytes.count && (bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E")) {
      integral = false
      at += 1
      if at < bytes.count && (bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-")) { at += 1 }
      guard at < bytes.count, isDigit(bytes[at]) else { throw error("expected a digit in the exponent") }
      skipDigits()
    }
    let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
    if integral, let value = Int(text) { return .int(value) }
    guard let value = Double(text), value.isFinite else {
      throw JSONParseError(offset: start, reason: "the number \(text.prefix(40)) is out of range")
    }
    return .double(value)
  }

  private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  private mutating func skipDigits() {
    while at < bytes.count && isDigit(bytes[at]) { at += 1 }
  }

  // MARK: - Strings

  /// A string literal starting at the opening quote.
  private mutating func string() throws -> String {
    at += 1
    var out: [UInt8] = []
    var runStart = at
    while true {
      guard at < bytes.count else { throw error("unterminated string") }
      let byte = bytes[at]
      if byte == UInt8(ascii: "\"") {
        out += bytes[runStart..<at]
        at += 1
        break
      }
      if byte < 0x20 { throw error("control character 0x\(String(byte, radix: 16)) in a string") }
      guard byte == UInt8(ascii: "\\") else {
        at += 1
        continue
      }
      out += bytes[runStart..<at]
      at += 1
      guard at < bytes.count else { throw error("unterminated escape") }
      let escaped = bytes[at]
      at += 1
      switch escaped {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0c)
      case UInt8(ascii: "n"): out.append(0x0a)
      case UInt8(ascii: "r"): out.append(0x0d)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"): out += Array(String(try unicodeEscape()).utf8)
      default: throw error("unknown escape \\\(Character(Unicode.Scalar(escaped)))")
      }
      runStart = at
    }
    guard let text = String(validating: out, as: UTF8.self) else {
      throw error("a string is not valid UTF-8")
    }
    return text
  }

  /// The scalar of `\uXXXX` (after the `u`), joining a surrogate pair; a lone surrogate is an error.
  private mutating func unicodeEscape() throws -> Unicode.Scalar {
    let first = try hexQuad()
    if (0xD800...0xDBFF).contains(first) {
      guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
        throw error("a high surrogate \\u\(String(first, radix: 16)) without its low surrogate")
      }
      at += 2
      let second = try hexQuad()
      guard (0xDC00...0xDFFF).contains(second) else {
        throw error("\\u\(String(second, radix: 16)) is not a low surrogate")
      }
      return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
    }
    guard let scalar = Unicode.Scalar(first) else {
      throw error("a low surrogate \\u\(String(first, radix: 16)) without its high surrogate")
    }
    return scalar
  }

  private mutating func hexQuad() throws -> UInt32 {
    guard at + 4 <= bytes.count else { throw error("expected four hex digits after \\u") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let digit = Character(Unicode.Scalar(bytes[at])).hexDigitValue else {
        throw error("expected four hex digits after \\u")
      }
      value = value << 4 | UInt32(digit)
      at += 1
    }
    return value
  }

  // MARK: - Helpers

  private mutating func skipWhitespace() {
    while at < bytes.count {
      switch bytes[at] {
      case 0x20, 0x09, 0x0a, 0x0d: at += 1
      default: return
      }
    }
  }

  private mutating func expect(_ character: Unicode.Scalar, _ reason: String) throws {
    guard at < bytes.count, bytes[at] == UInt8(character.value) else { throw error(reason) }
    at += 1
  }

  private func error(_ reason: String) -> JSONParseError {
    JSONParseError(offset: at, reason: reason)
  }
}
