import TensorCore

/// Hyperparameters of a training run (everything a run record needs to repeat it).
public struct TrainingOptions: Equatable, Codable, Sendable {
  /// Passes over the training data.
  public var epochs: Int
  /// Samples per optimizer step.
  public var batchSize: Int
  /// Adam's learning rate.
  public var learningRate: Float
  /// Multiply the learning rate by `decayFactor` every `decayEvery` steps (nil: constant).
  public var decayEvery: Int?
  /// The step-decay factor.
  public var decayFactor: Float
  /// Raise the learning rate linearly over this many first steps (nil: from the first step).
  public var warmupSteps: Int?
  /// Clip the global gradient norm to this value (nil: no clipping).
  public var maxGradientNorm: Float?
  /// Seed of data order, dequantization noise and augmentation.
  public var seed: UInt64
  /// Random horizontal flips of image batches.
  public var horizontalFlips: Bool
  /// Cap on steps per epoch (nil: every full batch), for quick runs.
  public var maxStepsPerEpoch: Int?
  /// Cap on validation samples (nil: all).
  public var maxValidationSamples: Int?
  /// The convolutions' precision while training (nil: fp32; bf16 runs as fp32 where the CPU has
  /// no AVX512_BF16, see `ComputeBackend.convolutionPrecision`). Validation runs in the same.
  public var precision: Precision?

  /// Creates options; the defaults are the post's (Adam, lr 5e-4, constant).
  public init(
    epochs: Int, batchSize: Int, learningRate: Float = 5e-4, decayEvery: Int? = nil, decayFactor: Float = 0.5,
    maxGradientNorm: Float? = nil, seed: UInt64 = 0, horizontalFlips: Bool = false,
    maxStepsPerEpoch: Int? = nil, maxValidationSamples: Int? = nil, warmupSteps: Int? = nil,
    precision: Precision? = nil
  ) {
    precondition(epochs >= 1, "epochs must be at least 1, got \(epochs)")
    precondition(batchSize >= 1, "batchSize must be at least 1, got \(batchSize)")
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.decayEvery = decayEvery
    self.decayFactor = decayFactor
    self.maxGradientNorm = maxGradientNorm
    self.seed = seed
    self.horizontalFlips = horizontalFlips
    self.maxStepsPerEpoch = maxStepsPerEpoch
    self.maxValidationSamples = maxValidationSamples
    self.warmupSteps = warmupSteps
    self.precision = precision
  }

  /// The learning-rate schedule these options describe.
  public var schedule: LearningRateSchedule {
    let decay = decayEvery.map { LearningRateSchedule.stepDecay(every: $0, factor: decayFactor) } ?? .constant
    guard let warmupSteps, warmupSteps > 0 else { return decay }
    return .warmup(steps: warmupSteps, then: decay)
  }
}

/// Receives progress while a model trains (a notebook progress bar, a terminal line).
public protocol TrainingProgressReporter: AnyObject {
  /// Called after every optimizer step.
  func report(_ progress: TrainingProgress)
  /// Called once when training returns, normally or not.
  func finish(_ history: TrainingHistory)
}

/// Where `train` sends progress when the caller passes no reporter. The notebook executor
/// installs a live progress bar here; outside a notebook it is nil (silent).
public enum DefaultTrainingProgress {
  /// Makes a reporter for a run of `totalSteps` steps.
  nonisolated(unsafe) public static var makeReporter: ((_ totalSteps: Int) -> TrainingProgressReporter)? = nil
}
