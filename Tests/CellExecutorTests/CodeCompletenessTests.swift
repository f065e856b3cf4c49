import XCTest

@testable import CellExecutor

/// Samples of all three answers to `is_complete_request`.
final class CodeCompletenessTests: XCTestCase {
  func testCompleteCode() {
    for code in ["1 + 1", "let x = 1", "func f() {\n  print(1)\n}", "print(\"}\")", "", "// just a comment"] {
      XCTAssertEqual(CodeCompleteness.of(code), .complete, "code: \(code)")
    }
  }

  func testIncompleteCodeWithIndent() {
    XCTAssertEqual(CodeCompleteness.of("func f() {"), .incomplete(indent: "  "))
    XCTAssertEqual(CodeCompleteness.of("for i in 0..<3 {\n  if i > 1 {"), .incomplete(indent: "    "))
    XCTAssertEqual(CodeCompleteness.of("print(1,"), .incomplete(indent: "  "))
    XCTAssertEqual(CodeCompleteness.of("let values = ["), .incomplete(indent: "  "))
    XCTAssertEqual(CodeCompleteness.of("let s = \"\"\"\nabc"), .incomplete(indent: ""))
    XCTAssertEqual(CodeCompleteness.of("let y = 1 +"), .incomplete(indent: ""))
  }

  func testCellsWithCommands() {
    XCTAssertEqual(CodeCompleteness.ofCell("%system ls -la"), .complete)
    XCTAssertEqual(CodeCompleteness.ofCell("%time for i in 0..<3 {"), .incomplete(indent: "  "))
    XCTAssertEqual(CodeCompleteness.ofCell("%%bash\nfor i in 1 2; do"), .incomplete(indent: ""))
    XCTAssertEqual(
      CodeCompleteness.ofCell("%%bash\necho hi\n"), .complete, "a blank line ends a cell command")
    XCTAssertEqual(CodeCompleteness.ofCell("%%timeit\nf()"), .incomplete(indent: ""))
    XCTAssertEqual(CodeCompleteness.ofCell("%nosuchcommand"), .invalid)
    XCTAssertEqual(CodeCompleteness.ofCell("let x = 1"), CodeCompleteness.of("let x = 1"))
  }

  func testInvalidCode() {
    for code in ["let = 5", "func f() }", "let s = \"abc", "1 + * 2", "struct { }"] {
      XCTAssertEqual(CodeCompleteness.of(code), .invalid, "code: \(code)")
    }
  }
}
