import ExecutorWire
import Foundation
import NotebookDisplay

// MARK: - Output

/// An area that shows what code prints and displays (`OutputModel` of
/// `@jupyter-widgets/output`): inside `capture { ... }`, `print`, `display` and errors go
/// here instead of under the cell or message that runs the code.
///
/// The outputs are kept on this side, in the synced `outputs` (nbformat output objects), and
/// sent as they come, as ipywidgets' `Output.append_display_data` does; `msg_id` stays empty, so
/// no frontend has to route messages into the widget, and the saved widget state holds them.
public final class Output: DOMWidget, @unchecked Sendable {
  /// An empty output area.
  public init() {
    super.init(spec: .output, state: ["msg_id": "", "outputs": []], style: nil)
  }

  /// The outputs the widget shows, as nbformat output objects.
  public var outputs: [JSONValue] { self["outputs"].arrayValue ?? [] }

  /// Runs `body` with its output shown in this widget; with `clear`, that output replaces what
  /// the widget showed (cleared when the first new output arrives). An error `body` throws is
  /// shown in the widget, not passed on. Displays and errors of this thread come here; what is
  /// printed comes here from every thread while `body` runs.
  public func capture(clear: Bool = false, _ body: () throws -> Void) {
    open()
    let captured = CapturedOutputs(shown: outputs, clearing: clear)
    let printed = PrintedTextCapture()
    defer {
      captured.takePrinted(printed?.finish() ?? "")
      publish(captured)
    }
    DisplayChannel.capturing(into: { [self] event in
      captured.takePrinted(printed?.take() ?? "")
      guard captured.take(event) else { return false }
      publish(captured)
      return true
    }) {
      do {
        try body()
      } catch {
        showError(error)
      }
    }
  }

  /// Clears the widget; with `wait`, when the next output arrives.
  public func clear(wait: Bool = false) {
    capture { clearOutput(wait: wait) }
  }

  /// Shows `value` in the widget, after what it shows.
  public func append<T>(_ value: T) {
    capture { display(value) }
  }

  private func publish(_ captured: CapturedOutputs) {
    if captured.takeChanges() { set("outputs", .array(captured.outputs)) }
  }
}

// MARK: - Boxes

/// A row of widgets side by side (`HBoxModel`).
public final class HBox: Box, @unchecked Sendable {
  /// A row of `children`.
  public init(_ children: [Widget]) {
    super.init(model: "HBoxModel", view: "HBoxView", children: children)
  }
}

/// A column of widgets one above the other (`VBoxModel`).
public final class VBox: Box, @unchecked Sendable {
  /// A column of `children`.
  public init(_ children: [Widget]) {
    super.init(model: "VBoxModel", view: "VBoxView", children: children)
  }
}

/// A container of widgets; `HBox` and `VBox` lay them out.
public class Box: DOMWidget, @unchecked Sendable {
  init(model: String, view: String, children: [Widget]) {
    self.childWidgets = children
    super.init(
      spec: .controls(model, view: view),
      state: ["children": .array(children.map(Widget.reference(to:))), "box_style": ""], style: nil)
  }

  private var childWidgets: [Widget]

  /// The widgets shown, in order; setting them opens the new ones first.
  public var children: [Widget] {
    get { lock.withLock { childWidgets } }
    set {
      lock.withLock { childWidgets = newValue }
      if isOpen { newValue.forEach { $0.open() } }
      set("children", .array(newValue.map(Widget.reference(to:))))
    }
  }

  override var referencedWidgets: [Widget] { super.referencedWidgets + children }

  override func validated(_ key: String, _ value: JSONValue) throws(WidgetStateError) -> JSONValue {
    if key == "children" { throw problem("a box's children are set in Swift, not by the frontend") }
    return try super.validated(key, value)
  }
}
