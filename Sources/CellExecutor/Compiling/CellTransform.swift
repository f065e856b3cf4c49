import SwiftParser
import SwiftSyntax

// MARK: - Transformed cell

/// A cell rewritten so that later cells can use its declarations and its last value shows.
public struct TransformedCell: Equatable, Sendable {
  /// The user's code with `public` added and the final expression wrapped; same lines.
  public var body: String
  /// Top-level names the cell declares.
  public var declarations: [CellDeclaration]
  /// Whether later cells must import the whole module (operators, actors, extensions only).
  public var needsWholeImport: Bool
  /// Whether the final expression was wrapped in `publishCellResult(...)`.
  public var wrapsResult: Bool
  /// Whether the cell declares anything at top level besides imports; a cell of statements
  /// alone gets no module interface, and later cells do not import it.
  public var declaresAnything = true
  /// Doc comments (`///`) of top-level names, by name.
  public var documentation: [String: String]
  /// The cell's own `import` statements; later cells repeat them, as a notebook user expects.
  public var importLines: [String]
  /// The modules named by the cell's own `import` statements.
  public var importedModules: [String]
  /// Maps columns of `body` back to the user's columns.
  public var columnMap: ColumnMap
  /// Every identifier the cell's code spells (without backticks): the earlier cells' names it
  /// may use, so that only their declarations are imported.
  public var referencedNames: Set<String> = []
}

/// Rewrites a cell's source with swift-syntax; see `TransformedCell`.
public enum CellTransform {
  /// Calls whose result is `Void`, so wrapping them would only show `()`.
  static let voidCalls: Set<String> = [
    "print", "debugPrint", "display", "updateDisplay", "clearOutput", "dump", "precondition",
    "assert", "fatalError", "preconditionFailure", "assertionFailure", "_t0", "_t1", "_timeit", "_shell",
    "_env", "_cd", "_writefile",
  ]

  /// Transforms `code`.
  public static func transform(_ code: String) -> TransformedCell {
    let tree = Parser.parse(source: code)
    var edits = AccessEdits()
    var declarations: [CellDeclaration] = []
    var wholeImport = false
    var hasExtensions = false
    var documentation: [String: String] = [:]
    var importLines: [String] = []
    var importedModules: [String] = []
    var declaresAnything = false
    for item in tree.statements {
      guard case .decl(let decl) = item.item else { continue }
      if !decl.is(ImportDeclSyntax.self) { declaresAnything = true }
      if let importDecl = decl.as(ImportDeclSyntax.self) {
        importLines.append(importDecl.trimmedDescription)
        if let module = importDecl.path.first?.name.text { importedModules.append(module) }
      }
      if decl.is(ExtensionDeclSyntax.self) { hasExtensions = true }
      if decl.is(OperatorDeclSyntax.self) || decl.is(PrecedenceGroupDeclSyntax.self)
        || decl.is(ActorDeclSyntax.self)
      {
        wholeImport = true
      }
      if let function = decl.as(FunctionDeclSyntax.self), case .binaryOperator = function.name.tokenKind {
        wholeImport = true
      }
      let names = TopLevelNames.of(decl)
      declarations += names
      if let doc = TopLevelNames.docComment(of: decl) {
        for name in names { documentation[name.name] = doc }
      }
      edits.publicize(topLevel: decl)
    }
    var wrapsResult = false
    if let last = tree.statements.last, case .expr(let expr) = last.item, shouldWrap(expr) {
      var prefix = "publishCellResult("
      if expr.is(TryExprSyntax.self) { prefix = "try " + prefix }
      if expr.is(AwaitExprSyntax.self) { prefix = "await " + prefix }
      edits.insert(prefix, at: expr.positionAfterSkippingLeadingTrivia)
      edits.insert(")", at: expr.endPositionBeforeTrailingTrivia)
      wrapsResult = true
    }
    var unique: [CellDeclaration] = []
    for declaration in declarations where !unique.contains(declaration) { unique.append(declaration) }
    if unique.isEmpty && hasExtensions { wholeImport = true }
    let (body, map) = edits.apply(to: code, tree: tree)
    return TransformedCell(
      body: body, declarations: unique, needsWholeImport: wholeImport,
      wrapsResult: wrapsResult, declaresAnything: declaresAnything, documentation: documentation,
      importLines: importLines, importedModules: importedModules, columnMap: map,
      referencedNames: identifiers(in: tree))
  }

