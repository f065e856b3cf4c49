import Foundation

/// The outcome of re-running a recorded run from its record alone.
public struct ReplayReport: Equatable, Sendable {
  /// One compared epoch.
  public struct EpochComparison: Equatable, Sendable {
    /// Epoch number.
    public var epoch: Int
    /// Recorded and replayed training bits/dim.
    public var recordedTrain: Float, replayedTrain: Float
    /// Recorded and replayed validation bits/dim.
    public var recordedTest: Float?, replayedTest: Float?

    /// Whether every metric is bit-for-bit equal.
    public var matches: Bool { recordedTrain == replayedTrain && recordedTest == replayedTest }

    /// Largest absolute difference between recorded and replayed metrics.
    public var difference: Float {
      max(abs(recordedTrain - replayedTrain), abs((recordedTest ?? 0) - (replayedTest ?? 0)))
    }
  }

  /// The replayed run's id.
  public var runID: String
  /// Epoch by epoch.
  public var epochs: [EpochComparison]
  /// Environment fields that differ between the record and this process.
  public var environmentDifferences: [String]
  /// Whether the reloaded data has the recorded checksum.
  public var dataMatches: Bool

  /// True when every compared epoch matches exactly.
  public var matches: Bool { !epochs.isEmpty && epochs.allSatisfy(\.matches) }

  /// A few lines for a terminal or a notebook.
  public var summary: String {
    var lines = [
      matches
        ? "Replay of \(runID): the first \(epochs.count) epoch(s) match the record exactly."
        : "Replay of \(runID): metrics differ from the record."
    ]
    for e in epochs where !e.matches {
      lines.append(
        "  epoch \(e.epoch): train bits/dim \(e.recordedTrain) recorded vs \(e.replayedTrain) now "
          + "(difference \(e.difference))")
    }
    if !dataMatches { lines.append("  the data's checksum differs from the recorded one") }
    if !environmentDifferences.isEmpty {
      lines.append("  environment differs: " + environmentDifferences.joined(separator: "; "))
    }
    return lines.joined(separator: "\n")
  }
}

extension Journal {
  /// Re-runs the run `id` from its record (same model, seeds, data and options) for its first
  /// `epochs` epochs (default: all recorded ones) and compares the metrics. The replay itself
  /// is not written to any journal.
  public func replay(_ id: String, epochs: Int? = nil) throws -> ReplayReport {
    let record = try run(id)
    guard !record.epochs.isEmpty else {
      throw JournalError.cannotReplay(reason: "run \(record.id) recorded no finished epoch")
    }
    let data = try record.dataset.source.load()
    let validation = try record.validation.map { try $0.source.load() }
    let count = min(epochs ?? record.epochs.count, record.epochs.count)
    var options = record.options
    options.epochs = count
    let model = try record.model.makeModel()
    let history = try trainingLoop(
      model, on: data, validation: validation, options: options, reporter: nil, onEpoch: { _ in })
    let comparisons = zip(record.epochs, history.epochs).map { recorded, replayed in
      ReplayReport.EpochComparison(
        epoch: recorded.epoch, recordedTrain: recorded.trainBitsPerDim,
        replayedTrain: replayed.trainBitsPerDim,
        recordedTest: recorded.testBitsPerDim, replayedTest: replayed.testBitsPerDim)
    }
    return ReplayReport(
      runID: record.id, epochs: comparisons,
      environmentDifferences: record.environment.differences(from: .current()),
      dataMatches: data.fingerprint.checksum == record.dataset.checksum)
  }
}
