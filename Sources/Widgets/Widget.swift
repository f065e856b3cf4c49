import ExecutorWire
import Foundation
import NotebookDisplay

// MARK: - Widget

/// A Jupyter widget: a model whose properties sync with the frontend over one comm (target
/// `jupyter.widget`, the ipywidgets 8 protocol), shown wherever it is displayed.
///
/// Subclasses declare their synced properties as state keys with defaults and typed
/// accessors over `self[key]`. The comm opens when the widget is first displayed (or put in a
/// box that is): setting properties before that only changes the state it opens with. A
/// change from either side runs the observers of its key; a change made here is sent as an
/// `update`, one that came from the frontend is answered with `echo_update`.
public class Widget: NotebookRenderable, @unchecked Sendable {
  /// The model's id, which is also its comm's id.
  public let modelID: String
  /// The model and view the frontend makes for it.
  public let spec: WidgetSpec
  let lock = NSLock()
  private var state: [String: JSONValue]
  private var comm: Comm?
  /// The keys and values of the frontend's update being applied (not sent back).
  private var applying: [String: JSONValue] = [:]
  private var observers: [String: [(JSONValue) -> Void]] = [:]
  /// Where this widget's callbacks show their output and errors, and whether each run
  /// replaces what it showed before (`onChange(in:)`, `interact`).
  private var callbackHome: (output: Output, replaces: Bool)?

  /// A widget of `spec` whose synced properties start as `state` (the spec's keys are added).
  init(spec: WidgetSpec, state: [String: JSONValue]) {
    self.modelID = Comm.newID()
    self.spec = spec
    self.state = state.merging(spec.state) { _, fixed in fixed }
    self.state["_dom_classes"] = self.state["_dom_classes"] ?? []
    self.state["tabbable"] = self.state["tabbable"] ?? .null
    self.state["tooltip"] = self.state["tooltip"] ?? .null
  }

  // MARK: - State

  /// The value of synced property `key`.
  subscript(key: String) -> JSONValue {
    lock.withLock {
      guard let value = state[key] else {
        preconditionFailure("\(Self.self) has no synced property '\(key)'")
      }
      return value
    }
  }

  /// Sets synced property `key`: sends it to the frontend (unless it is what the frontend just
  /// sent) and runs the key's observers, when the value changed.
  func set(_ key: String, _ value: JSONValue) {
    let (changed, comm) = lock.withLock { () -> (Bool, Comm?) in
      guard let old = state[key] else {
        preconditionFailure("\(Self.self) has no synced property '\(key)'")
      }
      guard old != value else { return (false, nil) }
      state[key] = value
      return (true, applying[key] == value ? nil : self.comm)
    }
    guard changed else { return }
    comm?.send(["method": "update", "state": [key: value], "buffer_paths": []])
    for observer in lock.withLock({ observers[key] ?? [] }) { observer(value) }
  }

  /// The whole state, without `excluded` keys.
  func snapshotState(excluding excluded: Set<String> = []) -> [String: JSONValue] {
    lock.withLock { state.filter { !excluded.contains($0.key) } }
  }

  /// Whether `key` is a synced property.
  func hasProperty(_ key: String) -> Bool {
    lock.withLock { state[key] != nil }
  }

  /// Runs `observer` with the new value whenever property `key` changes, from either side.
  func observe(_ key: String, _ observer: @escaping (JSONValue) -> Void) {
    lock.withLock { observers[key, default: []].append(observer) }
  }

  /// Runs `body` as the frontend's update `values`: setting a key to the value in it sends
  /// nothing back.
  func applyingFrontendValues(_ values: [String: JSONValue], _ body: () -> Void) {
    lock.withLock { applying = values }
    defer { lock.withLock { applying = [:] } }
    body()
  }

  // MARK: - What the frontend may send

  /// `value` for property `key` as this widget keeps it, or why it cannot take it: the JSON
  /// kind must match (`matchingKind`); subclasses also check ranges.
  func validated(_ key: String, _ value: JSONValue) throws(WidgetStateError) -> JSONValue {
    try matchingKind(key, value)
  }

