import Foundation

/// The short form from the README:
/// `let history = try train(model, on: data, epochs: 200, batchSize: 256, learningRate: 5e-4)`.
///
/// Training updates the model (a class) in place. Records the run in `Journal.default` like
/// the full form, `train(_:on:validation:options:...)`.
@discardableResult
public func train(
  _ model: DensityModel, on data: TrainingData, validation: TrainingData? = nil, epochs: Int, batchSize: Int,
  learningRate: Float = 5e-4, maxGradientNorm: Float? = nil, seed: UInt64 = 0, note: String = "",
  tags: [String] = []
) throws -> TrainingHistory {
  try train(
    model, on: data, validation: validation,
    options: TrainingOptions(
      epochs: epochs, batchSize: batchSize, learningRate: learningRate, maxGradientNorm: maxGradientNorm,
      seed: seed),
    note: note, tags: tags)
}

/// Quick or full: notebooks and the CI run pick their budget from `REALNVP_QUICK`.
public enum RunBudget {
  /// True when the environment variable `REALNVP_QUICK` is `1` (the default in CI).
  public static var isQuick: Bool { ProcessInfo.processInfo.environment["REALNVP_QUICK"] == "1" }

  /// `quick` in quick mode, else `full`.
  public static func pick<T>(quick: T, full: T) -> T { isQuick ? quick : full }

  /// "quick" or "full", for labels.
  public static var name: String { isQuick ? "quick" : "full" }
}
