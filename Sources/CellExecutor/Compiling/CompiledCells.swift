import Foundation

// MARK: - Names a cell declares

/// A top-level name declared by a cell, and the kind of scoped import that brings it in.
public struct CellDeclaration: Equatable, Hashable, Sendable {
  /// How a scoped import names a declaration: `import <kind> Cell_N.name`.
  public enum Kind: String, Sendable {
    case `let`, `var`, `func`, `struct`, `class`, `enum`, `protocol`, `typealias`
  }

  /// The declared name.
  public var name: String
  /// The import kind.
  public var kind: Kind

  /// Creates a declaration record.
  public init(name: String, kind: Kind) {
    self.name = name
    self.kind = kind
  }
}

/// What later cells need to know about a compiled cell.
struct CompiledCell: Sendable {
  /// The module name, `Cell_N`.
  var moduleName: String
  /// The shared library to load.
  var libraryPath: String
  /// Top-level names it declares.
  var declarations: [CellDeclaration]
  /// Whether it must be imported as a whole (operators, actors, extensions only).
  var needsWholeImport: Bool
  /// Whether it declares anything; later cells import only cells that do.
  var declaresAnything = true
  /// Doc comments of its top-level names.
  var documentation: [String: String] = [:]
  /// Its own `import` statements, repeated in later cells.
  var importLines: [String] = []
  /// Its Swift code as compiled (commands rewritten), for the language server's document.
  var source = ""
}

/// The compiled cells alive in the current executor, oldest first; completion and
/// inspection read them from other threads.
final class LiveCells: @unchecked Sendable {
  private let lock = NSLock()
  private var cells: [CompiledCell] = []

  /// The cells, oldest first.
  var all: [CompiledCell] { lock.withLock { cells } }

  /// Their module names, oldest first.
  var moduleNames: [String] { lock.withLock { cells.map(\.moduleName) } }

  /// Doc comments of their top-level names (the latest definition wins).
  var documentation: [String: String] {
    lock.withLock { cells.reduce(into: [:]) { result, cell in result.merge(cell.documentation) { $1 } } }
  }

  /// Adds a cell that ran.
  func append(_ cell: CompiledCell) { lock.withLock { cells.append(cell) } }

  /// Forgets every cell (their executor is gone).
  func removeAll() { lock.withLock { cells = [] } }
}

// MARK: - Import lines

/// Builds the import lines of a new cell: each name comes from the latest earlier cell that
/// declared it (scoped imports), so a redefinition wins over the earlier one.
///
/// Only the names the new cell spells are imported (and the cells that must be imported whole:
/// extensions, operators), so a cell's compile time does not grow with the number of cells
/// before it. A name reached only through another (the type of a global's value) needs no
/// import: the compiler loads the module that declares it by itself.
enum CellImports {
  /// The import lines for a cell that declares `ownNames` and spells `referenced` (nil: every
  /// earlier name), after `earlier` (oldest first).
  static func lines(
    prelude: [String], earlier: [CompiledCell], ownNames: Set<String>, referenced: Set<String>? = nil
  ) -> [String] {
    var lines = prelude.map { "import \($0)" }
    for line in earlier.flatMap(\.importLines) where !lines.contains(line) { lines.append(line) }
    var claimed = ownNames
    var scoped: [[String]] = []
    for cell in earlier.reversed() where cell.declaresAnything {
      var cellLines: [String] = []
      var shadowedAll = !cell.declarations.isEmpty
      for declaration in cell.declarations where !claimed.contains(declaration.name) {
        shadowedAll = false
        guard referenced?.contains(declaration.name) ?? true else { continue }
        cellLines.append("import \(declaration.kind.rawValue) \(cell.moduleName).\(declaration.name)")
      }
      if cell.needsWholeImport && !shadowedAll {
        cellLines = ["import \(cell.moduleName)"] + cellLines
      } else if cell.declarations.isEmpty {
        cellLines = ["import \(cell.moduleName)"]
      }
      for declaration in cell.declarations { claimed.insert(declaration.name) }
      scoped.append(cellLines)
    }
    for cellLines in scoped.reversed() { lines += cellLines }
    return lines
  }
}
