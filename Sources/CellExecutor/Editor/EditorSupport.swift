import Foundation

// MARK: - Completion and inspection

/// Completion and inspection for the notebook's cells: `sourcekit-lsp` answers when it can
/// within its deadline, the symbol index of the preloaded modules and the live cells otherwise.
final class EditorSupport: @unchecked Sendable {
  private let lock = NSLock()
  private var currentConfiguration: ExecutorConfiguration
  private var currentIndex: SymbolIndex
  /// The cells alive in the executor, whose names and code completion sees.
  let cells: LiveCells
  /// `sourcekit-lsp`, asked before the symbol index.
  let languageServer: NotebookLanguageServer

  /// Editor support for cells compiled with `configuration`.
  init(configuration: ExecutorConfiguration, cells: LiveCells) {
    currentConfiguration = configuration
    currentIndex = SymbolIndex(configuration: configuration)
    self.cells = cells
    languageServer = NotebookLanguageServer(
      executable: configuration.languageServerPath, deadline: configuration.languageServerDeadline)
  }

  /// The configuration completion works with.
  var configuration: ExecutorConfiguration { lock.withLock { currentConfiguration } }

  /// The symbol index of that configuration.
  var symbolIndex: SymbolIndex { lock.withLock { currentIndex } }

  /// Switches to a new configuration (a new work folder, installed packages), with a new
  /// symbol index for it.
  func reconfigure(_ configuration: ExecutorConfiguration) {
    let index = SymbolIndex(configuration: configuration)
    lock.withLock {
      currentConfiguration = configuration
      currentIndex = index
    }
  }

  /// Swift keywords offered by completion.
  static let keywords = [
    "as", "associatedtype", "break", "case", "catch", "class", "continue", "default", "defer", "do",
    "else", "enum", "extension", "false", "fileprivate", "for", "func", "guard", "if", "import", "in",
    "init", "inout", "internal", "is", "let", "nil", "private", "protocol", "public", "repeat",
    "return", "self", "Self", "static", "struct", "subscript", "super", "switch", "throw", "throws",
    "true", "try", "typealias", "var", "where", "while", "await", "async",
  ]

  /// Common global functions and types of the Swift standard library (its full symbol
  /// graph is 48 MB, too much to load for completion).
  static let standardLibraryNames = [
    "print", "debugPrint", "dump", "min", "max", "abs", "zip", "stride", "sequence", "swap",
    "precondition", "preconditionFailure", "assert", "assertionFailure", "fatalError", "type",
    "repeatElement", "readLine", "Int", "Int32", "Int64", "UInt8", "Double", "Float", "Bool",
    "String", "Character", "Array", "Dictionary", "Set", "Optional", "Range", "ClosedRange",
    "Result", "Error", "Never", "Void", "Any", "AnyObject", "Sequence", "Collection",
    "Equatable", "Hashable", "Comparable", "Codable", "CustomStringConvertible",
  ]

