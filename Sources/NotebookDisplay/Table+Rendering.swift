// Rendering a Table as aligned plain text and as an escaped HTML table.

// MARK: - Rendering

extension Table {
  /// The text of every cell, formatted by its column.
  public func formattedRows() -> [[String]] {
    rows.map { row in
      zip(row, columns).map { cell, column in
        switch cell {
        case .text(let text): return text
        case .number(let value): return column.format.format(value)
        case .empty: return ""
        }
      }
    }
  }

  /// The alignment used for column `index` (its own, or right when every cell is a number or empty).
  public func resolvedAlignment(_ index: Int) -> Alignment {
    if let alignment = columns[index].alignment { return alignment }
    let numeric = rows.allSatisfy { row in
      if case .text = row[index] { return false }
      return true
    }
    return numeric ? .right : .left
  }

  /// Columns padded to equal width, two spaces apart, a dashed rule under the header.
  public func plainText() -> String {
    let body = formattedRows()
    let header = columns.map(\.title)
    let widths = columns.indices.map { index in
      ([header[index]] + body.map { $0[index] }).map(\.count).max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      let padded = cells.enumerated().map { index, text in
        pad(text, to: widths[index], alignment: resolvedAlignment(index))
      }
      var joined = padded.joined(separator: "  ")
      while joined.hasSuffix(" ") { joined.removeLast() }
      return joined
    }
    var lines = caption.map { [$0] } ?? []
    lines.append(line(header))
    lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
    lines += body.map(line)
    return lines.joined(separator: "\n")
  }

  /// An HTML `<table>` with every header, caption and cell escaped.
  public func html() -> String {
    let body = formattedRows()
    let styles = columns.indices.map { " style=\"text-align: \(resolvedAlignment($0).rawValue)\"" }
    var parts = ["<table class=\"realnvp-table\">"]
    if let caption { parts.append("<caption>\(escapeHTML(caption))</caption>") }
    let headerCells = columns.enumerated().map { "<th\(styles[$0])>\(escapeHTML($1.title))</th>" }
    parts.append("<thead><tr>" + headerCells.joined() + "</tr></thead>")
    parts.append("<tbody>")
    for row in body {
      parts.append(
        "<tr>" + row.enumerated().map { "<td\(styles[$0])>\(escapeHTML($1))</td>" }.joined() + "</tr>")
    }
    parts.append("</tbody>")
    parts.append("</table>")
    return parts.joined(separator: "\n")
  }

  /// `text/html` and the aligned `text/plain` table.
  public func mimeBundle() -> MimeBundle {
    MimeBundle(data: [MimeType.html: html(), MimeType.plainText: plainText()])
  }

  /// `text` padded with spaces to `width` characters.
  private func pad(_ text: String, to width: Int, alignment: Alignment) -> String {
    let missing = max(0, width - text.count)
    switch alignment {
    case .left: return text + String(repeating: " ", count: missing)
    case .right: return String(repeating: " ", count: missing) + text
    case .center:
      let left = missing / 2
      return String(repeating: " ", count: left) + text + String(repeating: " ", count: missing - left)
    }
  }
}
