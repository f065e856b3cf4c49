import ExecutorWire
import NotebookDisplay

// MARK: - Parameters

/// What `interact` makes a control of: a control itself, a closed range (a slider), a `Bool`
/// (a checkbox) or an array of strings (a dropdown).
public protocol InteractParameter {
  /// The control made.
  associatedtype Control: ValueControl
  /// Makes (or returns) the control.
  func makeControl() -> Control
}

extension FloatSlider: InteractParameter {
  /// The slider itself.
  public func makeControl() -> FloatSlider { self }
}

extension IntSlider: InteractParameter {
  /// The slider itself.
  public func makeControl() -> IntSlider { self }
}

extension Checkbox: InteractParameter {
  /// The checkbox itself.
  public func makeControl() -> Checkbox { self }
}

extension Label: InteractParameter {
  /// The label itself.
  public func makeControl() -> Label { self }
}

extension Dropdown: InteractParameter {
  /// The dropdown itself.
  public func makeControl() -> Dropdown { self }
}

/// A number type a slider is made for: `Double` (`FloatSlider`) or `Int` (`IntSlider`).
public protocol SliderBound: Comparable {
  /// The slider over this type.
  associatedtype Slider: ValueControl where Slider.Value == Self
  /// A slider over `range`, starting in its middle.
  static func slider(over range: ClosedRange<Self>) -> Slider
}

extension Double: SliderBound {
  /// A `FloatSlider` over `range` in 100 steps, starting in its middle.
  public static func slider(over range: ClosedRange<Double>) -> FloatSlider {
    let step = range.upperBound > range.lowerBound ? (range.upperBound - range.lowerBound) / 100 : 1
    return FloatSlider("", range, value: (range.lowerBound + range.upperBound) / 2, step: step)
  }
}

extension Int: SliderBound {
  /// An `IntSlider` over `range`, starting in its middle.
  public static func slider(over range: ClosedRange<Int>) -> IntSlider {
    IntSlider("", range, value: range.lowerBound + (range.upperBound - range.lowerBound) / 2)
  }
}

extension ClosedRange: InteractParameter where Bound: SliderBound {
  /// A slider over the range.
  public func makeControl() -> Bound.Slider { Bound.slider(over: self) }
}

extension Bool: InteractParameter {
  /// A checkbox with this value.
  public func makeControl() -> Checkbox { Checkbox(value: self) }
}

extension Array: InteractParameter where Element == String {
  /// A dropdown of these strings, showing the first.
  public func makeControl() -> Dropdown<String> { Dropdown(options: self) }
}

// MARK: - interact

/// Controls plus an output area that shows `body` run with their values, again whenever one
/// changes: the output of each run replaces the previous one.
public final class Interaction: Box, @unchecked Sendable {
  /// Where the runs show their output.
  public let output: Output
  private let run: () throws -> Void

  init(controls: [Widget], output: Output, run: @escaping () throws -> Void) {
    self.output = output
    self.run = run
    super.init(model: "VBoxModel", view: "VBoxView", children: controls + [output])
  }

  /// Runs the body again with the controls' values now.
  public func update() {
    output.capture(clear: true, run)
  }
}

/// Shows a control for each parameter and an output area, runs `body` with the controls'
/// values now, and again whenever one changes; each run's output replaces the previous one.
///
/// A parameter is a control (`FloatSlider("temperature", 0.1...1.2, value: 0.7)`) or what one
/// is made of: `0...10` (an `IntSlider`), `0.0...1.0` (a `FloatSlider`), `true` (a
/// `Checkbox`), `["a", "b"]` (a `Dropdown`). An error thrown by `body`, or a trap in it
/// (rolled back like a cell), shows in the output area.
public func interact<each Parameter: InteractParameter>(
  _ parameters: repeat each Parameter,
  body: @escaping (repeat (each Parameter).Control.Value) throws -> Void
) {
  display(interactive(repeat each parameters, body: body))
}

/// What `interact` shows, without showing it: put it in a box, or display it later.
public func interactive<each Parameter: InteractParameter>(
  _ parameters: repeat each Parameter,
  body: @escaping (repeat (each Parameter).Control.Value) throws -> Void
) -> Interaction {
  let controls = (repeat (each parameters).makeControl())
  var widgets: [Widget] = []
  repeat widgets.append(each controls)
  let output = Output()
  let interaction = Interaction(controls: widgets, output: output) {
    try body(repeat (each controls).value)
  }
  for widget in widgets {
    widget.showCallbacks(in: output, replaces: true)
    widget.observe(widget.valueKeyForInteract) { [weak interaction] _ in interaction?.update() }
  }
  interaction.update()
  return interaction
}

extension Widget {
  /// The synced property whose changes re-run an interaction.
  var valueKeyForInteract: String {
    (self as? any ValueControl).map { type(of: $0).valueKey } ?? "value"
  }
}
