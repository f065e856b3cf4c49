import ExecutorWire
import NotebookDisplay

// MARK: - Controls with a value

/// A control whose `value` the user changes in the frontend: sliders, checkboxes, dropdowns,
/// labels. `interact` builds on it.
public protocol ValueControl: Widget {
  /// The Swift type of the value.
  associatedtype Value
  /// The current value.
  var value: Value { get }
  /// The synced property that holds the value (`value`, or `index` for a dropdown).
  static var valueKey: String { get }
}

extension ValueControl {
  /// Runs `handler` with the new value whenever it changes, from the frontend or from code.
  ///
  /// With `output`, the handler's `print` and `display` show in it and each run replaces what
  /// the previous one showed; an error it throws or a trap in it (rolled back like a cell) is
  /// shown there too. Without, they are shown under the frontend's message (JupyterLab's log
  /// console).
  public func onChange(in output: Output? = nil, _ handler: @escaping (Value) throws -> Void) {
    if let output { showCallbacks(in: output, replaces: true) }
    observe(Self.valueKey) { [unowned self] _ in
      let value = self.value
      self.runCallback { try handler(value) }
    }
  }
}

// MARK: - Descriptions

extension DOMWidget {
  /// The label shown next to the control.
  public var descriptionText: String {
    get { self["description"].stringValue ?? "" }
    set { set("description", .string(newValue)) }
  }
}

/// The synced properties that controls with a description label share.
func describedState(_ description: String) -> [String: JSONValue] {
  ["description": .string(description), "description_allow_html": false, "disabled": false]
}
