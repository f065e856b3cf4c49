import SwiftSyntax

// MARK: - Text insertions

/// Insertions into a cell's source that make its declarations visible to later cells.
///
/// Top-level declarations without an access level become `public` (classes `open`, unless
/// `final`); members of top-level types and extensions become `public`; a struct without
/// an initializer gets a public memberwise one, since Swift's own is internal.
struct AccessEdits {
  private var insertions: [(offset: Int, text: String)] = []
  private static let accessWords: Set<String> = [
    "public", "private", "fileprivate", "internal", "open", "package",
  ]

  /// Inserts `text` at `position` of the original source.
  mutating func insert(_ text: String, at position: AbsolutePosition) {
    insertions.append((position.utf8Offset, text))
  }

  /// Makes a top-level declaration and its members public.
  mutating func publicize(topLevel decl: DeclSyntax) {
    if decl.is(ExtensionDeclSyntax.self) {
      publicizeMembers(of: decl)
      return
    }
    guard isPublicizable(decl) else { return }
    if let type = decl.as(ClassDeclSyntax.self) {
      let final = type.modifiers.contains { $0.name.tokenKind == .keyword(.final) }
      addAccess(final ? "public " : "open ", to: decl)
    } else {
      addAccess("public ", to: decl)
    }
    if !decl.is(ProtocolDeclSyntax.self) { publicizeMembers(of: decl) }
    if let type = decl.as(StructDeclSyntax.self) { addMemberwiseInit(to: type) }
    if let type = decl.as(ClassDeclSyntax.self) { addDefaultInit(to: type) }
  }

  /// Applies the insertions; returns the new text and the column map.
  func apply(to code: String, tree: SourceFileSyntax) -> (String, ColumnMap) {
    let converter = SourceLocationConverter(fileName: "cell", tree: tree)
    var bytes = Array(code.utf8)
    var map = ColumnMap()
    let ordered = insertions.enumerated().sorted {
      $0.element.offset != $1.element.offset ? $0.element.offset > $1.element.offset : $0.offset > $1.offset
    }
    for (_, insertion) in ordered {
      let location = converter.location(for: AbsolutePosition(utf8Offset: insertion.offset))
      let text = Array(insertion.text.utf8)
      map.recordInsertion(line: location.line, column: location.column, length: text.count)
      bytes.insert(contentsOf: text, at: min(insertion.offset, bytes.count))
    }
    return (String(decoding: bytes, as: UTF8.self), map)
  }

  // MARK: - Access levels

  private func isPublicizable(_ decl: DeclSyntax) -> Bool {
    decl.is(VariableDeclSyntax.self) || decl.is(FunctionDeclSyntax.self) || decl.is(StructDeclSyntax.self)
      || decl.is(ClassDeclSyntax.self) || decl.is(EnumDeclSyntax.self) || decl.is(ProtocolDeclSyntax.self)
      || decl.is(TypeAliasDeclSyntax.self) || decl.is(ActorDeclSyntax.self)
      || decl.is(InitializerDeclSyntax.self) || decl.is(SubscriptDeclSyntax.self)
  }

  private mutating func addAccess(_ word: String, to decl: DeclSyntax) {
    guard let modifiers = decl.asProtocol(WithModifiersSyntax.self)?.modifiers else { return }
    if modifiers.contains(where: { Self.accessWords.contains($0.name.text) }) { return }
    if let first = modifiers.first {
      insert(word, at: first.positionAfterSkippingLeadingTrivia)
      return
    }
    let attributesEnd = decl.asProtocol(WithAttributesSyntax.self)?.attributes.endPosition ?? decl.position
    if let keyword = decl.tokens(viewMode: .sourceAccurate).first(where: { $0.position >= attributesEnd }) {
      insert(word, at: keyword.positionAfterSkippingLeadingTrivia)
    }
  }

  private mutating func publicizeMembers(of decl: DeclSyntax) {
    guard let block = decl.asProtocol(DeclGroupSyntax.self)?.memberBlock else { return }
    for member in block.members {
      let inner = member.decl
      guard isPublicizable(inner) else { continue }
      if inner.is(ClassDeclSyntax.self) || inner.is(StructDeclSyntax.self) || inner.is(EnumDeclSyntax.self)
        || inner.is(ActorDeclSyntax.self)
      {
        addAccess("public ", to: inner)
        publicizeMembers(of: inner)
        if let type = inner.as(StructDeclSyntax.self) { addMemberwiseInit(to: type) }
      } else if !inner.is(ProtocolDeclSyntax.self) {
        addAccess("public ", to: inner)
      }
    }
  }

