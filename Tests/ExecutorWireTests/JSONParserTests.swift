import Foundation
import XCTest

@testable import ExecutorWire

/// The kernel's JSON parser: strict RFC 8259, linear time, bounded depth.
final class JSONParserTests: XCTestCase {
  private func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

  private func assertInvalid(
    _ text: String, _ reason: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertThrowsError(try parse(text), file: file, line: line) { error in
      XCTAssertTrue("\(error)".contains(reason), "\(error)", file: file, line: line)
    }
  }

  func testValuesOfEveryType() throws {
    XCTAssertEqual(
      try parse(#" {"a": [1, -2.5, 1e3, true, false, null, "x"], "b": {}, "c": [] } "#),
      ["a": [1, -2.5, 1000.0, true, false, nil, "x"], "b": [:], "c": []])
    XCTAssertEqual(try parse("-0"), .int(0))
    XCTAssertEqual(try parse("9223372036854775807"), .int(Int.max))
    XCTAssertEqual(try parse("9223372036854775808"), .double(9_223_372_036_854_775_808))
    XCTAssertEqual(try parse("1.0"), .double(1))
    XCTAssertEqual(try parse(#"{"k": 1, "k": 2}"#), ["k": 2], "a repeated key keeps the last value")
  }

  func testStringsWithEscapesAndSurrogatePairs() throws {
    XCTAssertEqual(try parse(#""a\"b\\c\/d\b\f\n\r\t""#), .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
    XCTAssertEqual(try parse(#""\u00e9\ud83d\ude00é😀""#), .string("é😀é😀"))
  }

  func testWhatIsNotJSONIsRefusedWithItsOffset() {
    assertInvalid("", "found the end of the input")
    assertInvalid("{\"a\":1} x", "at byte 8: unexpected bytes after the JSON value")
    assertInvalid("01", "unexpected bytes")
    assertInvalid("+1", "expected a value")
    assertInvalid("1.", "expected a digit after '.'")
    assertInvalid("1e", "expected a digit in the exponent")
    assertInvalid("1e999", "out of range")
    assertInvalid("NaN", "expected a value")
    assertInvalid("{\"a\" 1}", "expected ':'")
    assertInvalid("[1 2]", "expected ',' or ']'")
    assertInvalid("{\"a\":1,}", "expected a string key")
    assertInvalid("\"tab\there\"", "control character 0x9")
    assertInvalid(#""\ud800""#, "without its low surrogate")
    assertInvalid(#""\udc00""#, "without its high surrogate")
    assertInvalid(#""\ud800\u0041""#, "is not a low surrogate")
    assertInvalid(#""\x41""#, "unknown escape")
    assertInvalid("\u{FEFF}{}", "expected a value")
    XCTAssertThrowsError(try JSONValue.parse(Data([0x22, 0xff, 0x22]))) {
      XCTAssertTrue("\($0)".contains("not valid UTF-8"), "\($0)")
    }
    XCTAssertThrowsError(try JSONValue.parse(Data([0x22, 0xed, 0xa0, 0x80, 0x22])))  // an encoded surrogate
  }

  func testNestingIsBoundedAndCostsLinearTime() throws {
    let depth = JSONParser.maximumDepth
    let deepest = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    XCTAssertNoThrow(try parse(deepest))
    assertInvalid("[" + deepest + "]", "nested deeper than 512")
    // Decoding through Decodable took seconds for one such kilobyte (quadratic in the depth, on
    // the kernel's I/O thread); a linear parser takes well under a millisecond for each.
    let objects =
      String(repeating: "{\"a\":", count: depth - 1) + "1" + String(repeating: "}", count: depth - 1)
    let start = Date()
    for _ in 0..<20 { _ = try parse(objects) }
    XCTAssertLessThan(Date().timeIntervalSince(start), 2.0, "20 parses of \(depth - 1)-deep objects")
  }

  func testSerializedValuesParseBackEqual() throws {
    let value: JSONValue = [
      "s": "\u{0}\u{1f}\"\\é😀", "i": .int(Int.min), "d": .double(.leastNonzeroMagnitude), "big": 1e308,
      "n": nil, "a": [[[]], [:]],
    ]
    XCTAssertEqual(try JSONValue.parse(value.serialized()), value)
  }
}