  /// Completion candidates at `cursor` (Unicode scalars): from `sourcekit-lsp` when it answers
  /// within its deadline, else from the symbol index (`indexCompletions`). While the server
  /// starts (the first request starts it), the index's answer is found at the same time, so the
  /// wait for the server and the index's first extraction overlap.
  func completions(for code: String, cursor: Int) -> CompletionMatches {
    guard !languageServer.isReady(for: languageServerSetup) else {
      return languageServerCompletions(for: code, cursor: cursor)
        ?? indexCompletions(for: code, cursor: cursor)
    }
    let fromIndex = Answer<CompletionMatches>()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
      fromIndex.value = self.indexCompletions(for: code, cursor: cursor)
    }
    let served = languageServerCompletions(for: code, cursor: cursor)
    group.wait()
    return served ?? fromIndex.value!
  }

  /// The signature and doc comment at `cursor`: from `sourcekit-lsp` when it answers within its
  /// deadline, else from the symbol index (`indexInspection`).
  func inspection(for code: String, cursor: Int) -> String? {
    languageServerInspection(for: code, cursor: cursor) ?? indexInspection(for: code, cursor: cursor)
  }

  /// Completion candidates from the symbol index: after a dot, members of the type (or of the
  /// variable's type) when it is known; else keywords, the preloaded modules' public names and
  /// the globals of earlier cells.
  func indexCompletions(for code: String, cursor: Int) -> CompletionMatches {
    let scalars = Array(code.unicodeScalars.prefix(max(0, cursor)))
    var start = scalars.count
    while start > 0 && Self.isIdentifier(scalars[start - 1]) { start -= 1 }
    let prefix = String(String.UnicodeScalarView(scalars[start...]))
    var candidates: [String]
    if start > 0 && scalars[start - 1] == "." {
      var baseStart = start - 1
      while baseStart > 0 && Self.isIdentifier(scalars[baseStart - 1]) { baseStart -= 1 }
      let base = String(String.UnicodeScalarView(scalars[baseStart..<(start - 1)]))
      candidates = memberNames(of: base)
    } else {
      candidates =
        Self.keywords + Self.standardLibraryNames + allSymbols().filter { $0.path.count == 1 }.map(\.name)
    }
    let matches = Array(Set(candidates.filter { $0.hasPrefix(prefix) && !$0.isEmpty })).sorted()
    return CompletionMatches(matches: matches, cursorStart: start, cursorEnd: scalars.count)
  }

  /// The declaration and doc comment of the name at `cursor` from the symbol index, or nil
  /// when it is unknown.
  func indexInspection(for code: String, cursor: Int) -> String? {
    let scalars = Array(code.unicodeScalars)
    var start = min(max(0, cursor), scalars.count)
    var end = start
    while start > 0 && Self.isIdentifier(scalars[start - 1]) { start -= 1 }
    while end < scalars.count && Self.isIdentifier(scalars[end]) { end += 1 }
    guard start < end else { return nil }
    let name = String(String.UnicodeScalarView(scalars[start..<end]))
    var owner: String?
    if start > 1 && scalars[start - 1] == "." {
      var ownerStart = start - 1
      while ownerStart > 0 && Self.isIdentifier(scalars[ownerStart - 1]) { ownerStart -= 1 }
      owner = String(String.UnicodeScalarView(scalars[ownerStart..<(start - 1)]))
    }
    let symbols = allSymbols().reversed()
    let ownerMembers = owner.flatMap { typeName(of: $0) }.map { members(of: $0) } ?? []
    let found =
      ownerMembers.last { $0.name == name }
      ?? symbols.first { $0.name == name && $0.path.count == 1 }
      ?? symbols.first { $0.name == name }
    guard let symbol = found else { return nil }
    var documentation = symbol.documentation
    if documentation.isEmpty && symbol.path.count == 1 { documentation = cells.documentation[name] ?? "" }
    let doc = documentation.isEmpty ? "" : "\n\n" + documentation
    return symbol.declaration + doc
  }

  // MARK: - Helpers

  /// Symbols of the preloaded modules, then of live cells (oldest first).
  private func allSymbols() -> [IndexedSymbol] {
    let index = symbolIndex
    let modules = configuration.preludeModules + cells.moduleNames
    return modules.flatMap { index.symbols(of: $0) }
  }

  /// Names that can follow `base.`: members of the type `base`, or of `base`'s type.
  private func memberNames(of base: String) -> [String] {
    guard let type = typeName(of: base) else { return [] }
    let isStaticAccess = allSymbols().contains { $0.path == [base] && $0.isType }
    return members(of: type).filter { symbol in
      let isStatic =
        symbol.kind.hasPrefix("swift.type.") || symbol.kind == "swift.enum.case"
        || symbol.kind == "swift.init"
      return isStatic == isStaticAccess
    }.map { $0.kind == "swift.init" ? "init" : $0.name }
  }

  /// The members of the type named `type`; for a typealias of another module's type (the
  /// library's `MimeBundle` and `DisplayJSON`), those of the type it names.
  private func members(of type: String) -> [IndexedSymbol] {
    let symbols = allSymbols()
    var members = symbols.filter { $0.path.count == 2 && $0.path[0] == type }
    if let target = symbols.last(where: { $0.path == [type] })?.aliasTarget {
      members += symbolIndex.symbols(of: target.module).filter {
        $0.path.count == 2 && $0.path[0] == target.name
      }
    }
    return members
  }

  /// `name` itself when it is a type; the declared type when it is a variable.
  private func typeName(of name: String) -> String? {
    let symbols = allSymbols()
    if symbols.contains(where: { $0.path == [name] && $0.isType }) { return name }
    return symbols.last { $0.path == [name] }?.valueTypeName
  }

  private static func isIdentifier(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
  }
}

/// A value that another thread sets before the reader waits for it (a `DispatchGroup`).
private final class Answer<Value>: @unchecked Sendable {
  var value: Value?
}
