import Foundation
import XCTest

@testable import ExecutorWire

/// The messages between kernel and executor survive their JSON lines; the shared types and the
/// duration format behave as both sides expect.
final class WireTests: XCTestCase {
  func testEveryMessageSurvivesItsLine() {
    let bundle = MimeBundle(
      data: ["text/plain": "table\nwith lines", "image/png": "iVBOR/+="],
      json: ["application/json": ["a": [1, 2.5, nil, "x"], "b": true]],
      metadata: ["text/html": ["isolated": true]])
    let payload = CommPayload(
      data: ["state": ["value": 0.5]], metadata: ["version": "2.1.0"], buffers: [Data([0, 1, 255])])
    let messages: [ExecutorMessage] = [
      .ready(pid: 42), .output(.stdout("a\n")), .output(.stderr("é\u{1}")),
      .output(.display(bundle, id: nil)),
      .output(.display(bundle, id: "d1")), .output(.updateDisplay(bundle, id: "d1")),
      .output(.clearOutput(wait: true)), .output(.result(MimeBundle(plainText: "42"))),
      .inputRequest(prompt: "name? ", password: true), .cellEnded(.returned),
      .cellEnded(.threw(type: "Cell_3.Oops", message: "bad")), .cellEnded(.notLoaded(reason: "no main")),
      .cellSkipped, .restored(pid: 7, openComms: ["c1"]), .noSnapshot(reason: "fork() failed"), .loaded,
      .loadFailed(reason: "dlopen"), .commStarted(token: 3), .commHandled(token: 3, known: false),
      .output(.comm(.open(commID: "c1", targetName: "jupyter.widget", payload))),
      .output(.comm(.message(commID: "c1", CommPayload(data: ["method": "update"])))),
      .output(.comm(.close(commID: "c1", CommPayload()))),
      .output(.error(ename: "Fatal error", evalue: "boom", traceback: ["a", "b"])),
    ]
    for message in messages {
      let line = JSONLines.encode(message)
      XCTAssertEqual(line.last, UInt8(ascii: "\n"))
      XCTAssertEqual(line.filter { $0 == UInt8(ascii: "\n") }.count, 1, "one line: \(message)")
      XCTAssertEqual(JSONLines.decode(ExecutorMessage.self, from: line.dropLast()), message)
    }
    for command in [
      ExecutorCommand.run(library: "/w/Cell_1/libCell_1.so", parentID: "m1"), .load(library: "/p/lib.so"),
      .comm(CommDelivery(message: .message(commID: "c1", payload), token: 4, parentID: "m2")),
      .recover(
        token: 5, parentID: "m3", failure: CommFailure(commID: "c1", ename: "E", evalue: "v", traceback: [])),
      .recover(token: 6, parentID: "m4", failure: nil), .exit,
    ] {
      XCTAssertEqual(
        JSONLines.decode(ExecutorCommand.self, from: JSONLines.encode(command).dropLast()), command)
    }
    for reply in [InputReply.line("typed \"text\""), .endOfInput] {
      XCTAssertEqual(JSONLines.decode(InputReply.self, from: JSONLines.encode(reply).dropLast()), reply)
    }
  }

  func testALineOfSomethingElseIsNotAMessage() {
    XCTAssertNil(JSONLines.decode(ExecutorMessage.self, from: Array(#"{"kind":"done"}"#.utf8)))
    XCTAssertNil(JSONLines.decode(ExecutorCommand.self, from: Array("run /tmp/x.so".utf8)))
  }

  func testLinesComeOutWholeWhateverTheChunks() {
    var buffer = LineBuffer()
    buffer.append(Array("first\nsec".utf8))
    XCTAssertEqual(buffer.nextLine(), Array("first".utf8))
    XCTAssertNil(buffer.nextLine())
    buffer.append(Array("ond\n\nthird".utf8))
    XCTAssertEqual(buffer.nextLine(), Array("second".utf8))
    XCTAssertEqual(buffer.nextLine(), [])
    XCTAssertNil(buffer.nextLine())
  }

  func testWriteSendsOneLineThroughADescriptor() throws {
    var ends: [Int32] = [0, 0]
    XCTAssertEqual(pipe(&ends), 0)
    defer { close(ends[0]) }
    XCTAssertTrue(JSONLines.write(ExecutorCommand.exit, to: ends[1]))
    close(ends[1])
    let read = FileHandle(fileDescriptor: ends[0]).readDataToEndOfFile()
    XCTAssertEqual(Array(read), JSONLines.encode(ExecutorCommand.exit))
    XCTAssertFalse(JSONLines.write(ExecutorCommand.exit, to: -1))
  }

  func testJSONKeepsWholeNumbersApartAndWritesNaNAsNull() throws {
    let value: JSONValue = ["i": 3, "d": 0.5, "n": .double(.nan), "s": "x", "l": [true, nil]]
    let line = JSONLines.encode(value)
    XCTAssertEqual(
      JSONLines.decode(JSONValue.self, from: line.dropLast()),
      ["i": 3, "d": 0.5, "n": nil, "s": "x", "l": [true, nil]])
  }

  func testJupyterFormMergesJSONOverText() {
    var bundle = MimeBundle(
      data: ["text/plain": "x", "application/json": "{}"], metadata: ["image/png": ["width": 2]])
    bundle.json["application/json"] = ["k": 1]
    bundle.jsonMetadata = ["image/png": ["alt": "a"], "text/html": ["isolated": true]]
    XCTAssertEqual(bundle.jupyterData, ["text/plain": "x", "application/json": ["k": 1]])
    XCTAssertEqual(
      bundle.jupyterMetadata, ["image/png": ["width": 2, "alt": "a"], "text/html": ["isolated": true]])
  }

  func testDurationsAreWrittenLikeIPython() {
    XCTAssertEqual(TimingText.format(1.234), "1.23 s")
    XCTAssertEqual(TimingText.format(0.0123), "12.3 ms")
    XCTAssertEqual(TimingText.format(0.000_456), "456 µs")
    XCTAssertEqual(TimingText.format(123.4), "123 s")
    XCTAssertEqual(TimingText.format(0), "0 ns")
    XCTAssertEqual(TimingText.format(.nan), "0 ns")
  }
}
