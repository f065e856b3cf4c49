// MARK: - The document a language server sees

/// The notebook as one Swift file (`main.swift`) for the language server: the prelude's and the
/// cells' import lines, the code of the cells run so far, then the current cell. Converts
/// Jupyter's cursor offsets (Unicode scalars in the cell) to LSP positions (lines and UTF-16
/// units in the file) and back.
struct NotebookDocument: Equatable {
  /// The whole file.
  var text: String
  /// How many lines come before the current cell.
  var headerLines: Int
  /// The current cell's code as it stands in the file.
  var cell: String

  /// A document of `imports` lines, then `earlier` cells' code, then `cell`.
  init(imports: [String], earlier: [String] = [], cell: String) {
    self.cell = cell
    let header = imports.map { $0 + "\n" }.joined() + earlier.map { $0 + "\n" }.joined()
    headerLines = header.utf8.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    text = header + cell + "\n"
  }

  /// The LSP position (0-based line, UTF-16 column) of the cell's scalar offset `cursor`.
  func position(ofScalar cursor: Int) -> (line: Int, character: Int) {
    var line = 0
    var column = 0
    for (index, scalar) in cell.unicodeScalars.enumerated() {
      if index >= cursor { break }
      if scalar == "\n" {
        line += 1
        column = 0
      } else {
        column += scalar.utf16.count
      }
    }
    return (headerLines + line, column)
  }

  /// The cell's scalar offset of an LSP position, or nil when it lies before the cell.
  func scalarOffset(line: Int, character: Int) -> Int? {
    let cellLine = line - headerLines
    guard cellLine >= 0 else { return nil }
    var offset = 0
    var currentLine = 0
    var column = 0
    for scalar in cell.unicodeScalars {
      if currentLine == cellLine && (column >= character || scalar == "\n") { return offset }
      if scalar == "\n" {
        currentLine += 1
        column = 0
      } else if currentLine == cellLine {
        column += scalar.utf16.count
      }
      offset += 1
    }
    return currentLine == cellLine ? offset : nil
  }
}
