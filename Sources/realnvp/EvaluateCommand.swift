import ArgumentParser
import Foundation
import RealNVP
import TensorCore

/// `realnvp evaluate`: test bits/dim of a checkpoint.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate", abstract: "Print the test bits/dim of a checkpoint or a shipped model.")

  @OptionGroup var trained: TrainedModelOptions

  @Option(help: "Data directory, `mnist` or `fashion-mnist` (as for train); default: the model's.")
  var data: String?

  @Option(help: "Evaluate the first N test images only (default: all).")
  var limit: Int?

  @Option(
    help: "Seeds of the dequantization noise, comma-separated; several give the mean and standard deviation.")
  var noiseSeeds: String = "1"

  @Option(
    help: """
      First re-estimate batch norm's running statistics on this many training batches at the \
      trained parameters (0: use the statistics training left).
      """)
  var reestimateBatchNorm: Int = 0

  @Option(help: "Threads for the tensor core.")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  func validate() throws {
    if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit).") }
    if parsedSeeds == nil {
      throw ValidationError("--noise-seeds takes comma-separated integers, got \"\(noiseSeeds)\".")
    }
    if reestimateBatchNorm < 0 {
      throw ValidationError("--reestimate-batch-norm must be 0 or more, got \(reestimateBatchNorm).")
    }
  }

  private var parsedSeeds: [UInt64]? {
    let seeds = noiseSeeds.split(separator: ",").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
    return seeds.isEmpty || seeds.contains(nil) ? nil : seeds.compactMap { $0 }
  }

  func run() throws {
    ComputeThreads.count = threads
    let (experiment, model, shippedData) = try trained.load()
    let directory = data ?? shippedData
    let test = try experiment.loadData(split: .test, directory: directory)
    if reestimateBatchNorm > 0 {
      let train = try experiment.loadData(split: .train, directory: directory)
      let seen = model.reestimateBatchNormStatistics(
        on: train, batches: reestimateBatchNorm, batchSize: experiment.options.batchSize)
      print("Batch norm statistics re-estimated on \(seen) training images")
    }
    let count = min(test.count, limit ?? test.count)
    let results = (parsedSeeds ?? [1]).map { seed in
      evaluateBitsPerDimension(
        model, on: test, batchSize: experiment.options.batchSize, limit: count, seed: seed)
    }
    let mean = results.reduce(0, +) / Float(results.count)
    if results.count == 1 {
      print(String(format: "%@ test bits/dim: %.4f (%d images)", experiment.name, mean, count))
    } else {
      let variance = results.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(results.count - 1)
      let each = results.map { String(format: "%.4f", $0) }.joined(separator: ", ")
      print(
        String(
          format: "%@ test bits/dim: %.4f ± %.4f (%d images, %d noise draws: %@)", experiment.name, mean,
          variance.squareRoot(), count, results.count, each))
    }
  }
}
