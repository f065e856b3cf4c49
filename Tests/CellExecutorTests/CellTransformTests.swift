import XCTest

@testable import CellExecutor

/// The source rewrite: access levels, the final expression, names, column map, imports.
final class CellTransformTests: XCTestCase {
  func testTopLevelDeclarationsBecomePublic() {
    let cell = CellTransform.transform(
      "let a = 1\nvar b: Int = 2\nfunc f() {}\nenum E { case x; func g() {} }\n"
        + "private let hidden = 0\nprotocol P { func p() }"
    )
    XCTAssertEqual(
      cell.body,
      "public let a = 1\npublic var b: Int = 2\npublic func f() {}\n"
        + "public enum E { case x; public func g() {} }"
        + "\nprivate let hidden = 0\npublic protocol P { func p() }")
  }

  func testClassesAreOpenUnlessFinalAndGetPublicInit() {
    let cell = CellTransform.transform(
      "class A { var n = 0 }\nfinal class B { let m: Int; init(m: Int) { self.m = m } }")
    XCTAssertEqual(
      cell.body,
      "open class A { public var n = 0 ; public init() {} }\n"
        + "public final class B { public let m: Int; public init(m: Int) { self.m = m } }")
  }

  func testStructsGetAPublicMemberwiseInit() {
    let cell = CellTransform.transform(
      "struct P {\n  var x: Double\n  var y: Double = 0\n  var f: (Int) -> Int\n}")
    XCTAssertEqual(
      cell.body,
      "public struct P {\n  public var x: Double\n  public var y: Double = 0\n  public var f: (Int) -> Int\n"
        + "; public init(x: Double, y: Double = 0, f: @escaping (Int) -> Int) "
        + "{ self.x = x; self.y = y; self.f = f } }"
    )
  }

  func testStructsWhosePropertiesHaveInferredTypesGetAPublicDefaultInit() {
    XCTAssertEqual(
      CellTransform.transform("struct Foo { var x = 1; var name: String = \"a\" }").body,
      "public struct Foo { public var x = 1; public var name: String = \"a\" ; public init() {} }")
    XCTAssertEqual(
      CellTransform.transform("struct Bar { var x = 1; var y: Int }").body,
      "public struct Bar { public var x = 1; public var y: Int }",
      "no init the compiler could accept: y's value must be given, x's type is not written")
  }

  func testExtensionMembersBecomePublicButNotTheExtension() {
    let cell = CellTransform.transform("extension Int: CustomThing { var doubled: Int { self * 2 } }")
    XCTAssertEqual(cell.body, "extension Int: CustomThing { public var doubled: Int { self * 2 } }")
    XCTAssertTrue(cell.needsWholeImport, "a cell with only extensions is imported whole")
  }

  func testLastExpressionIsWrapped() {
    XCTAssertEqual(
      CellTransform.transform("let x = 2\nx * 3").body, "public let x = 2\npublishCellResult(x * 3)")
    XCTAssertEqual(
      CellTransform.transform("try compute() // why").body, "try publishCellResult(try compute()) // why")
    for unwrapped in ["x = 3", "x += 1", "print(x)", "display(x)", "if x > 1 { 1 } else { 2 }", "let y = 1"] {
      XCTAssertFalse(CellTransform.transform(unwrapped).wrapsResult, "must not wrap: \(unwrapped)")
    }
    XCTAssertTrue(CellTransform.transform("x == 3").wrapsResult)
  }

  func testDeclaredNamesAndKinds() {
    let cell = CellTransform.transform(
      "let (a, b) = (1, 2)\nvar c = 3\nfunc f() {}\nfunc f(_ x: Int) {}\nstruct S {}\ntypealias T = Int")
    XCTAssertEqual(
      cell.declarations,
      [
        .init(name: "a", kind: .let), .init(name: "b", kind: .let), .init(name: "c", kind: .var),
        .init(name: "f", kind: .func), .init(name: "S", kind: .struct), .init(name: "T", kind: .typealias),
      ])
    XCTAssertFalse(cell.needsWholeImport)
    XCTAssertEqual(
      CellTransform.transform("import Foundation\nimport struct Foo.Bar").importLines,
      ["import Foundation", "import struct Foo.Bar"])
    XCTAssertTrue(CellTransform.transform("infix operator <>").needsWholeImport)
  }

