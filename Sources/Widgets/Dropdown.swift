import ExecutorWire

// MARK: - Dropdown

/// A drop-down list (`DropdownModel`): the frontend shows the labels and syncs the chosen
/// `index`; `value` is the Swift value that goes with it.
public final class Dropdown<Value>: DOMWidget, ValueControl, @unchecked Sendable {
  /// The frontend syncs `index`.
  public static var valueKey: String { "index" }

  /// The choices: a label for the frontend and a value for Swift.
  public let options: [(label: String, value: Value)]

  /// A list of `options`, labelled `description`, showing option `index`.
  public init(_ description: String = "", options: [(label: String, value: Value)], index: Int = 0) {
    precondition(!options.isEmpty, "a Dropdown needs at least one option")
    precondition(options.indices.contains(index), "Dropdown index \(index) is outside 0..<\(options.count)")
    self.options = options
    var state = describedState(description)
    state["_options_labels"] = .array(options.map { .string($0.label) })
    state["index"] = .int(index)
    super.init(spec: .controls("DropdownModel", view: "DropdownView"), state: state, style: .description())
  }

  /// The index of the chosen option.
  public var index: Int {
    get { self["index"].intValue ?? 0 }
    set {
      precondition(
        options.indices.contains(newValue), "Dropdown index \(newValue) is outside 0..<\(options.count)")
      set("index", .int(newValue))
    }
  }

  /// The chosen option's value (choose with `index`).
  public var value: Value { options[index].value }

  /// The chosen option's label.
  public var label: String { options[index].label }

  override func validated(_ key: String, _ value: JSONValue) throws(WidgetStateError) -> JSONValue {
    if key == "_options_labels" { throw problem("the options are set in Swift, not by the frontend") }
    guard key == "index" else { return try super.validated(key, value) }
    guard let chosen = value.intValue, options.indices.contains(chosen) else {
      throw problem("index must be an integer in 0..<\(options.count), got \(value.jsonText)")
    }
    return .int(chosen)
  }
}

extension Dropdown where Value == String {
  /// A list of strings, each its own label.
  public convenience init(_ description: String = "", options: [String], index: Int = 0) {
    self.init(description, options: options.map { (label: $0, value: $0) }, index: index)
  }
}
