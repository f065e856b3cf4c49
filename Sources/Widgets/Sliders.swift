import ExecutorWire

// MARK: - Sliders

/// A horizontal slider over floating-point numbers (`FloatSliderModel`).
public final class FloatSlider: DOMWidget, ValueControl, @unchecked Sendable {
  /// The value is in `value`.
  public static let valueKey = "value"

  /// A slider over `range` in steps of `step`, starting at `value` (the lower bound when nil),
  /// labelled `description`; `continuousUpdate` false syncs only when the handle is released.
  public init(
    _ description: String = "", _ range: ClosedRange<Double> = 0...1, value: Double? = nil,
    step: Double = 0.01, continuousUpdate: Bool = true, readoutFormat: String = ".2f"
  ) {
    precondition(step > 0, "FloatSlider's step must be positive, got \(step)")
    var state = describedState(description)
    state.merge(sliderState(continuousUpdate: continuousUpdate)) { own, _ in own }
    state["min"] = .double(range.lowerBound)
    state["max"] = .double(range.upperBound)
    state["step"] = .double(step)
    state["readout_format"] = .string(readoutFormat)
    state["value"] = .double((value ?? range.lowerBound).clamped(to: range))
    super.init(
      spec: .controls("FloatSliderModel", view: "FloatSliderView"), state: state, style: .slider())
  }

  /// The value, within `min...max`.
  public var value: Double {
    get { self["value"].doubleValue ?? 0 }
    set { set("value", .double(newValue.clamped(to: min...max))) }
  }

  /// The lowest value.
  public var min: Double { self["min"].doubleValue ?? 0 }
  /// The highest value.
  public var max: Double { self["max"].doubleValue ?? 0 }

  override func validated(_ key: String, _ value: JSONValue) throws(WidgetStateError) -> JSONValue {
    let checked = try super.validated(key, value)
    guard key == "value", let number = checked.doubleValue else { return checked }
    guard number.isFinite else { throw problem("value must be a finite number, got \(value.jsonText)") }
    return .double(number.clamped(to: min...max))
  }
}

/// A horizontal slider over integers (`IntSliderModel`).
public final class IntSlider: DOMWidget, ValueControl, @unchecked Sendable {
  /// The value is in `value`.
  public static let valueKey = "value"

  /// A slider over `range` in steps of `step`, starting at `value` (the lower bound when nil),
  /// labelled `description`.
  public init(
    _ description: String = "", _ range: ClosedRange<Int> = 0...100, value: Int? = nil, step: Int = 1,
    continuousUpdate: Bool = true
  ) {
    precondition(step > 0, "IntSlider's step must be positive, got \(step)")
    var state = describedState(description)
    state.merge(sliderState(continuousUpdate: continuousUpdate)) { own, _ in own }
    state["min"] = .int(range.lowerBound)
    state["max"] = .int(range.upperBound)
    state["step"] = .int(step)
    state["readout_format"] = "d"
    state["value"] = .int((value ?? range.lowerBound).clamped(to: range))
    super.init(spec: .controls("IntSliderModel", view: "IntSliderView"), state: state, style: .slider())
  }

  /// The value, within `min...max`.
  public var value: Int {
    get { self["value"].intValue ?? 0 }
    set { set("value", .int(newValue.clamped(to: min...max))) }
  }

  /// The lowest value.
  public var min: Int { self["min"].intValue ?? 0 }
  /// The highest value.
  public var max: Int { self["max"].intValue ?? 0 }

  override func validated(_ key: String, _ value: JSONValue) throws(WidgetStateError) -> JSONValue {
    let checked = try super.validated(key, value)
    guard key == "value", let number = checked.intValue else { return checked }
    return .int(number.clamped(to: min...max))
  }
}

/// What both sliders sync besides their numbers.
private func sliderState(continuousUpdate: Bool) -> [String: JSONValue] {
  [
    "behavior": "drag-tap", "continuous_update": .bool(continuousUpdate), "orientation": "horizontal",
    "readout": true,
  ]
}

extension JSONValue {
  /// The number, if this is a number.
  var doubleValue: Double? {
    switch self {
    case .double(let value): return value
    case .int(let value): return Double(value)
    default: return nil
    }
  }
}

extension Comparable {
  /// The value, moved into `range` when it lies outside.
  fileprivate func clamped(to range: ClosedRange<Self>) -> Self {
    Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
  }
}
