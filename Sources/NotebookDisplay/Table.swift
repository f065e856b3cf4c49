// A generic table of text and numbers with per-column number formatting.

import Foundation

// MARK: - Table

/// A table with titled columns and rows of cells; renders as escaped HTML and aligned plain text.
public struct Table: NotebookRenderable, Sendable {
  /// The columns, left to right.
  public var columns: [Column]
  /// The rows; each holds one cell per column.
  public var rows: [[Cell]]
  /// Optional caption shown above the table.
  public var caption: String?

  /// A table; every row must have exactly one cell per column.
  public init(columns: [Column], rows: [[Cell]], caption: String? = nil) {
    for (index, row) in rows.enumerated() {
      precondition(
        row.count == columns.count, "Table: row \(index) has \(row.count) cells, expected \(columns.count)")
    }
    (self.columns, self.rows, self.caption) = (columns, rows, caption)
  }

  /// A table whose columns are given by title only (default formatting).
  public init(titles: [String], rows: [[Cell]], caption: String? = nil) {
    self.init(columns: titles.map { Column($0) }, rows: rows, caption: caption)
  }

  // MARK: - Columns and cells

  /// One column: a title, how numbers are written, and an alignment (numbers right, text left by default).
  public struct Column: Sendable {
    /// Header text.
    public var title: String
    /// How number cells in this column are written.
    public var format: NumberFormat
    /// Horizontal alignment, or nil for right if every cell is a number, else left.
    public var alignment: Alignment?

    /// A column with a title, number format and optional fixed alignment.
    public init(_ title: String, format: NumberFormat = .automatic, alignment: Alignment? = nil) {
      (self.title, self.format, self.alignment) = (title, format, alignment)
    }
  }

  /// Horizontal alignment of a column.
  public enum Alignment: String, Sendable {
    /// Flush left.
    case left
    /// Flush right.
    case right
    /// Centered.
    case center
  }

  /// How a number is written in a cell.
  public enum NumberFormat: Sendable {
    /// Integers as integers, others with four significant digits.
    case automatic
    /// A fixed number of decimals ("3.142" for `.decimals(3)`).
    case decimals(Int)
    /// Rounded to an integer.
    case integer
    /// Seconds as "12.3 s", "4:05" or "1:02:03".
    case duration
    /// A custom formatter.
    case custom(@Sendable (Double) -> String)

    /// `value` written in this format; non-finite values are "nan", "inf" or "-inf".
    public func format(_ value: Double) -> String {
      guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
      switch self {
      case .automatic:
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.4g", value)
      case .decimals(let count):
        return String(format: "%.\(max(0, count))f", value)
      case .integer:
        return String(Int64(value.rounded()))
      case .duration:
        return formatDuration(value)
      case .custom(let formatter):
        return formatter(value)
      }
    }
  }

  /// A table cell: text, a number (formatted by its column) or nothing.
  public enum Cell: Sendable, ExpressibleByStringLiteral, ExpressibleByFloatLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByNilLiteral
  {
    /// Text shown as is (escaped in HTML).
    case text(String)
    /// A number, formatted by the column's `NumberFormat`.
    case number(Double)
    /// An empty cell.
    case empty

    /// A text cell from a string literal.
    public init(stringLiteral value: String) { self = .text(value) }
    /// A number cell from a float literal.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A number cell from an integer literal.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// An empty cell from `nil`.
    public init(nilLiteral: ()) { self = .empty }

    /// A number cell, or an empty one for nil.
    public static func optional(_ value: Double?) -> Cell { value.map(Cell.number) ?? .empty }
  }
}

// MARK: - Durations

/// Seconds as "0.42 s", "12.3 s", "4:05" (minutes) or "1:02:03" (hours).
public func formatDuration(_ seconds: Double) -> String {
  guard seconds.isFinite else { return "--" }
  if seconds < 10 { return String(format: "%.2f s", seconds) }
  if seconds < 60 { return String(format: "%.1f s", seconds) }
  let whole = Int(seconds.rounded())
  let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60)
  if hours > 0 { return String(format: "%d:%02d:%02d", hours, minutes, secs) }
  return String(format: "%d:%02d", minutes, secs)
}
