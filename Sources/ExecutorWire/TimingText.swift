import Foundation

// MARK: - Durations as text

/// Durations written the way IPython writes them: the compile time the kernel reports and the
/// run times that `%time` and `%timeit` print in the executor.
public enum TimingText {
  /// Seconds with three significant digits and a unit (`1.23 s`, `12.3 ms`, `456 µs`).
  public static func format(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds > 0 else { return "0 ns" }
    let units: [(String, Double)] = [("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)]
    let (name, scale) = units.first { seconds >= $0.1 } ?? units[units.count - 1]
    let value = seconds / scale
    let digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
    return String(format: "%.\(digits)f", value) + " " + name
  }
}
