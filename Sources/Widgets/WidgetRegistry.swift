import ExecutorWire
import Foundation
import NotebookDisplay

// MARK: - The widgets of this process

/// The widgets whose comms are open, by model id; the frontend asks for their state through
/// the `jupyter.widget.control` comm when it (re)connects.
enum WidgetRegistry {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var widgets: [String: Widget] = [:]

  static func add(_ widget: Widget) {
    lock.withLock { widgets[widget.modelID] = widget }
  }

  static func remove(_ id: String) {
    _ = lock.withLock { widgets.removeValue(forKey: id) }
  }

  /// The open widgets, by model id.
  static var all: [String: Widget] { lock.withLock { widgets } }

  /// The `update_states` answer to `request_states`: every widget's model names and state.
  static func states() -> [String: JSONValue] {
    var states: [String: JSONValue] = [:]
    for (id, widget) in all {
      states[id] = [
        "model_name": .string(widget.spec.modelName), "model_module": .string(widget.spec.modelModule),
        "model_module_version": .string(widget.spec.modelModuleVersion),
        "state": .object(widget.snapshotState()),
      ]
    }
    return ["method": "update_states", "states": .object(states), "buffer_paths": []]
  }
}

// MARK: - Comm targets

/// The comm targets of the widget library.
public enum WidgetComms {
  /// Registers the comm targets a widget frontend opens: `jupyter.widget.control`, through
  /// which it asks for every widget's state (`request_states`). The executor calls it once.
  public static func registerTargets() {
    Comms.register(target: WidgetProtocol.controlTarget) { comm, payload in
      let version = payload.metadata["version"]?.stringValue ?? ""
      guard version.split(separator: ".").first.map(String.init) == WidgetProtocol.controlMajorVersion else {
        comm.close()
        throw WidgetStateError(
          widget: "jupyter.widget.control",
          problem: "control protocol version \(version) is not supported; expected 1.x")
      }
      comm.onMessage { [unowned comm] message in
        guard message.data["method"] == .string("request_states") else {
          throw WidgetStateError(
            widget: "jupyter.widget.control",
            problem: "unknown method \(message.data["method"]?.jsonText ?? "(none)"); expected request_states"
          )
        }
        comm.send(WidgetRegistry.states())
      }
    }
  }
}
