import XCTest

@testable import CellExecutor

/// Completion and inspection from the preloaded modules' and cells' symbol graphs (the
/// fallback when sourcekit-lsp is missing, which is what these executors are configured with).
final class CompletionTests: XCTestCase {
  private var executor: CellExecutor!

  override func setUpWithError() throws {
    var configuration = try BuiltProducts.configuration()
    configuration.languageServerPath = nil
    executor = try CellExecutor(configuration: configuration)
  }

  override func tearDown() {
    executor?.shutdown()
    executor = nil
  }

  func testKeywordsLibraryNamesAndCellGlobals() {
    XCTAssertEqual(
      executor.run(
        "/// A thing that spins.\nstruct Gadget { var width: Int; func spin() {} }\n"
          + "let gizmo = Gadget(width: 3)"
      )
      .outcome, .success)
    let globals = executor.completions(for: "print(giz", cursor: 9)
    XCTAssertEqual(globals, CompletionMatches(matches: ["gizmo"], cursorStart: 6, cursorEnd: 9))
    XCTAssertTrue(executor.completions(for: "whi", cursor: 3).matches.contains("while"))
    XCTAssertEqual(executor.completions(for: "prin", cursor: 4).matches, ["print"])
    XCTAssertTrue(executor.completions(for: "disp", cursor: 4).matches.contains("display"))
    let members = executor.completions(for: "gizmo.", cursor: 6)
    XCTAssertEqual(members.matches, ["spin", "width"])
    XCTAssertEqual(members.cursorStart, 6)
    XCTAssertEqual(executor.completions(for: "gizmo.wi", cursor: 8).matches, ["width"])
  }

  func testMembersOfTheLibrarysTypealiasesComeFromTheTypesTheyName() throws {
    XCTAssertEqual(executor.run("let bundle = MimeBundle(plainText: \"x\")").outcome, .success)
    let members = executor.completions(for: "bundle.", cursor: 7).matches
    XCTAssertTrue(["data", "json", "save"].allSatisfy(members.contains), "\(members)")
    let cases = executor.completions(for: "DisplayJSON.", cursor: 12).matches
    XCTAssertTrue(["object", "null", "init"].allSatisfy(cases.contains), "\(cases)")
    let object = try XCTUnwrap(executor.inspection(for: "DisplayJSON.object", cursor: 15))
    XCTAssertTrue(object.contains("case object"), object)
    XCTAssertEqual(SymbolIndex.moduleName(ofUSR: "s:12ExecutorWire9JSONValueO"), "ExecutorWire")
    XCTAssertNil(SymbolIndex.moduleName(ofUSR: "s:Si"))
  }

  func testInspectionShowsDeclarationAndDocs() throws {
    let display = try XCTUnwrap(executor.inspection(for: "display(x)", cursor: 3))
    XCTAssertTrue(display.contains("func display"), display)
    XCTAssertTrue(display.contains("Shows a value in the notebook"), display)
    XCTAssertEqual(executor.run("/// The answer.\nlet answer = 42").outcome, .success)
    let answer = try XCTUnwrap(executor.inspection(for: "answer", cursor: 2))
    XCTAssertTrue(answer.contains("answer: Int"), answer)
    XCTAssertTrue(answer.contains("The answer."), answer)
    XCTAssertNil(executor.inspection(for: "noSuchThing", cursor: 3))
  }
}
