/// One epoch of training, as the history table shows it.
public struct EpochRecord: Equatable, Codable, Sendable {
  /// 1-based epoch number.
  public var epoch: Int
  /// Mean training loss (NLL + regularization, nats per sample).
  public var trainLoss: Float
  /// Mean training bits/dim (without the regularization term).
  public var trainBitsPerDim: Float
  /// Validation bits/dim in inference mode, when validation data was given.
  public var testBitsPerDim: Float?
  /// Training throughput over the steps this process timed in the epoch; nil when it timed
  /// none (a run resumed at the epoch's end).
  public var samplesPerSecond: Double?
  /// Seconds since training started, at the end of this epoch.
  public var wallSeconds: Double
  /// Optimizer steps taken so far.
  public var steps: Int
  /// The best-on-validation checkpoint written after this epoch, when its validation bits/dim
  /// beat every earlier epoch's (journal records only).
  public var bestCheckpoint: CheckpointReference?
}

/// Why training returned.
public enum StopReason: String, Codable, Sendable {
  /// All epochs ran.
  case completed
  /// Someone requested an interrupt; the history holds what was done.
  case interrupted
}

/// What a training run did: one row per epoch plus the loss of every step.
public struct TrainingHistory: Equatable, Codable, Sendable {
  /// Per-epoch rows.
  public var epochs: [EpochRecord] = []
  /// Loss of every optimizer step, in order.
  public var stepLosses: [Float] = []
  /// Why training returned.
  public var stopReason: StopReason = .completed

  /// An empty history.
  public init() {}

  /// The last epoch's validation bits/dim, else its training bits/dim.
  public var finalBitsPerDim: Float? {
    epochs.last.map { $0.testBitsPerDim ?? $0.trainBitsPerDim }
  }
}

/// A progress report, sent after every optimizer step.
public struct TrainingProgress: Sendable {
  /// Steps done so far (1-based).
  public var step: Int
  /// Steps planned in all.
  public var totalSteps: Int
  /// Current epoch (1-based).
  public var epoch: Int
  /// This step's loss.
  public var loss: Float
  /// This step's bits/dim.
  public var bitsPerDim: Float
  /// Throughput so far in this epoch.
  public var samplesPerSecond: Double
}

/// Raised when training cannot go on; parameters keep their last good values.
public enum TrainingError: Error, CustomStringConvertible {
  /// The loss or a gradient became NaN or infinite.
  case nonFinite(step: Int, loss: Float, gradientNorm: Float)
  /// The data has fewer samples than one batch.
  case notEnoughData(count: Int, batchSize: Int)
  /// Data-parallel training with a global batch that the ranks cannot share equally.
  case batchNotDivisible(batchSize: Int, worldSize: Int)
  /// Data-parallel ranks that start from different points (different resume checkpoints).
  case ranksDisagree(rank: Int, step: Int, epoch: Int, batch: Int)

  /// A sentence naming what went wrong.
  public var description: String {
    switch self {
    case .nonFinite(let step, let loss, let norm):
      return "Training stopped at step \(step): loss \(loss), gradient norm \(norm) is not finite. "
        + "Parameters keep their values from step \(step - 1); try a lower learning rate or gradient clipping."
    case .notEnoughData(let count, let batchSize):
      return "Training needs at least one batch of \(batchSize) samples, but the data has \(count)."
    case .batchNotDivisible(let batchSize, let worldSize):
      return "The global batch of \(batchSize) does not split into \(worldSize) equal shards, one per rank; "
        + "choose a batch size that is a multiple of \(worldSize)."
    case .ranksDisagree(let rank, let step, let epoch, let batch):
      return "Rank \(rank) starts at step \(step) (epoch \(epoch), batch \(batch)), but not every rank does; "
        + "give every rank the same resume checkpoint."
    }
  }
}
