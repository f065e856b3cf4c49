import XCTest

@testable import CellExecutor

/// The first completion of a kernel, which starts sourcekit-lsp: it waits for the server up to
/// the deadline instead of answering from the index alone (which knows no local variables).
final class LanguageServerStartTests: XCTestCase {
  func testTheFirstCompletionWaitsForTheStartingServerUntilTheDeadline() throws {
    var configuration = try BuiltProducts.configuration()
    guard configuration.languageServerPath != nil else {
      throw XCTSkip("the toolchain has no sourcekit-lsp")
    }
    // A deadline long enough for any start, so that only the waiting is tested, not its speed.
    configuration.languageServerDeadline = 300
    let executor = try CellExecutor(configuration: configuration)
    defer { executor.shutdown() }
    let code = "let localProbe = [1, 2]\nlocalProbe.co"
    let found = executor.completions(for: code, cursor: code.unicodeScalars.count)
    XCTAssertTrue(found.matches.contains("count"), "\(found.matches.prefix(20))")
  }

  func testAMissingServerLeavesTheAnswerToTheIndex() throws {
    var configuration = try BuiltProducts.configuration()
    configuration.languageServerPath = "/nonexistent/sourcekit-lsp"
    configuration.languageServerDeadline = 300
    let executor = try CellExecutor(configuration: configuration)
    defer { executor.shutdown() }
    for _ in 0..<4 {  // more requests than starts are tried
      XCTAssertTrue(executor.completions(for: "Tens", cursor: 4).matches.contains("Tensor"))
    }
  }
}

/// The server's completion items reach the frontend in its ranking, not in the order it sent them.
final class CompletionRankingTests: XCTestCase {
  func testItemsAreOrderedBySortTextThenLabelKeepingTheServersOrderAmongEquals() {
    let items: [[String: Any]] = [
      ["label": "extension", "sortText": "9"],
      ["label": "Tensor", "sortText": "1"],
      ["label": "TensorShape", "sortText": "2"],
      ["label": "zeta"],
      ["label": "Tensors", "sortText": "2"],
      ["label": "alpha"],
    ]
    let labels = EditorSupport.ranked(items).map { $0["label"] as? String ?? "" }
    XCTAssertEqual(labels, ["Tensor", "TensorShape", "Tensors", "extension", "alpha", "zeta"])
  }
}
