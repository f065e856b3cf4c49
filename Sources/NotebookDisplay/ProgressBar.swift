// A live progress bar: one notebook display updated in place, one terminal line rewritten with \r,
// or, when standard error is a file or a pipe, a plain line every few seconds.

import Foundation

// MARK: - Progress bar

/// Shows the progress of a loop. In a notebook it sends one display with a display id, then throttled
/// updates of it, and a final summary; in a terminal it rewrites one line on standard error; into a
/// log (standard error is not a terminal) it writes a plain line every `logInterval` seconds.
public final class ProgressBar: @unchecked Sendable {
  /// Where the bar is shown.
  public enum Mode: Sendable, Equatable {
    /// Display events with a display id (`DisplayChannel.show`).
    case notebook
    /// One line on a text stream, rewritten with a carriage return.
    case terminal
    /// Plain lines on a text stream that is not a terminal (a log file, `nohup`): one every
    /// `logInterval` seconds, and the summary.
    case log
  }

  /// The mode a new bar takes: notebook when `DisplayChannel.isNotebook`, terminal when
  /// standard error is a terminal, else log.
  public static var defaultMode: Mode {
    DisplayChannel.isNotebook ? .notebook : isatty(STDERR_FILENO) != 0 ? .terminal : .log
  }

  /// Seconds on a monotonic clock.
  public static func monotonicSeconds() -> Double { ProcessInfo.processInfo.systemUptime }

  /// Writes to standard error and flushes.
  public static func writeToStandardError(_ text: String) {
    fputs(text, stderr)
    fflush(stderr)
  }

  /// Steps planned.
  public let total: Int
  /// Label in front of the bar.
  public let label: String
  /// Where the bar is shown.
  public let mode: Mode
  /// The notebook display id that every update of this bar uses.
  public let displayID: String
  /// Least time between two shown updates, in seconds.
  public let minimumInterval: Double
  /// Least time between two lines in log mode, in seconds.
  public let logInterval: Double

  private let clock: () -> Double
  private let write: (String) -> Void
  private let start: Double
  private let lock = NSLock()
  private var current: ProgressState
  private var lastShown: Double?
  private var lastLineLength = 0

  /// A bar for `total` steps; `clock` and `write` (terminal output) can be replaced, e.g. in tests.
  public init(
    total: Int, label: String = "", mode: Mode = ProgressBar.defaultMode, minimumInterval: Double = 0.25,
    logInterval: Double = 10, clock: @escaping () -> Double = ProgressBar.monotonicSeconds,
    write: @escaping (String) -> Void = ProgressBar.writeToStandardError
  ) {
    precondition(total >= 0, "ProgressBar: total must be >= 0, got \(total)")
    (self.total, self.label, self.mode, self.minimumInterval) = (total, label, mode, minimumInterval)
    self.logInterval = logInterval
    (self.clock, self.write) = (clock, write)
    self.displayID = "realnvp-progress-" + UUID().uuidString.lowercased()
    self.start = clock()
    self.current = ProgressState(
      label: label, step: 0, total: total, values: [], elapsed: 0, isFinished: false)
  }

  /// The latest state (shown or not).
  public var state: ProgressState { lock.withLock { current } }

  /// Records that `step` steps are done with the latest `values`; shows it at most every
  /// `minimumInterval` seconds (`logInterval` in log mode; the first update is always shown).
  /// Ignored after `finish()`.
  public func update(step: Int, values: [(String, Double)] = []) {
    lock.withLock {
      guard !current.isFinished else { return }
      let now = clock()
      current.step = step
      current.values = values.map { (name: $0.0, value: $0.1) }
      current.elapsed = now - start
      if let lastShown, now - lastShown < (mode == .log ? logInterval : minimumInterval) { return }
      show(now: now)
    }
  }

  /// Shows the final summary (with `values` if given) and ends the bar; later calls do nothing.
  public func finish(values: [(String, Double)]? = nil) {
    lock.withLock {
      guard !current.isFinished else { return }
      let now = clock()
      if let values { current.values = values.map { (name: $0.0, value: $0.1) } }
      current.elapsed = now - start
      current.isFinished = true
      show(now: now)
    }
  }

  // MARK: - Output

  /// Sends the current state: the first time as a display, later as updates (caller holds the lock).
  private func show(now: Double) {
    switch mode {
    case .notebook:
      let bundle = current.mimeBundle()
      DisplayChannel.show(lastShown == nil ? .display(bundle, id: displayID) : .update(bundle, id: displayID))
    case .terminal:
      let line = current.text
      let clearing = String(repeating: " ", count: max(0, lastLineLength - line.count))
      write("\r" + line + clearing + (current.isFinished ? "\n" : ""))
      lastLineLength = line.count
    case .log:
      write(current.text + "\n")
    }
    lastShown = now
  }
}
