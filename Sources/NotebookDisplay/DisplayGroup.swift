// Several renderables shown as one output: their HTML, SVG or PNG forms stacked in one HTML block.

// MARK: - Display group

/// Values shown together, top to bottom, as one `text/html` output (plots inline, images as data URLs).
public struct DisplayGroup: NotebookRenderable {
  /// The parts, top to bottom.
  public var parts: [any NotebookRenderable]

  /// A group of parts.
  public init(_ parts: [any NotebookRenderable]) { self.parts = parts }

  /// The HTML of one part: its HTML, inline SVG, a PNG `<img>`, Markdown or text in `<pre>`.
  static func html(for bundle: MimeBundle) -> String {
    if let html = bundle.data[MimeType.html] { return html }
    if let svg = bundle.data[MimeType.svg] { return svg }
    if let png = bundle.data[MimeType.png] {
      return "<img src=\"data:image/png;base64,\(png)\"/>"
    }
    let text = bundle.data[MimeType.markdown] ?? bundle.data[MimeType.plainText] ?? ""
    return "<pre>\(escapeHTML(text))</pre>"
  }

  /// `text/html` of all parts in `<div>`s, and their `text/plain` forms separated by blank lines.
  public func mimeBundle() -> MimeBundle {
    let bundles = parts.map { $0.mimeBundle() }
    let html = bundles.map { "<div>\n\(DisplayGroup.html(for: $0))\n</div>" }.joined(separator: "\n")
    let text = bundles.map { $0.data[MimeType.plainText] ?? "" }.joined(separator: "\n\n")
    return MimeBundle(data: [MimeType.html: html, MimeType.plainText: text])
  }
}
