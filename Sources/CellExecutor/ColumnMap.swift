// MARK: - Column map

/// Maps columns of the generated cell source back to the user's own columns.
///
/// The transform only inserts text inside lines (never new lines), so lines match one to one;
/// each insertion is recorded as (original column, inserted length) on its line.
public struct ColumnMap: Equatable, Sendable {
  private var insertions: [Int: [(column: Int, length: Int)]] = [:]

  /// An empty map (nothing inserted).
  public init() {}

  /// Records `length` bytes inserted before the original 1-based `column` of `line`.
  public mutating func recordInsertion(line: Int, column: Int, length: Int) {
    insertions[line, default: []].append((column, length))
    insertions[line]!.sort { $0.column < $1.column }
  }

  /// The user's column for a 1-based column of the generated source on `line`.
  public func originalColumn(line: Int, generatedColumn: Int) -> Int {
    var shift = 0
    for insertion in insertions[line] ?? [] {
      let start = insertion.column + shift
      if generatedColumn < start { return generatedColumn - shift }
      if generatedColumn < start + insertion.length { return insertion.column }
      shift += insertion.length
    }
    return generatedColumn - shift
  }

  /// Compares maps by their insertions.
  public static func == (lhs: ColumnMap, rhs: ColumnMap) -> Bool {
    lhs.insertions.keys.sorted() == rhs.insertions.keys.sorted()
      && lhs.insertions.allSatisfy { line, list in
        let other = rhs.insertions[line] ?? []
        return other.count == list.count
          && zip(list, other).allSatisfy { $0.column == $1.column && $0.length == $1.length }
      }
  }
}
