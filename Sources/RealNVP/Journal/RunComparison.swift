import Foundation

/// Runs side by side: the hyperparameters that differ between them, then their metrics.
public struct RunComparison: Equatable, Sendable {
  /// Column titles.
  public var columns: [String]
  /// One row per run, cells as text.
  public var rows: [[String]]

  /// A table of already formatted cells.
  public init(columns: [String], rows: [[String]]) {
    precondition(rows.allSatisfy { $0.count == columns.count }, "Every row needs \(columns.count) cells")
    self.columns = columns
    self.rows = rows
  }

  /// Compares `runs` in the given order.
  public init(_ runs: [RunRecord]) {
    let settings = runs.map(RunComparison.settings(of:))
    let keys = Set(settings.flatMap(\.keys)).sorted()
    let differing = keys.filter { key in Set(settings.map { $0[key] ?? "-" }).count > 1 }
    columns = ["run"] + differing + ["status", "epochs", "train bits/dim", "test bits/dim", "note"]
    rows = zip(runs, settings).map { run, values in
      let last = run.epochs.last
      return [run.id] + differing.map { values[$0] ?? "-" } + [
        run.status.rawValue, "\(run.epochs.count)",
        last.map { String(format: "%.4f", $0.trainBitsPerDim) } ?? "-",
        last?.testBitsPerDim.map { String(format: "%.4f", $0) } ?? "-",
        run.note,
      ]
    }
  }

  /// Every recorded setting of a run as flat name/value pairs.
  public static func settings(of run: RunRecord) -> [String: String] {
    var all = run.model.settings.merging(run.options.settings) { a, _ in a }
    all["configuration"] = run.configuration
    all["dataset"] = run.dataset.source.name
    all["datasetChecksum"] = run.dataset.checksum
    all["threads"] = "\(run.environment.threads)"
    return all
  }

  /// Aligned plain-text rendering for terminals.
  public var plainText: String {
    let table = [columns] + rows
    let widths = columns.indices.map { c in table.map { $0[c].count }.max() ?? 0 }
    return table.map { row in
      row.enumerated().map { c, cell in cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
        .joined(separator: "  ")
    }.joined(separator: "\n")
  }
}

/// One metric of one run over its epochs, ready to plot.
public struct MetricCurve: Equatable, Sendable {
  /// Legend label (the run id, or its note).
  public var label: String
  /// Epoch numbers.
  public var epochs: [Int]
  /// Metric values.
  public var values: [Float]
}

/// Which per-epoch metric to plot.
public enum RunMetric: String, CaseIterable, Sendable {
  /// Training bits/dim.
  case trainBitsPerDim = "train bits/dim"
  /// Validation bits/dim.
  case testBitsPerDim = "test bits/dim"
  /// Mean training loss.
  case trainLoss = "train loss"

  func value(_ e: EpochRecord) -> Float? {
    switch self {
    case .trainBitsPerDim: return e.trainBitsPerDim
    case .testBitsPerDim: return e.testBitsPerDim
    case .trainLoss: return e.trainLoss
    }
  }
}

extension Journal {
  /// Compares the runs with these ids (or id prefixes), in order.
  public func compare(_ ids: [String]) throws -> RunComparison {
    RunComparison(try ids.map { try run($0) })
  }

  /// One curve per run for `metric`, labeled by note when the run has one.
  public func curves(_ ids: [String], metric: RunMetric) throws -> [MetricCurve] {
    try ids.map { id in
      let run = try run(id)
      let points = run.epochs.compactMap { e in metric.value(e).map { (e.epoch, $0) } }
      return MetricCurve(
        label: run.note.isEmpty ? run.id : run.note, epochs: points.map(\.0), values: points.map(\.1))
    }
  }
}
