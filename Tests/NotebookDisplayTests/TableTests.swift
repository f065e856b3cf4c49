import Foundation
import XCTest

@testable import NotebookDisplay

final class TableTests: XCTestCase {
  func testEscapeHTMLReplacesTheFiveSpecialCharacters() {
    XCTAssertEqual(
      escapeHTML("<a href=\"x\">Tom & Jerry's</a>"),
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
    XCTAssertEqual(escapeHTML("plain ü"), "plain ü")
  }

  func testPlainTextAlignsNumbersRightAndTextLeft() {
    let table = Table(
      columns: [Table.Column("name"), Table.Column("bits/dim", format: .decimals(2)), Table.Column("n")],
      rows: [["mnist", 1.9234, 10], ["cifar-10", 3.5, 2000]])
    let expected = """
      name      bits/dim     n
      --------  --------  ----
      mnist         1.92    10
      cifar-10      3.50  2000
      """
    XCTAssertEqual(table.plainText(), expected)
  }

  func testHTMLEscapesCellsAndHeadersAndKeepsAlignment() {
    let table = Table(titles: ["<col>", "value"], rows: [["a & b", 1.5], [nil, 2]], caption: "x<y")
    let html = table.html()
    XCTAssertTrue(html.contains("<caption>x&lt;y</caption>"))
    XCTAssertTrue(html.contains("<th style=\"text-align: left\">&lt;col&gt;</th>"))
    XCTAssertTrue(html.contains("<td style=\"text-align: left\">a &amp; b</td>"))
    XCTAssertTrue(html.contains("<td style=\"text-align: right\">1.5</td>"))
    XCTAssertFalse(html.contains("<col>"))
    XCTAssertEqual(XMLSummary(html).count("tr"), 3)
    let bundle = table.mimeBundle()
    XCTAssertEqual(bundle.data[MimeType.html], html)
    XCTAssertEqual(bundle.data[MimeType.plainText], table.plainText())
  }

  func testNumberFormats() {
    XCTAssertEqual(Table.NumberFormat.automatic.format(42), "42")
    XCTAssertEqual(Table.NumberFormat.automatic.format(3.14159), "3.142")
    XCTAssertEqual(Table.NumberFormat.integer.format(2.6), "3")
    XCTAssertEqual(Table.NumberFormat.decimals(1).format(.nan), "nan")
    XCTAssertEqual(Table.NumberFormat.custom { "\(Int($0))%" }.format(12), "12%")
    XCTAssertEqual(formatDuration(0.4), "0.40 s")
    XCTAssertEqual(formatDuration(42.25), "42.2 s")
    XCTAssertEqual(formatDuration(245), "4:05")
    XCTAssertEqual(formatDuration(3723), "1:02:03")
  }

  func testResultsTableFillsReferenceNumbers() {
    let table = Table.results([
      ResultRow(dataset: "MNIST", thisProject: 1.234, budget: "10 epochs"),
      ResultRow(dataset: "CIFAR-10", thisProject: nil, budget: "not run"),
    ])
    let lines = table.plainText().split(separator: "\n").map(String.init)
    XCTAssertEqual(lines[0], "Test bits/dim (lower is better)")
    XCTAssertEqual(lines[1], "dataset   this project  budget     post  paper")
    XCTAssertEqual(lines[3], "MNIST             1.23  10 epochs  1.92")
    XCTAssertEqual(lines[4], "CIFAR-10                not run    3.79   3.49")
  }

  func testTrainingHistoryTableColumnsAndPlot() {
    let history = TrainingHistoryTable(
      epochs: [1, 2], trainBitsPerDim: [2.5, 2.0], testBitsPerDim: [nil, 2.1],
      imagesPerSecond: [123.45, 130],
      wallTime: [61, 125])
    let lines = history.table.plainText().split(separator: "\n").map(String.init)
    XCTAssertEqual(lines[0], "epoch  train bits/dim  test bits/dim  images/s  wall time")
    XCTAssertEqual(lines[2], "    1           2.500                    123.5       1:01")
    XCTAssertEqual(lines[3], "    2           2.000          2.100     130.0       2:05")
    XCTAssertEqual(history.plot.series.map(\.name), ["train", "test"])
    let report = history.report.mimeBundle()
    XCTAssertTrue(report.data[MimeType.html]?.contains("<svg") ?? false)
    XCTAssertTrue(report.data[MimeType.html]?.contains("<table") ?? false)
  }
}
