import Foundation

// MARK: - Completion and inspection from sourcekit-lsp

extension EditorSupport {
  /// The language server's compile setup for the current configuration: the library's and the
  /// installed packages' modules, in a folder of the work directory.
  var languageServerSetup: NotebookLanguageServer.Setup {
    let configuration = configuration
    var arguments = ["-module-name", "NotebookCell", "-Onone"]
    for path in configuration.moduleSearchPaths { arguments += ["-I", path] }
    return NotebookLanguageServer.Setup(folder: configuration.workDirectory + "/lsp", arguments: arguments)
  }

  /// The notebook as the language server sees it with `code` as the current cell. Earlier
  /// cells come as their code, not as imports of their modules: the server does not look again
  /// for a module it once missed.
  func notebookDocument(for code: String) -> NotebookDocument {
    let commands = try? CellMagic.parse(code)
    let cells = cells.all
    var imports = CellMagic.preludeModules(configuration.preludeModules, for: commands).map { "import \($0)" }
    for line in cells.flatMap(\.importLines) where !imports.contains(line) { imports.append(line) }
    return NotebookDocument(imports: imports, earlier: cells.map(\.source), cell: commands?.swift ?? code)
  }

  /// Completions from the language server, or nil when it has none or does not answer in time.
  func languageServerCompletions(for code: String, cursor: Int) -> CompletionMatches? {
    let document = notebookDocument(for: code)
    let result = languageServer.request(
      "textDocument/completion", document: document, position: document.position(ofScalar: cursor),
      setup: languageServerSetup)
    let items = Self.ranked(
      (result as? [String: Any])?["items"] as? [[String: Any]] ?? result as? [[String: Any]] ?? [])
    var range: (start: Int, end: Int)?
    var matches: [String] = []
    var details: [CompletionDetail] = []
    var seen = Set<String>()
    for item in items {
      let edit = item["textEdit"] as? [String: Any]
      let text =
        edit?["newText"] as? String ?? item["insertText"] as? String ?? item["label"] as? String ?? ""
      guard !text.isEmpty else { continue }
      let itemRange = edit.flatMap { Self.scalarRange($0["range"], in: document) } ?? (cursor, cursor)
      if range == nil { range = itemRange }
      guard let range, range == itemRange, seen.insert(text).inserted else { continue }
      matches.append(text)
      let label = item["label"] as? String ?? text
      let detail = item["detail"] as? String ?? ""
      details.append(
        CompletionDetail(
          text: text, type: Self.jupyterKind(item["kind"] as? Int),
          signature: detail.isEmpty ? label : "\(label) -> \(detail)"))
    }
    guard let range, !matches.isEmpty else { return nil }
    return CompletionMatches(
      matches: matches, cursorStart: range.start, cursorEnd: range.end, details: details)
  }

  /// Completion items in the order the server ranks them: by `sortText` (the label where there is
  /// none), as the protocol asks clients to sort, keeping the server's order among equals.
  static func ranked(_ items: [[String: Any]]) -> [[String: Any]] {
    func key(_ item: [String: Any]) -> String {
      item["sortText"] as? String ?? item["label"] as? String ?? ""
    }
    return items.enumerated()
      .sorted {
        key($0.element) != key($1.element) ? key($0.element) < key($1.element) : $0.offset < $1.offset
      }
      .map(\.element)
  }

  /// The hover text (signature and doc comment) at `cursor`, or the signature of the call the
  /// cursor is in; nil when the server has nothing or does not answer in time.
  func languageServerInspection(for code: String, cursor: Int) -> String? {
    let document = notebookDocument(for: code)
    let setup = languageServerSetup
    let started = Date()
    var offsets = [cursor]
    if cursor > 0 { offsets.append(cursor - 1) }
    for offset in offsets {
      let left = languageServer.deadline - Date().timeIntervalSince(started)
      guard left > 0.05 else { return nil }
      let hover = languageServer.request(
        "textDocument/hover", document: document, position: document.position(ofScalar: offset), setup: setup,
        timeout: left)
      if let text = Self.markup((hover as? [String: Any])?["contents"]), !text.isEmpty { return text }
    }
    let left = languageServer.deadline - Date().timeIntervalSince(started)
    guard left > 0.05,
      let help = languageServer.request(
        "textDocument/signatureHelp", document: document, position: document.position(ofScalar: cursor),
        setup: setup, timeout: left) as? [String: Any],
      let signatures = help["signatures"] as? [[String: Any]], !signatures.isEmpty
    else { return nil }
    let active = min((help["activeSignature"] as? Int) ?? 0, signatures.count - 1)
    let signature = signatures[max(active, 0)]
    let label = signature["label"] as? String ?? ""
    let doc = Self.markup(signature["documentation"]) ?? ""
    return "```swift\n\(label)\n```" + (doc.isEmpty ? "" : "\n\n" + doc)
  }

  // MARK: - Helpers

  /// Jupyter's word for an LSP `CompletionItemKind`.
  private static func jupyterKind(_ kind: Int?) -> String {
    switch kind {
    case 2, 3, 4: return "function"  // method, function, constructor
    case 7, 8, 13, 22, 25: return "class"  // class, interface, enum, struct, type parameter
    case 9: return "module"
    case 14: return "keyword"
    default: return "instance"  // fields, variables, properties, enum cases, constants
    }
  }

  /// A cell's scalar range from an LSP range, or nil when it is outside the cell.
  private static func scalarRange(_ value: Any?, in document: NotebookDocument) -> (start: Int, end: Int)? {
    guard let range = value as? [String: Any], let start = range["start"] as? [String: Any],
      let end = range["end"] as? [String: Any],
      let from = document.scalarOffset(
        line: start["line"] as? Int ?? -1, character: start["character"] as? Int ?? 0),
      let to = document.scalarOffset(
        line: end["line"] as? Int ?? -1, character: end["character"] as? Int ?? 0)
    else { return nil }
    return (from, to)
  }

  /// The text of LSP markup: `MarkupContent`, a `MarkedString`, a plain string, or a list.
  private static func markup(_ value: Any?) -> String? {
    if let text = value as? String { return text }
    if let object = value as? [String: Any] {
      guard let text = object["value"] as? String else { return nil }
      if let language = object["language"] as? String { return "```\(language)\n\(text)\n```" }
      return text
    }
    if let list = value as? [Any] {
      return list.compactMap { markup($0) }.joined(separator: "\n\n")
    }
    return nil
  }
}
