import ExecutorWire
import Foundation
import NotebookDisplay

// MARK: - Errors in what the frontend sends

/// A widget message from the frontend that cannot be applied: the widget, what was wrong, and
/// what was expected. Shown in the widget's output (or under the message), never fatal.
public struct WidgetStateError: Error, Equatable, CustomStringConvertible {
  /// The widget's class name.
  public var widget: String
  /// What was wrong and what was expected.
  public var problem: String

  /// `FloatSlider: value must be a number, got "abc"`.
  public var description: String { "\(widget): \(problem)" }
}

// MARK: - Messages from the frontend

extension Widget {
  /// Handles one message on the widget's comm: `update` (state from the frontend, answered with
  /// `echo_update`), `request_state` (answered with the whole state) or `custom` (see
  /// `receiveCustom`). A malformed message is reported where the widget's callbacks report.
  func receive(_ payload: CommPayload) {
    do {
      switch payload.data["method"] {
      case .string("update"):
        guard case .object(var update)? = payload.data["state"] else {
          throw problem("an update needs a 'state' object, got \(payload.data["state"]?.jsonText ?? "none")")
        }
        try insertBuffers(into: &update, paths: payload.data["buffer_paths"], buffers: payload.buffers)
        try applyFromFrontend(update)
      case .string("request_state"):
        send(["method": "update", "state": .object(snapshotState()), "buffer_paths": []])
      case .string("custom"):
        try receiveCustom(payload.data["content"] ?? .null)
      default:
        throw problem(
          "unknown message method \(payload.data["method"]?.jsonText ?? "(none)"); "
            + "expected update, request_state or custom")
      }
    } catch let error as WidgetStateError {
      report(ename: "WidgetStateError", evalue: error.problem, traceback: ["WidgetStateError: \(error)"])
    } catch {
      showError(error)
    }
  }

  /// An error about this widget.
  func problem(_ text: String) -> WidgetStateError {
    WidgetStateError(widget: String(describing: Self.self), problem: text)
  }

  /// Applies the frontend's values: echoes those it accepts, sets them (running observers), and
  /// for rejected ones re-sends the value kept, then throws what was wrong.
  private func applyFromFrontend(_ update: [String: JSONValue]) throws {
    var accepted: [String: JSONValue] = [:]
    var problems: [String] = []
    for (key, value) in update.sorted(by: { $0.key < $1.key }) {
      guard hasProperty(key), !WidgetSpec.fixedKeys.contains(key) else { continue }
      do {
        accepted[key] = try validated(key, value)
      } catch {
        problems.append(error.problem)
      }
    }
    if !accepted.isEmpty {
      send(["method": "echo_update", "state": .object(accepted), "buffer_paths": []])
      applyingFrontendValues(accepted) {
        for (key, value) in accepted.sorted(by: { $0.key < $1.key }) { set(key, value) }
      }
    }
    guard problems.isEmpty else {
      let rejected = update.keys.filter { hasProperty($0) && accepted[$0] == nil }
      let kept = snapshotState().filter { rejected.contains($0.key) }
      send(["method": "update", "state": .object(kept), "buffer_paths": []])
      throw problem(problems.joined(separator: "; "))
    }
  }

  /// `value` for property `key` if its JSON kind matches the current value's (integers pass as
  /// numbers, a property that is null now takes anything), else why not.
  func matchingKind(_ key: String, _ value: JSONValue) throws(WidgetStateError) -> JSONValue {
    let current = self[key]
    switch (current, value) {
    case (.null, _), (.bool, .bool), (.int, .int), (.double, .double), (.string, .string),
      (.array, .array), (.object, .object):
      return value
    case (.double, .int(let whole)):
      return .double(Double(whole))
    case (.int, .double(let number)) where number.rounded() == number && abs(number) < 1e15:
      return .int(Int(number))
    default:
      throw problem("\(key) must be \(Self.kind(of: current)), got \(value.jsonText)")
    }
  }

  /// The JSON kind of a value, for messages.
  static func kind(of value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case .bool: return "true or false"
    case .int: return "an integer"
    case .double: return "a number"
    case .string: return "a string"
    case .array: return "a list"
    case .object: return "an object"
    }
  }

  /// Puts binary buffers into the state at their `buffer_paths` (each path a list of keys and
  /// indices), as base64 strings.
  private func insertBuffers(
    into state: inout [String: JSONValue], paths: JSONValue?, buffers: [Data]
  ) throws {
    guard let paths, paths != .null else { return }
    guard case .array(let list) = paths, list.count <= buffers.count else {
      throw problem("buffer_paths \(paths.jsonText) does not match the \(buffers.count) buffers")
    }
    for (path, buffer) in zip(list, buffers) {
      guard case .array(let steps) = path, case .string(let key)? = steps.first else {
        throw problem("a buffer path must be a list starting with a key, got \(path.jsonText)")
      }
      var root = state[key] ?? .null
      try Self.put(.string(buffer.base64EncodedString()), at: steps.dropFirst(), in: &root)
      state[key] = root
    }
  }

  private static func put(_ value: JSONValue, at steps: ArraySlice<JSONValue>, in target: inout JSONValue)
    throws
  {
    guard let step = steps.first else {
      target = value
      return
    }
    switch (step, target) {
    case (.string(let key), .object(var members)):
      var child = members[key] ?? .null
      try put(value, at: steps.dropFirst(), in: &child)
      members[key] = child
      target = .object(members)
    case (.int(let index), .array(var elements)) where elements.indices.contains(index):
      try put(value, at: steps.dropFirst(), in: &elements[index])
      target = .array(elements)
    default:
      throw WidgetStateError(
        widget: "Widget", problem: "buffer path step \(step.jsonText) does not fit the state")
    }
  }
}
