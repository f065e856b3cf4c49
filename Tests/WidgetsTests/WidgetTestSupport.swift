import ExecutorWire
import NotebookDisplay
import XCTest

@testable import Widgets

/// Records what widgets send to the frontend, in place of the executor's display channel.
final class FrontendRecorder {
  private(set) var events: [DisplayEvent] = []
  private let saved: (DisplayEvent) -> Void

  /// Starts recording; `stop()` puts the previous presenter back.
  init() {
    saved = DisplayChannel.send
    DisplayChannel.send = { [unowned self] event in self.events.append(event) }
  }

  func stop() { DisplayChannel.send = saved }

  /// Forgets what was recorded so far.
  func reset() { events = [] }

  /// The comm messages sent, in order.
  var comms: [CommMessage] {
    events.compactMap { if case .comm(let message) = $0 { return message } else { return nil } }
  }

  /// The `data` of each comm_msg sent on comm `id`.
  func messages(on id: String) -> [[String: JSONValue]] {
    comms.compactMap {
      if case .message(let commID, let payload) = $0, commID == id { return payload.data }
      return nil
    }
  }

  /// The errors shown, as `ename: evalue`.
  var errors: [String] {
    events.compactMap {
      if case .error(let ename, let evalue, _) = $0 { return "\(ename): \(evalue)" } else { return nil }
    }
  }
}

/// A `comm_msg` from the frontend on a widget's comm.
@discardableResult
func frontendSends(_ data: [String: JSONValue], to widget: Widget) -> Bool {
  Comms.receive(.message(commID: widget.modelID, CommPayload(data: data)))
}

/// The frontend's `update` of `state` on a widget's comm.
@discardableResult
func frontendUpdates(_ widget: Widget, _ state: [String: JSONValue]) -> Bool {
  frontendSends(["method": "update", "state": .object(state), "buffer_paths": []], to: widget)
}
