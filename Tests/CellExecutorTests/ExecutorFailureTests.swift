import XCTest

@testable import CellExecutor

/// Compile errors, crashes and interrupts through the real executor.
final class ExecutorFailureTests: XCTestCase {
  private var executor: CellExecutor!

  override func setUpWithError() throws {
    executor = try CellExecutor(configuration: try BuiltProducts.configuration(grace: 1.5))
  }

  override func tearDown() {
    executor?.shutdown()
    executor = nil
  }

  func testCompileErrorPointsAtTheCellsLineAndColumn() {
    // `let` gains a `public ` prefix in the generated code; the column must still be the user's.
    let run = executor.run("let a = 1\nlet b = a + missingName")
    guard case .compileError(let error) = run.outcome else {
      return XCTFail("expected a compile error, got \(run.outcome)")
    }
    XCTAssertEqual(error.ename, "CompileError")
    XCTAssertTrue(error.evalue.hasPrefix("2:13: "), "evalue was \(error.evalue)")
    XCTAssertTrue(
      error.traceback.contains { $0.hasPrefix("<cell 1>:2:13: error: cannot find 'missingName'") })
    XCTAssertTrue(error.traceback.contains("    let b = a + missingName"), "\(error.traceback)")
    XCTAssertTrue(error.traceback.contains("                ^"), "caret under column 13: \(error.traceback)")
  }

  func testCompileErrorKeepsEarlierState() {
    XCTAssertEqual(executor.run("let kept = 7").outcome, .success)
    guard case .compileError = executor.run("let broken: Int = \"no\"").outcome else {
      return XCTFail("expected a compile error")
    }
    XCTAssertEqual(executor.run("kept").resultText, "7")
  }

  func testTrapReportsMessageAndRollsBackToTheStateBeforeTheCell() {
    XCTAssertEqual(executor.run("var before = 1").outcome, .success)
    let crash = executor.run(
      "before = 5\nlet values = [1, 2, 3]\nlet index = values.count + Int(\"2\")!\nprint(values[index])")
    guard case .rolledBack(let error) = crash.outcome else {
      return XCTFail("expected a rollback, got \(crash.outcome)")
    }
    XCTAssertEqual(error.evalue, "Fatal error: Index out of range; the cell was rolled back")
    XCTAssertTrue(error.traceback.contains(CrashReport.rolledBack), "\(error.traceback)")
    XCTAssertEqual(executor.run("before").resultText, "1", "the failed cell's assignment is undone")
    let next = executor.run("let again = before + 1\nagain * 21")
    XCTAssertEqual(next.outcome, .success)
    XCTAssertEqual(next.resultText, "42")
  }

  func testExitRollsBackAndSaysSo() {
    XCTAssertEqual(executor.run("let kept = 3").outcome, .success)
    guard case .rolledBack(let error) = executor.run("exit(4)").outcome else {
      return XCTFail("expected a rollback")
    }
    XCTAssertEqual(error.evalue, "the cell called exit(4); the cell was rolled back")
    XCTAssertEqual(executor.run("kept").resultText, "3")
  }

  func testTopLevelThrowReportsTheErrorAndKeepsEarlierState() {
    XCTAssertEqual(
      executor.run("let survivor = 5\nstruct MissingData: Error { let path: String }").outcome, .success)
    let thrown = executor.run(
      "print(\"before\")\nlet loaded: Int = try { throw MissingData(path: \"/x\") }()")
    guard case .uncaughtError(let error) = thrown.outcome else {
      return XCTFail("expected an uncaught error, got \(thrown.outcome)")
    }
    XCTAssertTrue(error.ename.hasSuffix("MissingData"), "ename was \(error.ename)")
    XCTAssertTrue(error.evalue.contains("/x"), "evalue was \(error.evalue)")
    XCTAssertEqual(thrown.stdout, "before\n")
    XCTAssertEqual(executor.run("survivor * 2").resultText, "10", "earlier state survives a throw")
    guard case .compileError = executor.run("loaded").outcome else {
      return XCTFail("the throwing cell's own definitions must be discarded")
    }
  }

  func testFatalErrorAndForceUnwrapMessages() {
    guard case .rolledBack(let fatal) = executor.run("fatalError(\"custom stop\")").outcome else {
      return XCTFail("expected a rollback")
    }
    XCTAssertEqual(fatal.evalue, "Fatal error: custom stop; the cell was rolled back")
    guard case .rolledBack(let unwrap) = executor.run("let n: Int? = Int(\"x\")\nprint(n!)").outcome else {
      return XCTFail("expected a rollback")
    }
    XCTAssertTrue(unwrap.evalue.contains("Unexpectedly found nil"), unwrap.evalue)
    guard case .rolledBack(let division) = executor.run("let zero = Int(\"0\")!\nprint(1 / zero)").outcome
    else {
      return XCTFail("expected a rollback")
    }
    XCTAssertEqual(division.evalue, "Fatal error: Division by zero; the cell was rolled back")
  }

  func testOutputStreamsWhileTheCellRuns() {
    var arrivals: [Date] = []
    let start = Date()
    let outcome = executor.execute(
      "import Foundation\nfor i in 0..<3 { print(i); Thread.sleep(forTimeInterval: 0.3) }"
    ) { event in
      if case .stdout = event { arrivals.append(Date()) }
    }
    let end = Date()
    XCTAssertEqual(outcome, .success)
    XCTAssertEqual(arrivals.count, 3, "one event per printed line")
    XCTAssertLessThan(
      arrivals.first!.timeIntervalSince(start), end.timeIntervalSince(start) - 0.5,
      "the first line arrived before the cell ended")
  }

  func testCooperativeInterruptKeepsState() {
    XCTAssertEqual(executor.run("var steps = 0").outcome, .success)
    let run = executor.runInterruptingAtFirstOutput(
      "import Foundation\nprint(\"running\")\n"
        + "repeat { steps += 1; Thread.sleep(forTimeInterval: 0.01) } while !Interruption.isRequested"
    )
    XCTAssertEqual(run.outcome, .interrupted(nil))
    let after = executor.run("steps > 0")
    XCTAssertEqual(after.resultText, "true", "state survives a cooperative interrupt")
  }

  func testInterruptOfLoopThatIgnoresTheFlagKillsAndRollsBack() {
    XCTAssertEqual(executor.run("var before = 1").outcome, .success)
    let started = Date()
    let run = executor.runInterruptingAtFirstOutput(
      "import Foundation\nbefore = 2\nprint(\"running\")\nwhile true { Thread.sleep(forTimeInterval: 0.01) }")
    guard case .interrupted(let error?) = run.outcome else {
      return XCTFail("expected a kill after the grace period, got \(run.outcome)")
    }
    XCTAssertTrue(error.evalue.contains("rolled back"), error.evalue)
    XCTAssertLessThan(
      Date().timeIntervalSince(started), 30, "the kill came after the grace period, not never")
    XCTAssertEqual(executor.run("before").resultText, "1", "the state before the cell is back")
  }
}
