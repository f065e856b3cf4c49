// Saving any renderable to a file outside the kernel: .png, .svg, .html, .md or .txt by extension.

import Foundation

// MARK: - Errors

/// Why a value could not be saved.
public enum SaveError: Error, CustomStringConvertible {
  /// The value has no form for the file's extension.
  case unsupportedFormat(path: String, available: [String])
  /// The file could not be written.
  case writeFailed(path: String, reason: String)

  /// What went wrong and what was expected.
  public var description: String {
    switch self {
    case .unsupportedFormat(let path, let available):
      return "cannot save \(path): this value can be saved as \(available.joined(separator: ", "))"
    case .writeFailed(let path, let reason):
      return "cannot write \(path): \(reason)"
    }
  }
}

// MARK: - Saving

extension NotebookRenderable {
  /// Writes the value to `url` in the format its extension names: png, svg, html (always possible,
  /// wrapping plots and images in a page), md or txt.
  public func save(to url: URL) throws {
    let bundle = mimeBundle()
    let fileExtension = url.pathExtension.lowercased()
    let bytes: Data?
    switch fileExtension {
    case "png": bytes = bundle.data[MimeType.png].flatMap { Data(base64Encoded: $0) }
    case "svg": bytes = bundle.data[MimeType.svg].map { Data($0.utf8) }
    case "html", "htm":
      bytes = Data(htmlPage(bundle, title: url.deletingPathExtension().lastPathComponent).utf8)
    case "md":
      bytes = (bundle.data[MimeType.markdown] ?? bundle.data[MimeType.plainText]).map { Data($0.utf8) }
    case "txt": bytes = Data((bundle.data[MimeType.plainText] ?? "").utf8)
    default: bytes = nil
    }
    guard let bytes else {
      throw SaveError.unsupportedFormat(path: url.path, available: savableExtensions(bundle))
    }
    do {
      try bytes.write(to: url, options: .atomic)
    } catch {
      throw SaveError.writeFailed(path: url.path, reason: error.localizedDescription)
    }
  }
}

/// The file extensions a bundle can be saved as.
func savableExtensions(_ bundle: MimeBundle) -> [String] {
  var extensions: [String] = []
  if bundle.data[MimeType.png] != nil { extensions.append(".png") }
  if bundle.data[MimeType.svg] != nil { extensions.append(".svg") }
  return extensions + [".html", ".md", ".txt"]
}

/// A standalone HTML page holding the bundle's richest form.
func htmlPage(_ bundle: MimeBundle, title: String) -> String {
  """
  <!DOCTYPE html>
  <html>
  <head><meta charset="utf-8"><title>\(escapeHTML(title))</title>
  <style>table.realnvp-table { border-collapse: collapse; font-family: sans-serif; }
  table.realnvp-table td, table.realnvp-table th { padding: 2px 10px; border-bottom: 1px solid #ddd; }</style>
  </head>
  <body>
  \(DisplayGroup.html(for: bundle))
  </body>
  </html>

  """
}
