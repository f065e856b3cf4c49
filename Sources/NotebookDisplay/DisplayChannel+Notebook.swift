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