  // MARK: - Memberwise initializer

  /// Adds `public init(...)` for the stored properties of a struct that declares no init,
  /// when every stored property has a written type; when some have only an initial value (whose
  /// type the compiler infers), and every one has an initial value, `public init() {}`.
  private mutating func addMemberwiseInit(to type: StructDeclSyntax) {
    let members = type.memberBlock.members.map(\.decl)
    if members.contains(where: { $0.is(InitializerDeclSyntax.self) }) { return }
    var parameters: [String] = []
    var assignments: [String] = []
    var inferred = false
    var allInitialized = true
    for variable in members.compactMap({ $0.as(VariableDeclSyntax.self) }) {
      let skipped: Set<String> = ["static", "class", "lazy"]
      if variable.modifiers.contains(where: { skipped.contains($0.name.text) }) { continue }
      let isLet = variable.bindingSpecifier.tokenKind == .keyword(.let)
      for binding in variable.bindings {
        if let accessors = binding.accessorBlock, isComputed(accessors) { continue }
        if !variable.attributes.isEmpty { return }
        if isLet && binding.initializer != nil { continue }
        if binding.initializer == nil { allInitialized = false }
        guard let name = binding.pattern.as(IdentifierPatternSyntax.self)?.identifier.text else { return }
        guard let annotation = binding.typeAnnotation else {
          if binding.initializer == nil { return }
          inferred = true
          continue
        }
        var typeText = annotation.type.trimmedDescription
        if annotation.type.is(FunctionTypeSyntax.self) { typeText = "@escaping " + typeText }
        var parameter = "\(name): \(typeText)"
        if let value = binding.initializer?.value {
          parameter += " = \(value.trimmedDescription)"
        } else if !isLet
          && (annotation.type.is(OptionalTypeSyntax.self)
            || annotation.type.is(ImplicitlyUnwrappedOptionalTypeSyntax.self))
        {
          parameter += " = nil"
        }
        parameters.append(parameter)
        assignments.append("self.\(name) = \(name)")
      }
    }
    if inferred && !allInitialized { return }
    let previous = type.memberBlock.rightBrace.previousToken(viewMode: .sourceAccurate)?.tokenKind
    let separator = previous == .leftBrace || previous == .semicolon ? "" : "; "
    let text =
      separator
      + (inferred
        ? "public init() {} "
        : "public init(\(parameters.joined(separator: ", "))) { \(assignments.joined(separator: "; ")) } ")
    insert(text, at: type.memberBlock.rightBrace.positionAfterSkippingLeadingTrivia)
  }

  /// Adds `public init() {}` to a base class without initializers whose stored properties
  /// all have initial values (Swift's implicit one is internal).
  private mutating func addDefaultInit(to type: ClassDeclSyntax) {
    guard type.inheritanceClause == nil else { return }
    let members = type.memberBlock.members.map(\.decl)
    if members.contains(where: { $0.is(InitializerDeclSyntax.self) }) { return }
    for variable in members.compactMap({ $0.as(VariableDeclSyntax.self) }) {
      if variable.modifiers.contains(where: { ["static", "class", "lazy"].contains($0.name.text) }) {
        continue
      }
      for binding in variable.bindings where binding.initializer == nil {
        if let accessors = binding.accessorBlock, isComputed(accessors) { continue }
        let optional = binding.typeAnnotation.map {
          $0.type.is(OptionalTypeSyntax.self) || $0.type.is(ImplicitlyUnwrappedOptionalTypeSyntax.self)
        }
        if optional != true || variable.bindingSpecifier.tokenKind == .keyword(.let) { return }
      }
    }
    let previous = type.memberBlock.rightBrace.previousToken(viewMode: .sourceAccurate)?.tokenKind
    let separator = previous == .leftBrace || previous == .semicolon ? "" : "; "
    insert(
      separator + "public init() {} ", at: type.memberBlock.rightBrace.positionAfterSkippingLeadingTrivia)
  }

  private func isComputed(_ block: AccessorBlockSyntax) -> Bool {
    switch block.accessors {
    case .getter: return true
    case .accessors(let list):
      return list.contains {
        ![.keyword(.willSet), .keyword(.didSet)].contains($0.accessorSpecifier.tokenKind)
      }
    }
  }
}

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
