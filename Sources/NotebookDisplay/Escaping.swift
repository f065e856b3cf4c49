// Escaping of text placed inside HTML and SVG (XML) documents.

// MARK: - HTML / XML escaping

/// Escapes `&`, `<`, `>`, `"` and `'` so that text can sit in HTML or XML content and attributes.
public func escapeHTML(_ text: String) -> String {
  var escaped = ""
  escaped.reserveCapacity(text.utf8.count)
  for character in text {
    switch character {
    case "&": escaped += "&amp;"
    case "<": escaped += "&lt;"
    case ">": escaped += "&gt;"
    case "\"": escaped += "&quot;"
    case "'": escaped += "&#39;"
    default: escaped.append(character)
    }
  }
  return escaped
}
