// The contract between library code that shows things and whoever presents them: the
// notebook executor (which forwards events to the kernel) or a terminal (the default).

/// A value rendered for a notebook: MIME type to payload, plus per-type metadata.
///
/// `text/plain` is always present. Binary payloads (image/png) are base64 strings, as the
/// Jupyter protocol carries them; JSON payloads (`application/json`, Vega-Lite, ...) are
/// `DisplayJSON` values in `json`.
public struct MimeBundle: Equatable, Sendable {
  /// MIME type to payload, e.g. `["text/plain": "...", "image/png": "<base64>"]`.
  public var data: [String: String]
  /// MIME type to metadata, e.g. `["image/png": ["width": 280, "height": 280]]`.
  public var metadata: [String: [String: Int]]
  /// MIME type to JSON payload, e.g. `["application/json": ["a": 1]]`; sent as JSON, not text.
  public var json: [String: DisplayJSON] = [:]
  /// Metadata of any JSON shape, e.g. `["text/html": ["isolated": true]]`; merged over `metadata`.
  public var jsonMetadata: [String: DisplayJSON] = [:]

  /// Creates a bundle; `data` should hold a `text/plain` entry.
  public init(data: [String: String], metadata: [String: [String: Int]] = [:]) {
    self.data = data
    self.metadata = metadata
  }

  /// Creates a bundle with string and JSON payloads and metadata of any JSON shape.
  public init(
    data: [String: String], json: [String: DisplayJSON], metadata: [String: DisplayJSON] = [:]
  ) {
    self.data = data
    self.metadata = [:]
    self.json = json
    self.jsonMetadata = metadata
  }

  /// A bundle holding only plain text.
  public init(plainText: String) {
    self.init(data: ["text/plain": plainText])
  }
}

/// A type that knows how to show itself in a notebook.
public protocol NotebookRenderable {
  /// The MIME bundle that presents this value.
  func mimeBundle() -> MimeBundle
}

/// One thing for the presenter to show.
public enum DisplayEvent: Equatable, Sendable {
  /// A new output (Jupyter `display_data`), optionally with a display id to update later.
  case display(MimeBundle, id: String?)
  /// Replaces the output shown under `id` (Jupyter `update_display_data`).
  case update(MimeBundle, id: String)
  /// Clears the cell's output; with `wait`, only when the next output arrives.
  case clearOutput(wait: Bool)
  /// The value of a cell's final expression (Jupyter `execute_result`).
  case result(MimeBundle)
}

/// Where display events go. The notebook executor replaces `send` at start-up; outside a
/// kernel the default prints the plain-text form to standard output.
public enum DisplayChannel {
  /// The presenter. Replace it to capture events (the executor and tests do).
  nonisolated(unsafe) public static var send: (DisplayEvent) -> Void = DisplayChannel.printPlainText

  /// The default presenter: prints `text/plain` of displays and results.
  public static func printPlainText(_ event: DisplayEvent) {
    switch event {
    case .display(let bundle, _), .update(let bundle, _), .result(let bundle):
      print(bundle.data["text/plain"] ?? "")
    case .clearOutput:
      break
    }
  }
}

/// Renders a value: its own bundle if it adopts `NotebookRenderable`, else its description.
public func mimeBundle<T>(for value: T) -> MimeBundle {
  if let renderable = value as? NotebookRenderable { return renderable.mimeBundle() }
  return MimeBundle(plainText: String(describing: value))
}

/// Shows a value in the notebook (or prints it outside one).
public func display<T>(_ value: T, id: String? = nil) {
  DisplayChannel.send(.display(mimeBundle(for: value), id: id))
}

/// Replaces what was shown under a display id.
public func updateDisplay<T>(_ value: T, id: String) {
  DisplayChannel.send(.update(mimeBundle(for: value), id: id))
}

/// Clears the current cell's output.
public func clearOutput(wait: Bool = false) {
  DisplayChannel.send(.clearOutput(wait: wait))
}

/// Called by generated cell code with the value of the cell's last expression.
public func publishCellResult<T>(_ value: T) {
  DisplayChannel.send(.result(mimeBundle(for: value)))
}