  func testColumnMapUndoesInsertions() {
    let cell = CellTransform.transform("let a = 1; let b = c")
    // Generated: "public let a = 1; public let b = c" -- `c` is at generated column 34, user column 20.
    XCTAssertEqual(cell.body, "public let a = 1; public let b = c")
    XCTAssertEqual(cell.columnMap.originalColumn(line: 1, generatedColumn: 34), 20)
    XCTAssertEqual(cell.columnMap.originalColumn(line: 1, generatedColumn: 8), 1)
    XCTAssertEqual(cell.columnMap.originalColumn(line: 1, generatedColumn: 3), 1, "inside inserted text")
    XCTAssertEqual(cell.columnMap.originalColumn(line: 2, generatedColumn: 5), 5, "untouched line")
  }

  func testImportsTakeEachNameFromItsLatestCell() {
    let one = CompiledCell(
      moduleName: "Cell_1", libraryPath: "",
      declarations: [.init(name: "x", kind: .let), .init(name: "f", kind: .func)],
      needsWholeImport: false)
    let two = CompiledCell(
      moduleName: "Cell_2", libraryPath: "", declarations: [.init(name: "x", kind: .var)],
      needsWholeImport: false)
    let three = CompiledCell(moduleName: "Cell_3", libraryPath: "", declarations: [], needsWholeImport: true)
    XCTAssertEqual(
      CellImports.lines(prelude: ["RealNVP"], earlier: [one, two, three], ownNames: ["f"]),
      ["import RealNVP", "import var Cell_2.x", "import Cell_3"])
  }

  /// A long notebook does not make every later cell import every earlier one: only the names a
  /// cell spells come in, and cells that must be imported whole (extensions) always do.
  func testImportsOnlyTheNamesTheCellSpells() {
    let one = CompiledCell(
      moduleName: "Cell_1", libraryPath: "",
      declarations: [.init(name: "x", kind: .let), .init(name: "Model", kind: .struct)],
      needsWholeImport: false)
    let two = CompiledCell(
      moduleName: "Cell_2", libraryPath: "", declarations: [.init(name: "y", kind: .var)],
      needsWholeImport: false)
    let three = CompiledCell(moduleName: "Cell_3", libraryPath: "", declarations: [], needsWholeImport: true)
    let code = "let z: Model = make(`x`, \"y\") // y"
    let referenced = CellTransform.transform(code).referencedNames
    XCTAssertEqual(referenced, ["z", "Model", "make", "x"])
    XCTAssertEqual(
      CellImports.lines(prelude: [], earlier: [one, two, three], ownNames: ["z"], referenced: referenced),
      ["import let Cell_1.x", "import struct Cell_1.Model", "import Cell_3"])
    XCTAssertEqual(
      CellImports.lines(prelude: [], earlier: [one, two, three], ownNames: [], referenced: ["y"]),
      ["import var Cell_2.y", "import Cell_3"])
  }

  /// A cell of statements (and imports) alone declares nothing, so later cells skip it; a
  /// cell with any other top-level declaration, even one hidden in `#if`, still counts.
  func testCellsOfStatementsAloneAreNotImported() {
    for statements in ["1 + 1", "import Foundation\nprint(1)", "for i in 0..<2 { print(i) }"] {
      XCTAssertFalse(CellTransform.transform(statements).declaresAnything, statements)
    }
    for declaring in ["let a = 1", "#if true\nlet b = 2\n#endif", "extension Int {}", "struct S {}"] {
      XCTAssertTrue(CellTransform.transform(declaring).declaresAnything, declaring)
    }
    let statements = CompiledCell(
      moduleName: "Cell_1", libraryPath: "", declarations: [], needsWholeImport: false,
      declaresAnything: false,
      importLines: ["import Foundation"])
    let hidden = CompiledCell(
      moduleName: "Cell_2", libraryPath: "", declarations: [], needsWholeImport: false)
    XCTAssertEqual(
      CellImports.lines(prelude: [], earlier: [statements, hidden], ownNames: []),
      ["import Foundation", "import Cell_2"])
  }

  func testDiagnosticsParsing() {
    let output =
      "<cell 4>:2:17: error: cannot find 'q' in scope\n  q\n  ^\nmain.swift:1:8: error: no such module 'Nope'"
    let diagnostics = CompilerDiagnostics.parse(output)
    XCTAssertEqual(diagnostics.count, 2)
    XCTAssertEqual(
      diagnostics[0],
      .init(file: "<cell 4>", line: 2, column: 17, severity: "error", message: "cannot find 'q' in scope"))
    XCTAssertEqual(diagnostics[1].file, "main.swift")
  }
}
