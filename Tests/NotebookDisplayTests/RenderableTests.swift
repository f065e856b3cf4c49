import Foundation
import XCTest

@testable import NotebookDisplay

final class RenderableTests: XCTestCase {
  func testWrappersCarryTheirMimeTypeAndPlainText() {
    XCTAssertEqual(
      HTML("<b>hi</b>").mimeBundle().data, [MimeType.html: "<b>hi</b>", MimeType.plainText: "<b>hi</b>"])
    XCTAssertEqual(Markdown("# T").mimeBundle().data[MimeType.markdown], "# T")
    XCTAssertEqual(SVG("<svg/>").mimeBundle().data[MimeType.svg], "<svg/>")
  }

  func testDisplayUsesTheProtocolAndFallsBackToDescription() {
    let events = captureDisplayEvents {
      display(Markdown("**x**"), id: "a")
      display(42)
      updateDisplay(HTML("<i>y</i>"), id: "a")
      publishCellResult([1, 2])
      clearOutput(wait: true)
    }
    XCTAssertEqual(
      events,
      [
        .display(Markdown("**x**").mimeBundle(), id: "a"),
        .display(MimeBundle(plainText: "42"), id: nil),
        .update(HTML("<i>y</i>").mimeBundle(), id: "a"),
        .result(MimeBundle(plainText: "[1, 2]")),
        .clearOutput(wait: true),
      ])
  }

  func testSavingChoosesTheFormatByExtension() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("save-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let plot = LinePlot([LineSeries(name: "loss", values: [3, 2, 1])])
    try plot.save(to: directory.appendingPathComponent("loss.svg"))
    XCTAssertEqual(
      try String(contentsOf: directory.appendingPathComponent("loss.svg"), encoding: .utf8), plot.svg())
    try plot.save(to: directory.appendingPathComponent("loss.html"))
    let page = try String(contentsOf: directory.appendingPathComponent("loss.html"), encoding: .utf8)
    XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>") && page.contains(plot.svg()))
    let table = Table(titles: ["a"], rows: [["<x>"]])
    try table.save(to: directory.appendingPathComponent("t.html"))
    XCTAssertTrue(
      try String(contentsOf: directory.appendingPathComponent("t.html"), encoding: .utf8).contains(
        "&lt;x&gt;"))
    XCTAssertThrowsError(try plot.save(to: directory.appendingPathComponent("loss.png"))) { error in
      guard case SaveError.unsupportedFormat(_, let available) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(available, [".svg", ".html", ".md", ".txt"])
    }
    XCTAssertThrowsError(try plot.save(to: URL(fileURLWithPath: "/nonexistent-dir/x.svg"))) { error in
      XCTAssertTrue("\(error)".contains("/nonexistent-dir/x.svg"))
    }
  }

  func testDisplayGroupStacksPartsAsHTML() throws {
    let image = try Image(pixels: [0, 255], width: 2, height: 1, format: .gray)
    let group = DisplayGroup([HTML("<p>a</p>"), image, SVG("<svg/>"), Markdown("b<")])
    let html = group.mimeBundle().data[MimeType.html] ?? ""
    XCTAssertTrue(html.contains("<p>a</p>"))
    XCTAssertTrue(
      html.contains("<img src=\"data:image/png;base64,\(image.pngData.base64EncodedString())\"/>"))
    XCTAssertTrue(html.contains("<svg/>"))
    XCTAssertTrue(html.contains("<pre>b&lt;</pre>"))
    XCTAssertEqual(XMLSummary("<root>" + html + "</root>").count("div"), 4)
  }
}
