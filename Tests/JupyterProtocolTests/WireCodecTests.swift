import ExecutorWire
import Foundation
import XCTest

@testable import JupyterProtocol

/// Wire format: identities, delimiter, signature over the exact JSON bytes, buffers, errors.
final class WireCodecTests: XCTestCase {
  let codec = WireCodec(signer: MessageSigner(key: "a0436f6c-1916-498b-8eb9-e81ab9368e84"))

  private func sampleMessage() -> Message {
    Message(
      identities: [Data("client-1".utf8), Data([0, 1, 2])],
      header: MessageHeader(msgType: "execute_request", session: "s1", username: "me"),
      parentHeader: ["msg_id": "p1"], metadata: ["k": 1],
      content: ["code": "print(\"é \\u{1F600}\")\n\t", "silent": false, "x": 1.5],
      buffers: [Data([9, 8, 7])])
  }

  // MARK: - Encoding

  func testFrameLayoutAndSignature() throws {
    let message = sampleMessage()
    let frames = codec.encode(message)
    XCTAssertEqual(frames.count, 2 + 1 + 1 + 4 + 1)
    XCTAssertEqual(Array(frames[0..<2]), message.identities)
    XCTAssertEqual(frames[2], Data("<IDS|MSG>".utf8))
    XCTAssertEqual(
      String(decoding: frames[3], as: UTF8.self), codec.signer.signature(for: Array(frames[4...7])))
    XCTAssertEqual(frames[8], Data([9, 8, 7]))
    let header = try JSONValue.parse(frames[4])
    XCTAssertEqual(header["version"], "5.3")
    XCTAssertEqual(header["msg_type"], "execute_request")
  }

  func testRoundTrip() throws {
    let message = sampleMessage()
    XCTAssertEqual(try codec.decode(codec.encode(message)), message)
  }

  func testVerifiesBytesAsReceivedNotReserialized() throws {
    // Whitespace and key order a Python client might use; re-serializing would change the bytes.
    let parts = [
      #"{"msg_type": "kernel_info_request", "msg_id": "m1", "session": "s", "username": "u", "#
        + #""date": "d", "version": "5.3"}"#,
      "{}", "{ }", #"{"b": 1,  "a": 2}"#,
    ].map { Data($0.utf8) }
    let signature = Data(codec.signer.signature(for: parts).utf8)
    let message = try codec.decode([Data("id".utf8), WireCodec.delimiter, signature] + parts)
    XCTAssertEqual(message.msgType, "kernel_info_request")
    XCTAssertEqual(message.content, ["a": 2, "b": 1])
  }

  // MARK: - Rejection

  func testRejectsForgedAndMissingSignatures() {
    var frames = codec.encode(sampleMessage())
    frames[3] = Data(String(repeating: "0", count: 64).utf8)
    XCTAssertThrowsError(try codec.decode(frames)) { XCTAssertEqual($0 as? WireError, .badSignature) }
    frames[3] = Data()
    XCTAssertThrowsError(try codec.decode(frames)) { XCTAssertEqual($0 as? WireError, .badSignature) }
    var tampered = codec.encode(sampleMessage())
    tampered[7] = Data(#"{"code":"rm -rf"}"#.utf8)
    XCTAssertThrowsError(try codec.decode(tampered)) { XCTAssertEqual($0 as? WireError, .badSignature) }
  }

  func testRejectsMissingDelimiterAndFrames() {
    let frames = codec.encode(sampleMessage())
    XCTAssertThrowsError(try codec.decode(frames.filter { $0 != WireCodec.delimiter })) {
      XCTAssertEqual($0 as? WireError, .missingDelimiter(frameCount: 8))
    }
    XCTAssertThrowsError(try codec.decode(Array(frames[0..<6]))) {
      XCTAssertEqual($0 as? WireError, .missingFrames(found: 3))
    }
  }

  func testRejectsBadJSONAndBadHeader() {
    let badJSON = [Data("{}".utf8), Data("{}".utf8), Data("{}".utf8), Data("{not json".utf8)]
    let frames = [WireCodec.delimiter, Data(codec.signer.signature(for: badJSON).utf8)] + badJSON
    XCTAssertThrowsError(try codec.decode(frames)) {
      XCTAssertEqual($0 as? WireError, .invalidJSON(frame: "content"))
    }
    let noType = [Data(#"{"msg_id":"x"}"#.utf8), Data("{}".utf8), Data("{}".utf8), Data("{}".utf8)]
    let noTypeFrames = [WireCodec.delimiter, Data(codec.signer.signature(for: noType).utf8)] + noType
    XCTAssertThrowsError(try codec.decode(noTypeFrames)) { error in
      guard case .badHeader(let reason)? = error as? WireError else { return XCTFail("\(error)") }
      XCTAssertTrue(reason.contains("msg_type"), reason)
    }
  }

  // MARK: - Headers and JSON

  func testHeadersHaveUniqueIDsAndMicrosecondDates() {
    let first = MessageHeader(msgType: "status", session: "s")
    let second = MessageHeader(msgType: "status", session: "s")
    XCTAssertNotEqual(first.msgID, second.msgID)
    let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"#
    XCTAssertNotNil(first.date.range(of: pattern, options: .regularExpression), first.date)
    XCTAssertEqual(
      ISO8601Timestamp.format(seconds: 86_400 + 3_661, microseconds: 42), "1970-01-02T01:01:01.000042Z")
  }

  func testJSONSerializationEscapesAndKeepsIntegers() throws {
    let value: JSONValue = ["s": "a\"b\\c\n\u{01}", "i": 3, "d": 0.5, "n": nil, "t": true, "l": [1, "x"]]
    let text = value.jsonText
    XCTAssertEqual(text, #"{"d":0.5,"i":3,"l":[1,"x"],"n":null,"s":"a\"b\\c\n\u0001","t":true}"#)
    XCTAssertEqual(try JSONValue.parse(Data(text.utf8)), value)
    XCTAssertEqual(JSONValue.double(.nan).jsonText, "null")
  }
}
