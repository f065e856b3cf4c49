// MARK: - Inspection text

/// The plain-text form of an inspection, for front ends that do not render Markdown.
enum InspectionText {
  /// `markdown` without its code fences (```` ```swift ```` and ```` ``` ```` lines).
  static func plain(fromMarkdown markdown: String) -> String {
    markdown.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix("```") }
      .joined(separator: "\n")
  }
}
