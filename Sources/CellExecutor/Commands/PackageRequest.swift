// MARK: - A package named by %install

/// One `%install '.package(...)' PRODUCT...` line: a SwiftPM dependency and the products of it
/// that later cells import.
public struct PackageRequest: Equatable, Hashable, Sendable {
  /// The dependency as Package.swift spells it, e.g.
  /// `.package(url: "https://github.com/apple/swift-numerics", from: "1.1.1")`.
  public var spec: String
  /// The library products of the package that cells may import, e.g. `["Numerics"]`.
  public var products: [String]

  /// Creates a request from its parts.
  public init(spec: String, products: [String]) {
    self.spec = spec
    self.products = products
  }

  /// The package's name as its URL or path ends (`swift-numerics`), for messages.
  public var packageName: String {
    guard let open = spec.firstIndex(of: "\""),
      let close = spec[spec.index(after: open)...].firstIndex(of: "\"")
    else { return spec }
    var location = spec[spec.index(after: open)..<close]
    if location.hasSuffix(".git") { location = location.dropLast(4) }
    while location.hasSuffix("/") { location = location.dropLast() }
    return String(location.split(separator: "/").last ?? location)
  }

  /// The location (`url:` or `path:`) in the spec, for messages.
  public var location: String {
    guard let open = spec.firstIndex(of: "\""),
      let close = spec[spec.index(after: open)...].firstIndex(of: "\"")
    else { return spec }
    return String(spec[spec.index(after: open)..<close])
  }

  /// Parses what follows `%install`: a single-quoted `.package(...)` and product names.
  static func parse(_ text: String, line: Int) throws(CellCommandError) -> PackageRequest {
    let usage = "%install expects '.package(url: \"URL\", from: \"VERSION\")' PRODUCT..."
    let trimmed = text.drop { $0.isWhitespace }
    guard trimmed.hasPrefix("'"), let close = trimmed.dropFirst().firstIndex(of: "'") else {
      throw CellCommandError(line: line, message: "\(usage): the package spec must be in single quotes")
    }
    let spec = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
      .trimmingSpaces()
    guard spec.hasPrefix(".package("), spec.hasSuffix(")") else {
      throw CellCommandError(line: line, message: "\(usage): '\(spec)' is not a .package(...) dependency")
    }
    let products = trimmed[trimmed.index(after: close)...].split(whereSeparator: \.isWhitespace).map(
      String.init)
    guard !products.isEmpty else {
      throw CellCommandError(
        line: line, message: "\(usage): name the products to import after the spec (for example Numerics)")
    }
    for product in products
    where !product.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
      throw CellCommandError(line: line, message: "\(usage): '\(product)' is not a product name")
    }
    return PackageRequest(spec: spec, products: products)
  }
}

extension String {
  /// The string without leading and trailing spaces and tabs.
  fileprivate func trimmingSpaces() -> String {
    String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
  }
}
