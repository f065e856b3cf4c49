import ArgumentParser
import Foundation
import NotebookDisplay
import RealNVP
import TensorCore

/// `realnvp train --config NAME`: trains a named configuration with progress on the terminal,
/// records the run in the journal and writes a checkpoint.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train", abstract: "Train a named configuration; record the run; write a checkpoint.")

  @Option(help: "Configuration: \(ExperimentConfiguration.all.map(\.name).joined(separator: ", ")).")
  var config: String = "toy2d-quick"

  @Option(
    help: """
      Data directory (IDX files, CIFAR-10 batches or CelebA images), or for the MNIST-format \
      configurations `mnist` (the folder `realnvp data fetch mnist` fills) or `fashion-mnist`; \
      default: the configuration's.
      """)
  var data: String?

  @Option(help: "Epochs (default: the configuration's).")
  var epochs: Int?

  @Option(help: "At most this many optimizer steps per epoch (default: every full batch).")
  var maxStepsPerEpoch: Int?

  @Option(
    help: """
      Seed for the initial parameters, data order, dequantization noise and flips \
      (default: the configuration's).
      """
  )
  var seed: UInt64?

  @Option(help: "Directory for checkpoints.")
  var checkpointDirectory: String = "checkpoints"

  @Option(help: "Resume from this checkpoint (same configuration).")
  var resume: String?

  @Option(help: "Run journal directory (default: $REALNVP_JOURNAL_DIR or ./runs).")
  var journal: String?

  @Option(help: "A note recorded with the run.")
  var note: String = ""

  @Option(help: "Threads for BLAS and parallel loops.")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  func run() throws {
    ComputeThreads.count = threads
    var experiment = try ExperimentConfiguration.named(config)
    if let epochs { experiment.options.epochs = epochs }
    if let maxStepsPerEpoch { experiment.options.maxStepsPerEpoch = maxStepsPerEpoch }
    if let seed {
      experiment.model.seed = seed
      experiment.options.seed = seed
    }
    let train = try experiment.loadData(split: .train, directory: data)
    let test = try experiment.loadData(split: .test, directory: data)
    let model = experiment.makeModel()
    if let resume { try model.loadCheckpoint(from: URL(fileURLWithPath: resume)) }
    print("Training \(config): \(train.count) samples, \(model.parameters.count) parameter tensors")
    DefaultTrainingProgress.showProgressBars()
    let journalStore = journal.map { Journal(path: $0) } ?? Journal.default
    let url = URL(fileURLWithPath: checkpointDirectory).appendingPathComponent("\(config).safetensors")
    let history = try RealNVP.train(
      model, on: train, validation: test, options: experiment.options, configuration: config, note: note,
      journal: journalStore, checkpoint: url)
    print(history.table.table.plainText())
    print("Checkpoint: \(url.path)")
  }
}

/// The configuration and checkpoint that `evaluate` and `sample` load a trained model from.
struct TrainedModelOptions: ParsableArguments {
  @Option(help: "Configuration the checkpoint was trained with.")
  var config: String

  @Option(help: "Checkpoint file (.safetensors).")
  var checkpoint: String

  /// The named configuration and its model with the checkpoint's parameters.
  func load() throws -> (ExperimentConfiguration, DensityModel) {
    let experiment = try ExperimentConfiguration.named(config)
    let model = experiment.makeModel()
    try model.loadCheckpoint(from: URL(fileURLWithPath: checkpoint))
    return (experiment, model)
  }
}

/// `realnvp evaluate`: test bits/dim of a checkpoint.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate", abstract: "Print the test bits/dim of a checkpoint.")

  @OptionGroup var trained: TrainedModelOptions

  @Option(help: "Data directory, `mnist` or `fashion-mnist` (as for train); default: the configuration's.")
  var data: String?

  func run() throws {
    let (experiment, model) = try trained.load()
    let test = try experiment.loadData(split: .test, directory: data)
    let bits = evaluateBitsPerDimension(model, on: test, batchSize: experiment.options.batchSize)
    print(String(format: "%@ test bits/dim: %.4f (%d samples)", experiment.name, bits, test.count))
  }
}

/// `realnvp sample`: writes a PNG grid (images) or an SVG scatter plot (2D points).
struct SampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample", abstract: "Draw samples from a checkpoint into a PNG grid or SVG scatter plot.")

  @OptionGroup var trained: TrainedModelOptions

  @Option(help: "Number of samples.")
  var count: Int = 64

  @Option(help: "Latent temperature (standard deviation of z).")
  var temperature: Float = 1

  @Option(help: "Seed of the latent draws.")
  var seed: UInt64 = 0

  @Option(help: "Output file (.png for images, .svg for points).")
  var output: String = "samples.png"

  func run() throws {
    let (_, model) = try trained.load()
    var rng = RandomGenerator(seed: seed)
    let samples = model.sample(count: count, temperature: temperature, using: &rng)
    let url = URL(fileURLWithPath: output)
    if samples.rank == 4 {
      try ImageGrid(samples, scale: 2).save(to: url)
    } else {
      try ScatterPlot(samples, name: "samples", color: PlotColor.red).save(to: url)
    }
    print("Wrote \(count) samples to \(url.path)")
  }
}
