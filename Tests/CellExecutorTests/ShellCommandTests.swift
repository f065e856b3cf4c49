import XCTest

@testable import CellExecutor

/// The shell, environment and file commands: what Swift they become, and what bad ones say.
final class ShellCommandTests: XCTestCase {
  func testLineCommandsBecomeCallsOnTheirOwnLines() throws {
    let commands = try CellMagic.parse(
      "%system ls \"my dir\" | wc -l\n%env GREETING=hello\n%cd ~/data\nlet x = 1\n%pwd")
    XCTAssertEqual(
      commands.swift,
      "_shell(\"/bin/sh\", \"ls \\\"my dir\\\" | wc -l\")\n_env(\"GREETING=hello\")\n_cd(\"~/data\")\n"
        + "let x = 1\n_pwd()")
  }

  func testScriptCellsKeepTheirTextAndLineCount() throws {
    let script = "%%bash\nfor i in 1 2; do echo \"$i\\t\\\\\"; done\n%time not a command"
    let swift = try CellMagic.parse(script).swift
    XCTAssertEqual(
      swift,
      "_shell(\"bash\", \"for i in 1 2; do echo \\\"$i\\\\t\\\\\\\\\\\"; done\\n%time not a command\")\n\n")
    XCTAssertEqual(swift.split(separator: "\n", omittingEmptySubsequences: false).count, 3)
    XCTAssertEqual(try CellMagic.parse("\n%%sh\necho hi").swift, "\n_shell(\"/bin/sh\", \"echo hi\")\n")
  }

  func testWritefileTakesTheRestOfTheCellVerbatim() throws {
    XCTAssertEqual(
      try CellMagic.parse("%%writefile notes.txt\nline \\(1)\n\ttab").swift,
      "_writefile(\"notes.txt\", append: false, \"line \\\\(1)\\n\\ttab\\n\")\n\n")
    XCTAssertEqual(
      try CellMagic.parse("%%writefile -a log.txt\nmore").swift,
      "_writefile(\"log.txt\", append: true, \"more\\n\")\n")
  }

  func testControlCharactersAreEscaped() {
    XCTAssertEqual(ShellCommands.literal("a\u{1}b\u{7f}é"), "\"a\\u{1}b\\u{7f}é\"")
  }

  func testLsmagicListsEveryCommand() throws {
    let swift = try CellMagic.parse("%lsmagic").swift
    for name in ["%time", "%install", "%system", "%env", "%cd", "%pwd", "%%bash", "%%writefile"] {
      XCTAssertTrue(swift.contains(name), "\(name) missing from \(swift)")
    }
  }

  func testBadUsesSayWhatWasExpected() {
    let cases: [(String, Int, String)] = [
      ("%system", 1, "%system expects a shell command"),
      ("%%writefile\ntext", 1, "%%writefile expects one file name"),
      ("%%writefile a b\ntext", 1, "%%writefile expects one file name"),
      ("%%bash -x\necho", 1, "%%bash takes no arguments"),
      ("let a = 1\n%%sh\necho", 2, "%%sh applies to the whole cell, so it must be its first line"),
      ("%pwd now", 1, "%pwd takes no arguments"),
    ]
    for (code, line, message) in cases {
      XCTAssertThrowsError(try CellMagic.parse(code), code) { error in
        let error = error as? CellCommandError
        XCTAssertEqual(error?.line, line, code)
        XCTAssertTrue(error?.message.hasPrefix(message) ?? false, "\(code): \(String(describing: error))")
      }
    }
  }
}
