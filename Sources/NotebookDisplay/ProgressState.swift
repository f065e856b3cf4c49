// A snapshot of a progress bar: what it shows as text (terminal) and as HTML (notebook).

import Foundation

// MARK: - Progress snapshot

/// Where a loop stands: step of total, latest values, elapsed time; renders as a bar with rate and ETA.
public struct ProgressState: NotebookRenderable, Sendable {
  /// Label in front of the bar.
  public var label: String
  /// Steps done.
  public var step: Int
  /// Steps planned.
  public var total: Int
  /// Latest named values, e.g. `[("loss", 1.23)]`.
  public var values: [(name: String, value: Double)]
  /// Seconds since the bar was created.
  public var elapsed: Double
  /// Whether the loop has finished (the summary form).
  public var isFinished: Bool

  /// A snapshot.
  public init(
    label: String, step: Int, total: Int, values: [(name: String, value: Double)], elapsed: Double,
    isFinished: Bool
  ) {
    (self.label, self.step, self.total, self.values) = (label, step, total, values)
    (self.elapsed, self.isFinished) = (elapsed, isFinished)
  }

  /// Fraction done, 0...1.
  public var fraction: Double { total > 0 ? min(1, max(0, Double(step) / Double(total))) : 1 }

  /// Steps per second so far, or nil before any time has passed.
  public var rate: Double? { elapsed > 0 && step > 0 ? Double(step) / elapsed : nil }

  /// Seconds left at the current rate, or nil when unknown.
  public var eta: Double? { rate.map { Double(max(0, total - step)) / $0 } }

  /// "loss 1.234  lr 0.0005"
  var valuesText: String {
    values.map { "\($0.name) \(String(format: "%.4g", $0.value))" }.joined(separator: "  ")
  }

  /// "12.3 it/s" or "0.45 s/it" for slow loops.
  var rateText: String? {
    guard let rate else { return nil }
    return rate >= 1 ? String(format: "%.1f it/s", rate) : String(format: "%.2f s/it", 1 / rate)
  }

  /// One line: `label  37/100 [#########...]  37%  loss 1.234  12.3 it/s  ETA 0:05`, or the summary.
  public var text: String {
    let prefix = label.isEmpty ? "" : label + "  "
    let counter = "\(step)/\(total)"
    if isFinished {
      let verb = step >= total ? "done in" : "stopped after"
      var parts = [
        "\(prefix)\(counter) \(verb) \(formatDuration(elapsed))" + (rateText.map { " (\($0))" } ?? "")
      ]
      if !values.isEmpty { parts.append(valuesText) }
      return parts.joined(separator: "  ")
    }
    let width = 24
    let filled = Int((fraction * Double(width)).rounded(.down))
    let bar =
      "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    var parts = [prefix + counter + " " + bar, String(format: "%3.0f%%", fraction * 100)]
    if !values.isEmpty { parts.append(valuesText) }
    if let rateText { parts.append(rateText) }
    if let eta { parts.append("ETA " + formatDuration(eta)) }
    return parts.joined(separator: "  ")
  }

  /// A div bar (filled to `fraction`) followed by the text line, all escaped.
  public var html: String {
    let color = isFinished && step < total ? "#d62728" : "#1f77b4"
    let percent = String(format: "%.1f", fraction * 100)
    return
      "<div class=\"realnvp-progress\" style=\"font-family: monospace; font-size: 13px; line-height: 18px\">"
      + "<div style=\"display: inline-block; width: 240px; height: 12px; border: 1px solid #999; "
      + "background: #eee; vertical-align: middle; margin-right: 8px\">"
      + "<div style=\"width: \(percent)%; height: 100%; background: \(color)\"></div></div>"
      + "<span>\(escapeHTML(text))</span></div>"
  }

  /// `text/html` (bar) and `text/plain` (line).
  public func mimeBundle() -> MimeBundle {
    MimeBundle(data: [MimeType.html: html, MimeType.plainText: text])
  }
}
