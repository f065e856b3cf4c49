import TensorCore

/// Where a training run stands between two steps: enough, with the model's tensors and the
/// optimizer's state, to continue it exactly as if it had never stopped.
public struct TrainingPosition: Codable, Equatable {
  /// The epoch under way (1-based).
  public var epoch: Int
  /// The index in that epoch of the next batch.
  public var batch: Int
  /// The data-order stream as it was at the start of the epoch under way (the epoch's order is
  /// drawn from it again on resume).
  public var order: RandomGenerator
  /// The dequantization-noise stream.
  public var noise: RandomGenerator
  /// The horizontal-flip stream.
  public var flips: RandomGenerator
  /// Sums over the epoch so far: training loss, NLL, and the steps they cover.
  public var lossSum: Float, nllSum: Float, seen: Int
  /// The finished epochs and every step's loss so far.
  public var history: TrainingHistory

  /// The start of a run: epoch 1, batch 0, the three streams forked from `seed` (order, noise,
  /// flips, in that order).
  public init(seed: UInt64) {
    var root = RandomGenerator(seed: seed)
    order = root.fork()
    noise = root.fork()
    flips = root.fork()
    (epoch, batch, lossSum, nllSum, seen, history) = (1, 0, 0, 0, 0, TrainingHistory())
  }
}

/// A training run's state at a step: the position and the optimizer's moments. With the model's
/// own tensors it resumes the run bit for bit (at the same thread count).
public struct TrainingResume: Equatable {
  /// Where the run stands.
  public var position: TrainingPosition
  /// The optimizer's step count and moments.
  public var optimizer: Adam.State
  /// The journal id of the run this point belongs to; a run resumed from it continues that
  /// journal entry as a new segment.
  public var runID: String?

  /// A resume point.
  public init(position: TrainingPosition, optimizer: Adam.State, runID: String? = nil) {
    (self.position, self.optimizer, self.runID) = (position, optimizer, runID)
  }
}
