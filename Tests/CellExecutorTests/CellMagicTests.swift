import XCTest

@testable import CellExecutor

/// Cell commands: the rewrite keeps lines and columns, and bad commands name what was expected.
final class CellMagicTests: XCTestCase {
  func testCodeWithoutCommandsIsUntouched() throws {
    let code = "let a = 5 % 3\nprint(a)"
    let commands = try CellMagic.parse(code)
    XCTAssertEqual(commands.swift, code)
    XCTAssertFalse(commands.timed)
    XCTAssertTrue(commands.installs.isEmpty)
  }

  func testOnlyCellsThatUseACommandImportItsRuntime() throws {
    let prelude = ["Foundation", "NotebookDisplay"]
    for code in ["let a = 1", "%install-location /tmp"] {
      let commands = try CellMagic.parse(code)
      XCTAssertFalse(commands.callsRuntime, code)
      XCTAssertEqual(CellMagic.preludeModules(prelude, for: commands), prelude, code)
    }
    for code in ["%time f()", "%%timeit\nf()", "%pwd", "%env A=1", "%%bash\necho hi"] {
      let commands = try CellMagic.parse(code)
      XCTAssertTrue(commands.callsRuntime, code)
      XCTAssertEqual(CellMagic.preludeModules(prelude, for: commands), prelude + ["CellRuntime"], code)
    }
  }

  func testTimeOneStatementKeepsColumnsAndStopsAfterIt() throws {
    let commands = try CellMagic.parse("%time let x = f()\nprint(x)")
    XCTAssertEqual(commands.swift, "_t0();let x = f();_t1()\nprint(x)")
    XCTAssertTrue(commands.timed)
  }

  func testTimeOfTheLastStatementRunsToTheEndOfTheCell() throws {
    XCTAssertEqual(try CellMagic.parse("let a = 1\n%time a + 1").swift, "let a = 1\n_t0();a + 1")
  }

  func testTimeOfAMultiLineStatementStopsAfterItsEnd() throws {
    let commands = try CellMagic.parse("%time for i in 0..<3 {\n  print(i)\n}\nprint(\"done\")")
    XCTAssertEqual(commands.swift, "_t0();for i in 0..<3 {\n  print(i)\n};_t1()\nprint(\"done\")")
  }

  func testCellTimeIsReplacedInPlace() throws {
    XCTAssertEqual(try CellMagic.parse("%%time\nf()").swift, "_t0() \nf()")
  }

  func testTimeitWrapsTheStatementInAClosureOfTheSameWidth() throws {
    XCTAssertEqual(try CellMagic.parse("%timeit f()").swift, "_timeit{f() }")
    XCTAssertEqual(try CellMagic.parse("%timeit -n 10 -r 3 f()").swift, "_timeit(10,3){     f() }")
    XCTAssertEqual(try CellMagic.parse("%timeit -r 2 f()").swift, "_timeit(0,2){f() }")
  }

  func testCellTimeitWrapsTheWholeCell() throws {
    XCTAssertEqual(
      try CellMagic.parse("%%timeit -n 5\nlet a = 1\nf(a)").swift, "_timeit(5,0){\nlet a = 1\nf(a)\n}")
  }

  func testColumnsAfterTheCommandAreTheUsers() throws {
    let code = "%timeit -n 100 value.compute(3)"
    let swift = try CellMagic.parse(code).swift
    let column = { (text: String) in text.range(of: "compute")!.lowerBound.utf16Offset(in: text) }
    XCTAssertEqual(column(swift), column(code))
  }

  func testUnknownCommandListsTheKnownOnes() {
    XCTAssertThrowsError(try CellMagic.parse("print(1)\n%who")) { error in
      let failure = error as! CellCommandError
      XCTAssertEqual(failure.line, 2)
      XCTAssertTrue(failure.message.contains("%who") && failure.message.contains("%timeit"), failure.message)
    }
  }

  func testBadTimeitOptionsAndMisplacedCellCommands() {
    XCTAssertThrowsError(try CellMagic.parse("%timeit -n 0 f()"))
    XCTAssertThrowsError(try CellMagic.parse("%timeit -q f()"))
    XCTAssertThrowsError(try CellMagic.parse("%timeit"))
    XCTAssertThrowsError(try CellMagic.parse("f()\n%%time"))
    XCTAssertThrowsError(try CellMagic.parse("%%time f()"))
  }

  func testInstallLinesAreBlankedAndParsed() throws {
    let commands = try CellMagic.parse(
      "%install-location /tmp/pkgs\n"
        + "%install '.package(url: \"https://github.com/apple/swift-numerics\", from: \"1.1.1\")' Numerics\n"
        + "%install-swiftpm-flags -c debug\nimport Numerics")
    XCTAssertEqual(commands.swift, "\n\n\nimport Numerics")
    XCTAssertEqual(commands.installLocation, "/tmp/pkgs")
    XCTAssertEqual(commands.swiftPMFlags, ["-c", "debug"])
    XCTAssertEqual(
      commands.installs,
      [
        PackageRequest(
          spec: ".package(url: \"https://github.com/apple/swift-numerics\", from: \"1.1.1\")",
          products: ["Numerics"])
      ])
    XCTAssertEqual(commands.installs.first?.packageName, "swift-numerics")
  }

  func testMalformedInstallSaysWhatWasExpected() {
    XCTAssertThrowsError(try CellMagic.parse("%install .package(url: \"x\") P")) { error in
      XCTAssertTrue("\(error)".contains("single quotes"), "\(error)")
    }
    XCTAssertThrowsError(try CellMagic.parse("%install '.package(url: \"x\", from: \"1.0.0\")'")) { error in
      XCTAssertTrue("\(error)".contains("products"), "\(error)")
    }
  }

  func testGeneratedManifestNamesEveryProduct() {
    let manifest = PackageInstaller.manifest(for: [
      PackageRequest(spec: ".package(path: \"/src/my-lib\")", products: ["A", "B"])
    ])
    XCTAssertTrue(manifest.contains(".package(path: \"/src/my-lib\"),"))
    XCTAssertTrue(manifest.contains(".product(name: \"A\", package: \"my-lib\")"))
    XCTAssertTrue(manifest.contains(".product(name: \"B\", package: \"my-lib\")"))
    XCTAssertTrue(manifest.contains("type: .dynamic"))
  }
}
