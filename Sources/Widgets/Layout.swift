import ExecutorWire

// MARK: - Layout

/// The CSS layout of a widget's view (`LayoutModel` of `@jupyter-widgets/base`): every
/// control and box has one, opened with it. Unset properties are null (the view's default).
public final class Layout: Widget, @unchecked Sendable {
  /// The CSS properties a layout syncs, null when unset.
  static let properties = [
    "align_content", "align_items", "align_self", "border_bottom", "border_left", "border_right",
    "border_top", "bottom", "display", "flex", "flex_flow", "grid_area", "grid_auto_columns",
    "grid_auto_flow", "grid_auto_rows", "grid_column", "grid_gap", "grid_row", "grid_template_areas",
    "grid_template_columns", "grid_template_rows", "height", "justify_content", "justify_items", "left",
    "margin", "max_height", "max_width", "min_height", "min_width", "object_fit", "object_position",
    "order", "overflow", "padding", "right", "top", "visibility", "width",
  ]

  /// A layout with every property unset, or `width` set (any CSS length, e.g. `"400px"`).
  public init(width: String? = nil) {
    var state: [String: JSONValue] = [:]
    for key in Self.properties { state[key] = .null }
    super.init(spec: .layout, state: state)
    if let width { self.width = width }
  }

  /// CSS `width`, e.g. `"100%"`.
  public var width: String? {
    get { self["width"].stringValue }
    set { set("width", newValue.map(JSONValue.string) ?? .null) }
  }

  /// CSS `height`.
  public var height: String? {
    get { self["height"].stringValue }
    set { set("height", newValue.map(JSONValue.string) ?? .null) }
  }

  /// Any CSS property of the layout model by its key (`"justify_content"`), as a string.
  public subscript(css key: String) -> String? {
    get { self[key].stringValue }
    set {
      precondition(Self.properties.contains(key), "Layout has no property '\(key)'")
      set(key, newValue.map(JSONValue.string) ?? .null)
    }
  }
}

// MARK: - Style

/// The style of a control's view (a style model of `@jupyter-widgets/controls`): each kind of
/// control has its own, with `description_width` in common.
public final class WidgetStyle: Widget, @unchecked Sendable {
  /// A style of model `model` with these properties.
  init(model: String, state: [String: JSONValue]) {
    super.init(spec: .style(model), state: state)
  }

  /// The width of the description label, e.g. `"initial"` to fit long descriptions; nil for
  /// styles without one (buttons').
  public var descriptionWidth: String? {
    get { hasProperty("description_width") ? self["description_width"].stringValue : nil }
    set {
      precondition(hasProperty("description_width"), "\(spec.modelName) has no description width")
      set("description_width", .string(newValue ?? ""))
    }
  }

  /// `SliderStyleModel`.
  static func slider() -> WidgetStyle {
    WidgetStyle(model: "SliderStyleModel", state: ["description_width": "", "handle_color": nil])
  }
  /// `DescriptionStyleModel`.
  static func description() -> WidgetStyle {
    WidgetStyle(model: "DescriptionStyleModel", state: ["description_width": ""])
  }
  /// `CheckboxStyleModel`.
  static func checkbox() -> WidgetStyle {
    WidgetStyle(model: "CheckboxStyleModel", state: ["description_width": "", "background": nil])
  }

  /// The font and color properties of buttons' and labels' styles.
  private static let textStyle: [String: JSONValue] = [
    "font_family": nil, "font_size": nil, "font_style": nil, "font_variant": nil, "font_weight": nil,
    "text_color": nil, "text_decoration": nil,
  ]

  /// `ButtonStyleModel` (no description width).
  static func button() -> WidgetStyle {
    WidgetStyle(model: "ButtonStyleModel", state: textStyle.merging(["button_color": nil]) { own, _ in own })
  }

  /// `LabelStyleModel`.
  static func label() -> WidgetStyle {
    let extra: [String: JSONValue] = ["background": nil, "description_width": ""]
    return WidgetStyle(model: "LabelStyleModel", state: textStyle.merging(extra) { own, _ in own })
  }
}

// MARK: - Controls with a layout and a style

/// A widget with a view: it has a `layout`, a `style` when given one, and a `description`
/// shown as its label when it has that property.
public class DOMWidget: Widget, @unchecked Sendable {
  /// The view's CSS layout.
  public let layout: Layout
  /// The view's style, if its kind has one.
  public let style: WidgetStyle?

  init(spec: WidgetSpec, state: [String: JSONValue], style: WidgetStyle?) {
    self.layout = Layout()
    self.style = style
    var state = state
    state["layout"] = Widget.reference(to: layout)
    if let style { state["style"] = Widget.reference(to: style) }
    super.init(spec: spec, state: state)
  }

  override var referencedWidgets: [Widget] { [layout] + (style.map { [$0] } ?? []) }
}
