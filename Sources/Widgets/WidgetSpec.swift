import ExecutorWire

// MARK: - Which model and view

/// The names that tell the frontend which model and view class make a widget: the
/// `_model_*` and `_view_*` keys of its state (ipywidgets 8 model specification).
public struct WidgetSpec: Equatable, Sendable {
  /// The model class, e.g. `FloatSliderModel`.
  public var modelName: String
  /// The JavaScript module that defines it, e.g. `@jupyter-widgets/controls`.
  public var modelModule: String
  /// The module's version range, e.g. `2.0.0`.
  public var modelModuleVersion: String
  /// The view class, e.g. `FloatSliderView`; nil for models without a view (layouts).
  public var viewName: String?
  /// The view's module.
  public var viewModule: String
  /// The view module's version range.
  public var viewModuleVersion: String

  /// The module of the standard controls, `@jupyter-widgets/controls` 2.0.0.
  public static func controls(_ model: String, view: String?) -> WidgetSpec {
    WidgetSpec(
      modelName: model, modelModule: "@jupyter-widgets/controls", modelModuleVersion: "2.0.0",
      viewName: view, viewModule: "@jupyter-widgets/controls", viewModuleVersion: "2.0.0")
  }

  /// A style model of the controls module with the base module's `StyleView`.
  public static func style(_ model: String) -> WidgetSpec {
    WidgetSpec(
      modelName: model, modelModule: "@jupyter-widgets/controls", modelModuleVersion: "2.0.0",
      viewName: "StyleView", viewModule: "@jupyter-widgets/base", viewModuleVersion: "2.0.0")
  }

  /// The base module's `LayoutModel`.
  public static let layout = WidgetSpec(
    modelName: "LayoutModel", modelModule: "@jupyter-widgets/base", modelModuleVersion: "2.0.0",
    viewName: "LayoutView", viewModule: "@jupyter-widgets/base", viewModuleVersion: "2.0.0")

  /// The output module's `OutputModel` (`@jupyter-widgets/output` 1.0.0).
  public static let output = WidgetSpec(
    modelName: "OutputModel", modelModule: "@jupyter-widgets/output", modelModuleVersion: "1.0.0",
    viewName: "OutputView", viewModule: "@jupyter-widgets/output", viewModuleVersion: "1.0.0")

  /// The state keys these names fill in; the frontend never changes them.
  var state: [String: JSONValue] {
    [
      "_model_name": .string(modelName), "_model_module": .string(modelModule),
      "_model_module_version": .string(modelModuleVersion),
      "_view_name": viewName.map(JSONValue.string) ?? .null,
      "_view_module": .string(viewModule), "_view_module_version": .string(viewModuleVersion),
      "_view_count": .null,
    ]
  }

  /// Keys of `state` that an update from the frontend may not change.
  static let fixedKeys: Set<String> = [
    "_model_name", "_model_module", "_model_module_version", "_view_name", "_view_module",
    "_view_module_version",
  ]
}

// MARK: - Protocol versions

/// Versions of the ipywidgets messaging protocols this library speaks.
enum WidgetProtocol {
  /// The comm target of widget models.
  static let target = "jupyter.widget"
  /// The comm target through which a frontend asks for every widget's state.
  static let controlTarget = "jupyter.widget.control"
  /// The widget protocol version, sent as the metadata of every widget's `comm_open`.
  static let version = "2.1.0"
  /// The major version of the control protocol this library answers.
  static let controlMajorVersion = "1"
  /// The MIME type of a widget's view in `display_data`.
  static let viewMIMEType = "application/vnd.jupyter.widget-view+json"
}
