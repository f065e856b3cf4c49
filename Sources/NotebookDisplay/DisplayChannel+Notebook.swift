// Whether display events reach a notebook front end, so that live output (progress bars) can choose
// between display-id updates and a terminal line.

import Foundation

// MARK: - Notebook detection

extension DisplayChannel {
  /// Whether a notebook presents display events. The executor sets it (or calls `connectNotebook`);
  /// it starts true when the environment variable `REALNVP_NOTEBOOK` is `1`.
  nonisolated(unsafe) public static var isNotebook: Bool =
    ProcessInfo.processInfo.environment["REALNVP_NOTEBOOK"] == "1"

  /// Routes every display event to `presenter` and marks the process as running inside a notebook.
  public static func connectNotebook(_ presenter: @escaping (DisplayEvent) -> Void) {
    send = presenter
    isNotebook = true
  }
}

// MARK: - Whose outputs

extension DisplayChannel {
  private static let parentLock = NSLock()
  nonisolated(unsafe) private static var parentStorage = ""

  /// The msg_id of the request whose outputs this process shows now: the running cell's
  /// execute request, or the frontend's comm message that a widget's callback handles. Empty
  /// outside a kernel. The executor sets it; an `Output` widget that captures outputs shows it
  /// to the frontend.
  public static var parentMessageID: String {
    get { parentLock.withLock { parentStorage } }
    set { parentLock.withLock { parentStorage = newValue } }
  }
}
