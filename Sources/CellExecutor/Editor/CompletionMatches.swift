// MARK: - Completion results

/// Completion candidates for the text between `cursorStart` and `cursorEnd`.
public struct CompletionMatches: Equatable, Sendable {
  /// Candidate texts, best first.
  public var matches: [String]
  /// Start of the replaced range, in Unicode scalars from the start of the code.
  public var cursorStart: Int
  /// End of the replaced range, in Unicode scalars from the start of the code.
  public var cursorEnd: Int
  /// Per match, when known: its kind in Jupyter's words (`function`, `class`, `instance`,
  /// `keyword`, `module`) and its signature or type; empty when there are none.
  public var details: [CompletionDetail]

  /// Creates a set of matches.
  public init(matches: [String], cursorStart: Int, cursorEnd: Int, details: [CompletionDetail] = []) {
    self.matches = matches
    self.cursorStart = cursorStart
    self.cursorEnd = cursorEnd
    self.details = details
  }
}

/// What a completion front end may show next to a match.
public struct CompletionDetail: Equatable, Sendable {
  /// The match it describes.
  public var text: String
  /// Jupyter's kind of the match (`function`, `class`, `instance`, `keyword`, `module`).
  public var type: String
  /// The signature or type, e.g. `append(_ newElement: Int)` or `Int`.
  public var signature: String

  /// Creates a detail from its parts.
  public init(text: String, type: String, signature: String) {
    self.text = text
    self.type = type
    self.signature = signature
  }
}
