import ExecutorWire
import XCTest

@testable import CellExecutor

/// Cells share state through the real executor: globals, redefinitions, the library's globals.
final class ExecutorStateTests: XCTestCase {
  private var executor: CellExecutor!

  override func setUpWithError() throws {
    executor = try CellExecutor(configuration: try BuiltProducts.configuration())
  }

  override func tearDown() {
    executor?.shutdown()
    executor = nil
  }

  func testStateCarriesAcrossCells() {
    XCTAssertEqual(executor.run("var counter = 40\nfunc bump() { counter += 1 }").outcome, .success)
    XCTAssertEqual(executor.run("bump(); bump()").outcome, .success)
    let run = executor.run("counter")
    XCTAssertEqual(run.outcome, .success)
    XCTAssertEqual(run.resultText, "42")
  }

  func testLaterDefinitionWins() {
    XCTAssertEqual(
      executor.run("let x = 1\nfunc f() -> Int { 1 }\nstruct S { var a: Int }").outcome, .success)
    XCTAssertEqual(executor.run("let x = \"a\"\nfunc f() -> String { \"two\" }").outcome, .success)
    XCTAssertEqual(executor.run("struct S { var b: String }").outcome, .success)
    XCTAssertEqual(executor.run("x").resultText, "a")
    XCTAssertEqual(executor.run("f()").resultText, "two")
    XCTAssertEqual(executor.run("S(b: \"new\").b").resultText, "new")
  }

  func testStructsExtensionsAndOperatorsOfEarlierCells() {
    let first = executor.run(
      """
      struct Point { var x: Double; var y: Double = 0 }
      extension Int { var doubled: Int { self * 2 } }
      infix operator ** : MultiplicationPrecedence
      func ** (lhs: Int, rhs: Int) -> Int { (0..<rhs).reduce(1) { acc, _ in acc * lhs } }
      class Counter { var count = 0; func tick() { count += 1 } }
      """)
    XCTAssertEqual(first.outcome, .success)
    let second = executor.run(
      "let c = Counter(); c.tick()\n\"\\(Point(x: 3).x) \\(21.doubled) \\(2 ** 10) \\(c.count)\"")
    XCTAssertEqual(second.outcome, .success)
    XCTAssertEqual(second.resultText, "3.0 42 1024 1")
  }

  func testLibraryGlobalsAreShared() {
    // The display channel installed by the executor must be the one cells see: a display
    // from a cell becomes a display event, not printed text.
    let run = executor.run(
      "display(\"shown\", id: \"d1\")\nupdateDisplay(\"changed\", id: \"d1\")\nclearOutput(wait: true)")
    XCTAssertEqual(run.outcome, .success)
    XCTAssertEqual(
      run.events,
      [
        .display(MimeBundle(data: ["text/plain": "shown"]), id: "d1"),
        .updateDisplay(MimeBundle(data: ["text/plain": "changed"]), id: "d1"),
        .clearOutput(wait: true),
      ])
    XCTAssertEqual(executor.run("Interruption.request()").outcome, .success)
    XCTAssertEqual(executor.run("Interruption.isRequested").resultText, "false", "cleared before each cell")
  }

  func testStreamingOrderAndVoidResults() {
    let run = executor.run("print(\"a\")\ndisplay(1)\nprint(\"b\")\nprint(\"c\")")
    XCTAssertEqual(run.outcome, .success)
    let texts = run.events.map { event -> String in
      switch event {
      case .stdout(let text): return text
      case .display(let bundle, _): return "[" + (bundle.data["text/plain"] ?? "") + "]"
      default: return "?"
      }
    }
    XCTAssertEqual(texts.joined(), "a\n[1]b\nc\n")
    XCTAssertNil(run.resultText, "print returns Void and shows no result")
  }

  func testLibraryGlobalSetByOneCellIsSeenByTheNext() {
    let first = executor.run(
      "let original = DisplayChannel.send\n"
        + "DisplayChannel.send = { event in print(\"seen\"); original(event) }"
    )
    XCTAssertEqual(first.outcome, .success)
    let second = executor.run("display(5)")
    XCTAssertEqual(second.outcome, .success)
    XCTAssertEqual(
      second.events, [.stdout("seen\n"), .display(MimeBundle(data: ["text/plain": "5"]), id: nil)])
  }

  func testCommandsCallTheirRuntimeWhichPlainCellsDoNotSee() {
    let timed = executor.run("%time let total = (1...10).reduce(0, +)\nprint(total)")
    XCTAssertEqual(timed.outcome, .success)
    XCTAssertTrue(timed.stdout.contains("Compile time: "), timed.stdout)
    XCTAssertTrue(timed.stdout.contains("Wall time: ") && timed.stdout.hasSuffix("55\n"), timed.stdout)
    let shell = executor.run("%system echo from-the-shell")
    XCTAssertEqual(shell.outcome, .success)
    XCTAssertEqual(shell.stdout, "from-the-shell\n")
    guard case .compileError(let error) = executor.run("_shell(\"/bin/sh\", \"true\")").outcome else {
      return XCTFail("a cell without commands must not see the commands' runtime")
    }
    XCTAssertTrue(error.traceback.joined().contains("_shell"), "\(error.traceback)")
  }

  func testRichResultFromATypeDeclaredInACell() {
    let code = """
      struct Card: NotebookRenderable {
        var title: String
        func mimeBundle() -> MimeBundle {
          MimeBundle(data: ["text/plain": title, "text/html": "<b>\\(title)</b>"])
        }
      }
      Card(title: "ace")
      """
    let run = executor.run(code)
    XCTAssertEqual(run.outcome, .success)
    XCTAssertEqual(
      run.events, [.result(MimeBundle(data: ["text/plain": "ace", "text/html": "<b>ace</b>"]))])
  }

  func testLargeMultiByteOutputArrivesWhole() {
    let run = executor.run("print(String(repeating: \"é→\", count: 50_000))")
    XCTAssertEqual(run.outcome, .success)
    XCTAssertEqual(run.stdout, String(repeating: "é→", count: 50_000) + "\n")
  }

  func testImportsOfEarlierCellsCarryOver() {
    XCTAssertEqual(executor.run("import Foundation").outcome, .success)
    let run = executor.run("URL(fileURLWithPath: \"/tmp/a.txt\").lastPathComponent")
    XCTAssertEqual(run.outcome, .success)
    XCTAssertEqual(run.resultText, "a.txt")
  }
}
