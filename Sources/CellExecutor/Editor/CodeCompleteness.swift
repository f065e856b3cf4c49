import SwiftParser
import SwiftSyntax

// MARK: - Is the cell complete?

/// The answer to Jupyter's `is_complete_request`.
public enum CodeCompleteness: Equatable, Sendable {
  /// The code can run as it is.
  case complete
  /// More input could complete the code; `indent` is a suggestion for the next line.
  case incomplete(indent: String)
  /// The code has an error that more input cannot fix.
  case invalid
}

extension CodeCompleteness {
  /// Classifies a cell with its commands. A cell that starts with a cell command (`%%bash`,
  /// `%%timeit`, ...) goes on until a blank line, as in IPython; line commands count as the
  /// Swift they become; a command that cannot be read is invalid (running it says why).
  public static func ofCell(_ code: String) -> CodeCompleteness {
    let lines = code.split(separator: "\n", omittingEmptySubsequences: false)
    if let first = lines.first(where: { !$0.allSatisfy(\.isWhitespace) }), first.hasPrefix("%%") {
      let endsBlank = lines.count > 1 && lines[lines.count - 1].allSatisfy(\.isWhitespace)
      return endsBlank ? .complete : .incomplete(indent: "")
    }
    guard let commands = try? CellMagic.parse(code) else { return .invalid }
    return of(commands.swift)
  }

  /// Classifies `code` for Jupyter's `is_complete_request` with swift-syntax.
  ///
  /// Code that parses is complete. Code whose only problems are tokens missing after the
  /// last written token (an open brace, paren or bracket, an unterminated multi-line string,
  /// a trailing operator) is incomplete, with two spaces of indent per open bracket. Any
  /// other error (unexpected text, a single-line string left open) is invalid.
  public static func of(_ code: String) -> CodeCompleteness {
    let tree = Parser.parse(source: code)
    guard tree.hasError else { return .complete }
    let tokens = Array(tree.tokens(viewMode: .all))
    let present = tokens.filter { $0.presence == .present && $0.tokenKind != .endOfFile }
    guard let lastPresent = present.last else { return .complete }
    let end = lastPresent.endPositionBeforeTrailingTrivia
    for token in tokens where token.presence == .missing {
      if token.position < end { return .invalid }
      if token.tokenKind == .stringQuote || token.tokenKind == .singleQuote { return .invalid }
    }
    if hasUnexpectedNodes(tree) { return .invalid }
    var depth = 0
    for token in present {
      switch token.tokenKind {
      case .leftBrace, .leftParen, .leftSquare: depth += 1
      case .rightBrace, .rightParen, .rightSquare: depth -= 1
      default: break
      }
    }
    return .incomplete(indent: String(repeating: "  ", count: max(depth, 0)))
  }

  private static func hasUnexpectedNodes(_ tree: SourceFileSyntax) -> Bool {
    final class Finder: SyntaxVisitor {
      var found = false
      override func visit(_ node: UnexpectedNodesSyntax) -> SyntaxVisitorContinueKind {
        found = true
        return .skipChildren
      }
    }
    let finder = Finder(viewMode: .all)
    finder.walk(tree)
    return finder.found
  }
}
