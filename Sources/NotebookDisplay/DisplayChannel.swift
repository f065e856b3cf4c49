import ExecutorWire
import Foundation

// The contract between library code that shows things and whoever presents them: the
// notebook executor (which forwards events to the kernel) or a terminal (the default).

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
  /// A comm message to the frontend (see `Comm`).
  case comm(CommMessage)
  /// An error shown as an output (Jupyter `error`), such as one a widget's callback threw.
  case error(ename: String, evalue: String, traceback: [String])
}

/// Where display events go. The notebook executor replaces `send` at start-up; outside a
/// kernel the default prints the plain-text form to standard output.
public enum DisplayChannel {
  /// The presenter. Replace it to capture events (the executor and tests do).
  nonisolated(unsafe) public static var send: (DisplayEvent) -> Void = DisplayChannel.printPlainText

  /// Shows an event: the innermost capture of this thread that takes it (see `capturing`) gets
  /// it, else the presenter. Comm messages always go to the presenter.
  public static func show(_ event: DisplayEvent) {
    if case .comm = event { return send(event) }
    for sink in Captures.ofThisThread.sinks.reversed() where sink(event) { return }
    send(event)
  }

  /// Runs `body` with the events this thread shows (`show`) offered to `sink` first; `sink`
  /// returns whether it took the event, and one it leaves goes to the next capture out or to
  /// the presenter. Other threads' events are not offered to it.
  public static func capturing<Result>(
    into sink: @escaping (DisplayEvent) -> Bool, _ body: () throws -> Result
  ) rethrows -> Result {
    let captures = Captures.ofThisThread
    captures.sinks.append(sink)
    defer { captures.sinks.removeLast() }
    return try body()
  }

  /// The capture sinks of one thread, innermost last.
  private final class Captures {
    var sinks: [(DisplayEvent) -> Bool] = []

    static var ofThisThread: Captures {
      let key = "NotebookDisplay.DisplayChannel.captures"
      if let captures = Thread.current.threadDictionary[key] as? Captures { return captures }
      let captures = Captures()
      Thread.current.threadDictionary[key] = captures
      return captures
    }
  }

  /// The default presenter: prints `text/plain` of displays and results.
  public static func printPlainText(_ event: DisplayEvent) {
    switch event {
    case .display(let bundle, _), .update(let bundle, _), .result(let bundle):
      print(bundle.data["text/plain"] ?? "")
    case .error(let ename, let evalue, _):
      FileHandle.standardError.write(Data("\(ename): \(evalue)\n".utf8))
    case .clearOutput, .comm:
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
  DisplayChannel.show(.display(mimeBundle(for: value), id: id))
}

/// Replaces what was shown under a display id.
public func updateDisplay<T>(_ value: T, id: String) {
  DisplayChannel.show(.update(mimeBundle(for: value), id: id))
}

/// Clears the current cell's output.
public func clearOutput(wait: Bool = false) {
  DisplayChannel.show(.clearOutput(wait: wait))
}

/// Called by generated cell code with the value of the cell's last expression.
public func publishCellResult<T>(_ value: T) {
  DisplayChannel.show(.result(mimeBundle(for: value)))
}
