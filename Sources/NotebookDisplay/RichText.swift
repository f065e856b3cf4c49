// Small renderable wrappers for content a cell already has as text: HTML, Markdown, SVG.

// MARK: - HTML

/// An HTML fragment shown as rich output (`text/html`); the plain-text form strips nothing.
public struct HTML: NotebookRenderable, Equatable, Sendable {
  /// The HTML source, shown as is (escape user text with `escapeHTML(_:)`).
  public var source: String

  /// Wraps an HTML fragment.
  public init(_ source: String) { self.source = source }

  /// `text/html` plus the source as `text/plain`.
  public func mimeBundle() -> MimeBundle {
    MimeBundle(data: [MimeType.html: source, MimeType.plainText: source])
  }
}

// MARK: - Markdown

/// Markdown text shown rendered by the notebook (`text/markdown`).
public struct Markdown: NotebookRenderable, Equatable, Sendable {
  /// The Markdown source.
  public var source: String

  /// Wraps Markdown text.
  public init(_ source: String) { self.source = source }

  /// `text/markdown` plus the source as `text/plain`.
  public func mimeBundle() -> MimeBundle {
    MimeBundle(data: [MimeType.markdown: source, MimeType.plainText: source])
  }
}

// MARK: - SVG

/// A complete SVG document shown as an image (`image/svg+xml`).
public struct SVG: NotebookRenderable, Equatable, Sendable {
  /// The SVG document source (`<svg ...>...</svg>`).
  public var source: String

  /// Wraps an SVG document.
  public init(_ source: String) { self.source = source }

  /// `image/svg+xml` plus a short `text/plain` description.
  public func mimeBundle() -> MimeBundle {
    MimeBundle(data: [MimeType.svg: source, MimeType.plainText: "<SVG image, \(source.utf8.count) bytes>"])
  }
}

// MARK: - MIME type names

/// The MIME types this module produces.
public enum MimeType {
  /// Plain text, always present in a bundle.
  public static let plainText = "text/plain"
  /// An HTML fragment.
  public static let html = "text/html"
  /// Markdown text.
  public static let markdown = "text/markdown"
  /// A PNG image, carried as base64.
  public static let png = "image/png"
  /// An SVG document.
  public static let svg = "image/svg+xml"
}
