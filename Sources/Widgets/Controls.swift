import ExecutorWire

// MARK: - Checkbox

/// A checkbox with a label (`CheckboxModel`).
public final class Checkbox: DOMWidget, ValueControl, @unchecked Sendable {
  /// The value is in `value`.
  public static let valueKey = "value"

  /// A checkbox labelled `description`, checked when `value` is true.
  public init(_ description: String = "", value: Bool = false) {
    var state = describedState(description)
    state["value"] = .bool(value)
    state["indent"] = true
    super.init(spec: .controls("CheckboxModel", view: "CheckboxView"), state: state, style: .checkbox())
  }

  /// Whether it is checked.
  public var value: Bool {
    get { self["value"].boolValue ?? false }
    set { set("value", .bool(newValue)) }
  }
}

// MARK: - Label

/// A line of text (`LabelModel`); code sets it, the user cannot edit it.
public final class Label: DOMWidget, ValueControl, @unchecked Sendable {
  /// The value is in `value`.
  public static let valueKey = "value"

  /// A label showing `value`.
  public init(_ value: String = "") {
    var state = describedState("")
    state.removeValue(forKey: "disabled")
    state["value"] = .string(value)
    state["placeholder"] = "\u{200B}"
    super.init(spec: .controls("LabelModel", view: "LabelView"), state: state, style: .label())
  }

  /// The text shown.
  public var value: String {
    get { self["value"].stringValue ?? "" }
    set { set("value", .string(newValue)) }
  }
}

// MARK: - Button

/// A push button (`ButtonModel`); `onClick` runs when the user clicks it.
public final class Button: DOMWidget, @unchecked Sendable {
  private var clickHandlers: [() throws -> Void] = []

  /// A button showing `description`; `style` is one of `primary`, `success`, `info`,
  /// `warning`, `danger` or empty.
  public init(_ description: String, style buttonStyle: String = "") {
    let state: [String: JSONValue] = [
      "description": .string(description), "button_style": .string(buttonStyle), "icon": "",
      "disabled": false,
    ]
    super.init(spec: .controls("ButtonModel", view: "ButtonView"), state: state, style: .button())
  }

  /// Runs `handler` at each click. With `output`, what it prints and displays shows there
  /// (appended, not replaced) and so do its errors.
  public func onClick(in output: Output? = nil, _ handler: @escaping () throws -> Void) {
    if let output { showCallbacks(in: output, replaces: false) }
    lock.withLock { clickHandlers.append(handler) }
  }

  /// Runs the click handlers, as a click in the frontend does.
  public func click() {
    for handler in lock.withLock({ clickHandlers }) { runCallback(handler) }
  }

  override func receiveCustom(_ content: JSONValue) throws {
    guard content["event"] == .string("click") else {
      throw problem("a button's custom message must be {\"event\": \"click\"}, got \(content.jsonText)")
    }
    click()
  }
}
