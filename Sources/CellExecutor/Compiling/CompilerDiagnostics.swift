import Foundation

// MARK: - Compiler diagnostics

/// Turns swift-frontend's diagnostics into a `CompileError` that points at the cell's own
/// lines and columns.
enum CompilerDiagnostics {
  /// One parsed `file:line:column: severity: message` line.
  struct Diagnostic: Equatable {
    var file: String
    var line: Int
    var column: Int
    var severity: String
    var message: String
  }

  /// Parses the `file:line:column: severity: message` lines of `output`.
  static func parse(_ output: String) -> [Diagnostic] {
    var result: [Diagnostic] = []
    for line in output.split(separator: "\n", omittingEmptySubsequences: true) {
      let text = String(line)
      for severity in ["error", "warning", "note"] {
        guard let marker = text.range(of: ": \(severity): ") else { continue }
        let location = text[..<marker.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
        guard location.count >= 3, let lineNumber = Int(location[location.count - 2]),
          let column = Int(location[location.count - 1])
        else { continue }
        let file = location[0..<(location.count - 2)].joined(separator: ":")
        let diagnostic = Diagnostic(
          file: file, line: lineNumber, column: column, severity: severity,
          message: String(text[marker.upperBound...]))
        if !result.contains(diagnostic) { result.append(diagnostic) }
        break
      }
    }
    return result
  }

  /// Builds the error for a failed compile of cell `cellFile` (the `#sourceLocation` name),
  /// mapping columns with `columnMap` and quoting the user's `code`.
  static func compileError(
    output: String, cellFile: String, code: String, columnMap: ColumnMap
  ) -> CellError {
    let sourceLines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var traceback: [String] = []
    var firstError: String?
    for diagnostic in parse(output) where diagnostic.severity != "warning" {
      guard diagnostic.file == cellFile else {
        if diagnostic.severity == "error" {
          traceback.append(
            "\(diagnostic.file):\(diagnostic.line):\(diagnostic.column): error: \(diagnostic.message)")
          firstError = firstError ?? diagnostic.message
        }
        continue
      }
      let column = columnMap.originalColumn(line: diagnostic.line, generatedColumn: diagnostic.column)
      let header = "\(cellFile):\(diagnostic.line):\(column): \(diagnostic.severity): \(diagnostic.message)"
      traceback.append(header)
      if diagnostic.line >= 1 && diagnostic.line <= sourceLines.count {
        let source = sourceLines[diagnostic.line - 1]
        traceback.append("    " + source)
        traceback.append("    " + caretPadding(source, utf8Column: column) + "^")
      }
      if diagnostic.severity == "error" && firstError == nil {
        firstError = "\(diagnostic.line):\(column): \(diagnostic.message)"
      }
    }
    if traceback.isEmpty {
      let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
      traceback =
        trimmed.isEmpty ? ["the compiler failed without a message"] : trimmed.components(separatedBy: "\n")
    }
    return CellError(ename: "CompileError", evalue: firstError ?? traceback[0], traceback: traceback)
  }

  /// Spaces (tabs kept) up to a 1-based UTF-8 column, counted in characters.
  private static func caretPadding(_ line: String, utf8Column: Int) -> String {
    let bytes = Array(line.utf8.prefix(max(utf8Column - 1, 0)))
    let prefix = String(decoding: bytes, as: UTF8.self)
    return String(prefix.map { $0 == "\t" ? "\t" : " " })
  }
}
