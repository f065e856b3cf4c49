import XCTest

@testable import CellExecutor

/// The language server's document: Jupyter's scalar offsets to LSP's UTF-16 positions and back.
final class NotebookDocumentTests: XCTestCase {
  func testTheCellFollowsImportsAndEarlierCells() {
    let document = NotebookDocument(
      imports: ["import Foundation"], earlier: ["let a = 1\nlet b = 2"], cell: "a.")
    XCTAssertEqual(document.text, "import Foundation\nlet a = 1\nlet b = 2\na.\n")
    XCTAssertEqual(document.headerLines, 3)
  }

  func testPositionsCountUTF16UnitsOnTheCellsLine() {
    let document = NotebookDocument(imports: ["import Foundation"], cell: "let s = \"😀é\"\ns.cou")
    // 😀 is one scalar and two UTF-16 units; é is one of each.
    XCTAssertEqual(document.position(ofScalar: 12).line, 1)
    XCTAssertEqual(document.position(ofScalar: 12).character, 13)
    XCTAssertEqual(document.position(ofScalar: 18).line, 2)
    XCTAssertEqual(document.position(ofScalar: 18).character, 5)
  }

  func testOffsetsRoundTrip() {
    let cell = "let 名前 = \"🙂\"\n名前.count"
    let document = NotebookDocument(imports: ["import A", "import B"], cell: cell)
    for offset in 0...cell.unicodeScalars.count {
      let position = document.position(ofScalar: offset)
      XCTAssertEqual(document.scalarOffset(line: position.line, character: position.character), offset)
    }
    XCTAssertNil(document.scalarOffset(line: 0, character: 0))
  }
}
