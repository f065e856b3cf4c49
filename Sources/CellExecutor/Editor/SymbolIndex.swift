import Foundation

// MARK: - Symbols for completion and inspection

/// One public symbol from a module's symbol graph.
struct IndexedSymbol: Sendable {
  /// Base name, e.g. `train` for `train(_:on:epochs:)`.
  var name: String
  /// Full title, e.g. `train(_:on:epochs:)`.
  var title: String
  /// Type path, e.g. `["Tensor", "shape"]`.
  var path: [String]
  /// Symbol graph kind, e.g. `swift.struct`, `swift.property`.
  var kind: String
  /// The declaration as written, e.g. `let x: Int`.
  var declaration: String
  /// The doc comment.
  var documentation: String
  /// For a typealias of a type in a module: that module and the type's name, e.g.
  /// `("ExecutorWire", "JSONValue")` for NotebookDisplay's `DisplayJSON`; its members are there.
  var aliasTarget: (module: String, name: String)? = nil

  /// Whether the symbol is a type (members can follow a dot).
  var isType: Bool {
    ["swift.struct", "swift.class", "swift.enum", "swift.protocol", "swift.typealias"].contains(kind)
  }

  /// For variables and properties: the type name written after the colon, without generics.
  var valueTypeName: String? {
    guard kind == "swift.var" || kind == "swift.property" || kind == "swift.type.property",
      let colon = declaration.firstIndex(of: ":")
    else { return nil }
    let rest = declaration[declaration.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
    return name.split(separator: ".").last.map(String.init)
  }
}

/// Loads and caches symbol graphs (from `swift-symbolgraph-extract`) of the preloaded modules
/// and of compiled cells, in `<work>/symbols`.
final class SymbolIndex: @unchecked Sendable {
  private let configuration: ExecutorConfiguration
  private let lock = NSLock()
  private var loaded: [String: [IndexedSymbol]] = [:]

  /// Creates an index that extracts with the configuration's toolchain and search paths.
  init(configuration: ExecutorConfiguration) { self.configuration = configuration }

  /// The public symbols of `module`, extracted once and cached.
  func symbols(of module: String) -> [IndexedSymbol] {
    lock.lock()
    defer { lock.unlock() }
    if let cached = loaded[module] { return cached }
    if !isIndexed(module) {
      loaded[module] = []
      return []
    }
    let directory = configuration.workDirectory + "/symbols"
    let file = directory + "/\(module).symbols.json"
    if !FileManager.default.fileExists(atPath: file) {
      try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      var arguments = [
        "-module-name", module, "-output-dir", directory, "-minimum-access-level", "public",
        "-target", "\(CellCompiler.architecture)-unknown-linux-gnu", "-I",
        configuration.workDirectory + "/modules",
      ]
      for path in configuration.moduleSearchPaths { arguments += ["-I", path] }
      _ = ToolRunner.run(configuration.toolchainPath + "/bin/swift-symbolgraph-extract", arguments)
    }
    // Extensions of other modules' types are in `<module>@<other>.symbols.json`.
    let extensions = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
      $0.hasPrefix(module + "@") && $0.hasSuffix(".symbols.json")
    }
    let symbols = ([file] + extensions.sorted().map { directory + "/" + $0 }).flatMap(Self.parse(file:))
    loaded[module] = symbols
    return symbols
  }

  /// Whether `module` is a cell or a module of the build (toolchain modules such as Foundation
  /// have symbol graphs too large to load for completion).
  private func isIndexed(_ module: String) -> Bool {
    let directories = [configuration.workDirectory + "/modules"] + configuration.moduleSearchPaths
    return directories.contains { FileManager.default.fileExists(atPath: "\($0)/\(module).swiftmodule") }
  }

  /// Reads the symbols of one symbol graph file (empty if it is missing or malformed).
  static func parse(file: String) -> [IndexedSymbol] {
    guard let data = FileManager.default.contents(atPath: file),
      let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let entries = root["symbols"] as? [[String: Any]]
    else { return [] }
    return entries.compactMap { entry in
      guard let path = entry["pathComponents"] as? [String], let last = path.last,
        let kind = (entry["kind"] as? [String: Any])?["identifier"] as? String
      else { return nil }
      let fragments = entry["declarationFragments"] as? [[String: Any]] ?? []
      let declaration = fragments.compactMap { $0["spelling"] as? String }.joined()
      let lines = (entry["docComment"] as? [String: Any])?["lines"] as? [[String: Any]] ?? []
      let documentation = lines.compactMap { $0["text"] as? String }.joined(separator: "\n")
      let name = String(last.prefix { $0 != "(" })
      var symbol = IndexedSymbol(
        name: name, title: last, path: path, kind: kind, declaration: declaration,
        documentation: documentation)
      if kind == "swift.typealias",
        let target = fragments.last(where: { $0["kind"] as? String == "typeIdentifier" }),
        let spelling = target["spelling"] as? String,
        let module = moduleName(ofUSR: target["preciseIdentifier"] as? String ?? "")
      {
        symbol.aliasTarget = (module, spelling)
      }
      return symbol
    }
  }

  /// The module of a Swift symbol's USR (`s:12ExecutorWire9JSONValueO` is in `ExecutorWire`),
  /// or nil for a USR that does not start with a module name (the standard library's `s:Si`).
  static func moduleName(ofUSR usr: String) -> String? {
    guard usr.hasPrefix("s:") else { return nil }
    let rest = usr.dropFirst(2)
    let digits = rest.prefix { $0.isASCII && $0.isNumber }
    guard let length = Int(digits), length > 0 else { return nil }
    let name = rest.dropFirst(digits.count).prefix(length)
    return name.count == length ? String(name) : nil
  }
}