  /// The text of every identifier token of `tree`, backticks removed.
  static func identifiers(in tree: SourceFileSyntax) -> Set<String> {
    var names: Set<String> = []
    for token in tree.tokens(viewMode: .sourceAccurate) {
      if case .identifier(let text) = token.tokenKind {
        names.insert(text.hasPrefix("`") ? String(text.dropFirst().dropLast()) : text)
      }
    }
    return names
  }

  /// Whether a final expression statement should become the cell's result.
  static func shouldWrap(_ expr: ExprSyntax) -> Bool {
    if expr.is(IfExprSyntax.self) || expr.is(SwitchExprSyntax.self) || expr.is(ClosureExprSyntax.self)
      || expr.is(AssignmentExprSyntax.self)
    {
      return false
    }
    if let sequence = expr.as(SequenceExprSyntax.self) {
      for element in sequence.elements {
        if element.is(AssignmentExprSyntax.self) { return false }
        if let op = element.as(BinaryOperatorExprSyntax.self) {
          let text = op.operator.text
          let comparisons: Set<String> = ["==", "!=", "<=", ">=", "===", "!=="]
          if text.hasSuffix("=") && !comparisons.contains(text) { return false }
        }
      }
    }
    var inner = expr
    while let wrapper = inner.as(TryExprSyntax.self)?.expression ?? inner.as(AwaitExprSyntax.self)?.expression
    {
      inner = wrapper
    }
    if let call = inner.as(FunctionCallExprSyntax.self),
      let callee = call.calledExpression.as(DeclReferenceExprSyntax.self),
      voidCalls.contains(callee.baseName.text)
    {
      return false
    }
    return true
  }
}

// MARK: - Top-level names

/// Finds the names a top-level declaration introduces.
enum TopLevelNames {
  /// The names and import kinds of `decl` (empty for extensions, operators, imports).
  static func of(_ decl: DeclSyntax) -> [CellDeclaration] {
    if let variable = decl.as(VariableDeclSyntax.self) {
      let kind: CellDeclaration.Kind = variable.bindingSpecifier.tokenKind == .keyword(.let) ? .let : .var
      return variable.bindings.flatMap { names(in: $0.pattern) }.map { CellDeclaration(name: $0, kind: kind) }
    }
    if let function = decl.as(FunctionDeclSyntax.self), case .identifier(let name) = function.name.tokenKind {
      return [CellDeclaration(name: name, kind: .func)]
    }
    if let type = decl.as(StructDeclSyntax.self) { return [.init(name: type.name.text, kind: .struct)] }
    if let type = decl.as(ClassDeclSyntax.self) { return [.init(name: type.name.text, kind: .class)] }
    if let type = decl.as(EnumDeclSyntax.self) { return [.init(name: type.name.text, kind: .enum)] }
    if let type = decl.as(ProtocolDeclSyntax.self) { return [.init(name: type.name.text, kind: .protocol)] }
    if let type = decl.as(TypeAliasDeclSyntax.self) { return [.init(name: type.name.text, kind: .typealias)] }
    return []
  }

  /// The text of the `///` comments right before `decl`, or nil.
  static func docComment(of decl: DeclSyntax) -> String? {
    var lines: [String] = []
    for piece in decl.leadingTrivia {
      if case .docLineComment(let text) = piece {
        lines.append(String(text.dropFirst(3).drop { $0 == " " }))
      }
    }
    return lines.isEmpty ? nil : lines.joined(separator: "\n")
  }

  private static func names(in pattern: PatternSyntax) -> [String] {
    if let identifier = pattern.as(IdentifierPatternSyntax.self) { return [identifier.identifier.text] }
    if let tuple = pattern.as(TuplePatternSyntax.self) {
      return tuple.elements.flatMap { names(in: $0.pattern) }
    }
    return []
  }
}