  /// A custom message from the frontend (`method: custom`); the base widget expects none.
  func receiveCustom(_ content: JSONValue) throws {
    throw problem("unexpected custom message \(content.jsonText)")
  }

  // MARK: - Widgets this one refers to

  /// Widgets whose models this one names in its state (`IPY_MODEL_<id>`): they are opened
  /// before it.
  var referencedWidgets: [Widget] { [] }

  /// How a model names another in its state.
  static func reference(to widget: Widget) -> JSONValue {
    .string("IPY_MODEL_\(widget.modelID)")
  }

  // MARK: - The comm

  /// Opens the widget's comm (after those of the widgets it refers to), sending its whole
  /// state; later calls do nothing.
  func open() {
    let comm: Comm? = lock.withLock {
      guard self.comm == nil else { return nil }
      let made = Comm(target: WidgetProtocol.target, id: modelID)
      self.comm = made
      return made
    }
    guard let comm else { return }
    for widget in referencedWidgets { widget.open() }
    comm.onMessage { [self] payload in receive(payload) }
    comm.onClose { [self] _ in detach() }
    comm.onRecover { [self] in resendState() }
    comm.onFailure { [self] failure in
      report(ename: failure.ename, evalue: failure.evalue, traceback: failure.traceback)
    }
    WidgetRegistry.add(self)
    comm.open(
      data: ["state": .object(snapshotState()), "buffer_paths": []],
      metadata: ["version": .string(WidgetProtocol.version)])
  }

  /// Whether the widget's comm is open.
  public var isOpen: Bool { lock.withLock { comm?.isOpen ?? false } }

  /// Closes the widget's comm; the frontend removes its views. Setting properties afterwards
  /// only changes this side.
  public func close() {
    let comm = lock.withLock { self.comm }
    comm?.close()
    detach()
  }

  private func detach() {
    WidgetRegistry.remove(modelID)
  }

  /// Sends a message on the widget's comm, if it is open.
  func send(_ data: [String: JSONValue]) {
    lock.withLock { comm }?.send(data)
  }

  /// Sends the whole state as an `update`.
  func resendState() {
    send(["method": "update", "state": .object(snapshotState()), "buffer_paths": []])
  }

  // MARK: - Display

  /// The widget's view: opens the comm and names the model in
  /// `application/vnd.jupyter.widget-view+json` (version 2), with a text form.
  public func mimeBundle() -> MimeBundle {
    open()
    let view: JSONValue = ["version_major": 2, "version_minor": 0, "model_id": .string(modelID)]
    return MimeBundle(
      data: ["text/plain": description], json: [WidgetProtocol.viewMIMEType: view])
  }

  /// `Name(key=value, ...)` of the public properties, for the text form.
  public var description: String {
    let keys = snapshotState().keys.filter { !$0.hasPrefix("_") && !["layout", "style"].contains($0) }
    let parts = keys.sorted().map { "\($0)=\(self[$0].jsonText)" }
    return "\(Self.self)(\(parts.joined(separator: ", ")))"
  }

  // MARK: - Callbacks

  /// Makes `output` the place where this widget's callbacks show their output and errors;
  /// with `replaces`, each run replaces what the last one showed.
  func showCallbacks(in output: Output, replaces: Bool) {
    lock.withLock { callbackHome = (output, replaces) }
  }

  /// Runs a callback of this widget: captured by its output when it has one, else shown
  /// under the message that triggered it. An error it throws is shown the same way.
  func runCallback(_ body: () throws -> Void) {
    if let home = lock.withLock({ callbackHome }) {
      home.output.capture(clear: home.replaces, body)
    } else {
      do { try body() } catch { showError(error) }
    }
  }

  /// Shows an error where this widget's callbacks show theirs.
  func report(ename: String, evalue: String, traceback: [String]) {
    runCallback { DisplayChannel.show(.error(ename: ename, evalue: evalue, traceback: traceback)) }
  }
}

/// Shows a thrown error as an error output.
func showError(_ error: Error) {
  let name = String(describing: type(of: error))
  DisplayChannel.show(.error(ename: name, evalue: "\(error)", traceback: ["\(name): \(error)"]))
}
