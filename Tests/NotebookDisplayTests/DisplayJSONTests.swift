import Foundation
import XCTest

@testable import NotebookDisplay

/// JSON payloads and MIME displays.
final class DisplayJSONTests: XCTestCase {
  func testLiteralsBuildJSON() {
    let value: DisplayJSON = ["a": 1, "b": [true, nil, 2.5, "x"]]
    XCTAssertEqual(
      value, .object(["a": .int(1), "b": .array([.bool(true), .null, .double(2.5), .string("x")])]))
  }

  func testFoundationObjectsConvertAndOthersAreRejected() throws {
    let parsed = try JSONSerialization.jsonObject(
      with: Data(#"{"n": 2, "ok": true, "r": 0.5, "l": [1]}"#.utf8))
    XCTAssertEqual(try DisplayJSON(jsonObject: parsed), ["n": 2, "ok": true, "r": 0.5, "l": [1]])
    XCTAssertThrowsError(try DisplayJSON(jsonObject: ["date": Date()])) { error in
      XCTAssertTrue("\(error)".contains("Date"), "\(error)")
    }
  }

  func testDisplayJSONSendsAJSONPayloadWithPlainText() {
    let events = captureDisplayEvents {
      display(json: ["loss": 1.5])
      display(mime: "text/html", text: "<b>x</b>", plain: "x", metadata: ["text/html": ["isolated": true]])
    }
    guard case .display(let json, nil) = events[0], case .display(let html, nil) = events[1] else {
      return XCTFail("expected two displays, got \(events)")
    }
    XCTAssertEqual(json.json["application/json"], ["loss": 1.5])
    XCTAssertTrue(json.data["text/plain"]?.contains("\"loss\"") ?? false)
    XCTAssertEqual(html.data, ["text/html": "<b>x</b>", "text/plain": "x"])
    XCTAssertEqual(html.jsonMetadata, ["text/html": ["isolated": true]])
  }
}
