import Foundation

/// How a run ended, as its journal records it.
public enum RunStatus: String, Codable, Sendable {
  /// Started, never finished: the process crashed or is still running.
  case incomplete
  /// All epochs ran.
  case completed
  /// Stopped early by an interrupt; its epochs are valid.
  case interrupted
  /// Stopped by an error (the message is in `error`).
  case failed
}

/// Everything needed to know what produced a result and to run it again.
public struct RunRecord: Codable, Equatable, Sendable {
  /// Unique id, e.g. "20261122-124501-toy2d-3f9a".
  public var id: String
  /// The named configuration, or "custom".
  public var configuration: String
  /// Free text: what this run tries ("added batch norm").
  public var note: String
  /// Short labels for filtering ("logit-fix").
  public var tags: [String]
  /// The model and the seed of its initialization.
  public var model: ModelDescription
  /// Every training hyperparameter, defaults included.
  public var options: TrainingOptions
  /// Training data: where it came from, its size and checksum.
  public var dataset: DatasetFingerprint
  /// Validation data, if any.
  public var validation: DatasetFingerprint?
  /// Project, toolchain, BLAS and machine.
  public var environment: RunEnvironment
  /// Wall-clock start.
  public var startedAt: Date
  /// Wall-clock end (nil while incomplete).
  public var endedAt: Date?
  /// How it ended.
  public var status: RunStatus
  /// The error message of a failed run.
  public var error: String?
  /// Per-epoch metrics.
  public var epochs: [EpochRecord]
  /// Final checkpoint, if one was written.
  public var checkpoint: CheckpointReference?
  /// Each time the run went on from a resume checkpoint (nil for a run that never stopped).
  public var segments: [RunSegment]? = nil

  /// Last epoch's validation bits/dim, else its training bits/dim.
  public var finalBitsPerDim: Float? { epochs.last.map { $0.testBitsPerDim ?? $0.trainBitsPerDim } }
}

/// A run continued from a resume checkpoint: when, from where, on which machine.
public struct RunSegment: Codable, Equatable, Sendable {
  /// Wall-clock start of the segment.
  public var startedAt: Date
  /// Optimizer steps done before it.
  public var fromStep: Int
  /// Epochs finished before it.
  public var finishedEpochs: Int
  /// Where it ran.
  public var environment: RunEnvironment

  /// A segment starting now.
  public init(startedAt: Date = Date(), fromStep: Int, finishedEpochs: Int, environment: RunEnvironment) {
    (self.startedAt, self.fromStep, self.finishedEpochs, self.environment) = (
      startedAt, fromStep, finishedEpochs, environment
    )
  }
}

/// A checkpoint file and the checksum of its bytes.
public struct CheckpointReference: Codable, Equatable, Sendable {
  /// Path as written.
  public var path: String
  /// FNV-1a 64 of the file's bytes, hex.
  public var checksum: String
}

extension TrainingOptions {
  /// Hyperparameters as flat name/value pairs, for comparison tables.
  public var settings: [String: String] {
    [
      "epochs": "\(epochs)", "batchSize": "\(batchSize)", "learningRate": "\(learningRate)",
      "decayEvery": decayEvery.map { "\($0)" } ?? "-", "decayFactor": "\(decayFactor)",
      "maxGradientNorm": maxGradientNorm.map { "\($0)" } ?? "-", "seed": "\(seed)",
      "horizontalFlips": "\(horizontalFlips)", "maxStepsPerEpoch": maxStepsPerEpoch.map { "\($0)" } ?? "-",
      "maxValidationSamples": maxValidationSamples.map { "\($0)" } ?? "-",
    ]
  }
}
