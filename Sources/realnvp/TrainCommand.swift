import ArgumentParser
import DataParallel
import Foundation
import NotebookDisplay
import RealNVP
import TensorCore

/// `realnvp train --config NAME`: trains a named configuration with progress on the terminal,
/// records the run in the journal and writes a checkpoint. Under `mpirun -np N` (a build with
/// the MPI trait) the N ranks train it data-parallel; rank 0 prints, journals and checkpoints.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train", abstract: "Train a named configuration; record the run; write a checkpoint.")

  @Option(
    help: """
      Configuration: \(ExperimentConfiguration.all.map(\.name).joined(separator: ", ")) \
      (default: the resumed run's, else toy2d-quick).
      """)
  var config: String?

  @Option(
    help: """
      Data directory (IDX files, CIFAR-10 batches or CelebA images), or for the MNIST-format \
      configurations `mnist` (the folder `realnvp data fetch mnist` fills) or `fashion-mnist`; \
      default: the configuration's.
      """)
  var data: String?

  @Option(help: "Epochs (default: the configuration's).")
  var epochs: Int?

  @Option(
    help: """
      Samples per optimizer step over all ranks (default: the configuration's); under mpirun each \
      rank takes an equal share.
      """)
  var batchSize: Int?

  @Option(help: "Adam's learning rate (default: the configuration's).")
  var learningRate: Float?

  @Option(
    help: """
      Multiply the learning rate by --decay-factor every this many optimizer steps (default: the \
      configuration's schedule).
      """)
  var decayEvery: Int?

  @Option(help: "The factor of --decay-every (default: the configuration's, 0.5 unless it says).")
  var decayFactor: Float?

  @Option(
    help: """
      Raise the learning rate linearly over this many first steps (default: none); for training \
      on from a trained model's parameters, whose optimizer state starts empty.
      """)
  var warmupSteps: Int?

  @Option(help: "Validate on at most this many test samples (default: the configuration's).")
  var maxValidationSamples: Int?

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

  @Option(
    help: """
      Continue a run: a journal run id (its latest resume checkpoint in the checkpoint directory, \
      with the run's configuration and options) or a checkpoint file. A resume checkpoint \
      (CONFIG.resume.safetensors) continues the run exactly where it stopped, as a new segment of \
      the same journal entry; a plain checkpoint starts a new run from its parameters.
      """)
  var resume: String?

  @Option(help: "Write the resume checkpoint every this many optimizer steps (and on SIGINT or SIGTERM).")
  var checkpointEvery: Int = 200

  @Option(help: "Run journal directory (default: $REALNVP_JOURNAL_DIR or ./runs).")
  var journal: String?

  @Option(help: "A note recorded with the run.")
  var note: String = ""

  @Option(help: "Threads for BLAS and parallel loops.")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(
    help: """
      Train data-parallel on this many replicas, threads of this one process with one thread and \
      one model each: each takes an equal share of every batch (the batch size must divide by it), \
      and they average gradients and share batch norm's statistics, like MPI ranks of one thread \
      (--threads is then unused). Not under mpirun.
      """)
  var replicas: Int = 1

  @Option(
    help: """
      Convolution precision: fp32, or bf16 (bfloat16 products, Float32 accumulation, Float32 \
      weights and flow; where the CPU has no AVX512_BF16, fp32, said on standard error). \
      Default: the configuration's (fp32), or the resumed run's.
      """)
  var precision: Precision?

  func run() throws {
    ComputeThreads.count = threads
    try validateReplicas(replicas, batchSize: nil)
    let group = try Launch.replicaGroup()
    let isLeader = group?.isLeader ?? true
    let journalStore = journal.map { Journal(path: $0) } ?? Journal.default
    let directory = URL(fileURLWithPath: checkpointDirectory)
    let resumed = try resume.map {
      try ResumeTarget.locate($0, journal: journalStore, checkpoints: directory)
    }
    let name = config ?? resumed?.run?.configuration ?? "toy2d-quick"
    if let run = resumed?.run, run.configuration != name {
      throw ValidationError(
        "Run \(run.id) trained \(run.configuration), not \(name); leave out --config to resume it.")
    }
    var experiment = try ExperimentConfiguration.named(name)
    if let run = resumed?.run {
      experiment.options = run.options
      experiment.model = run.model
    }
    if let epochs { experiment.options.epochs = epochs }
    if let maxStepsPerEpoch { experiment.options.maxStepsPerEpoch = maxStepsPerEpoch }
    if let batchSize { experiment.options.batchSize = batchSize }
    if let maxValidationSamples { experiment.options.maxValidationSamples = maxValidationSamples }
    if let precision { experiment.options.precision = precision }
    if let learningRate {
      guard learningRate > 0, learningRate.isFinite else {
        throw ValidationError("--learning-rate must be a positive number, got \(learningRate).")
      }
      experiment.options.learningRate = learningRate
    }
    if let decayEvery {
      guard decayEvery > 0 else {
        throw ValidationError("--decay-every must be at least 1, got \(decayEvery).")
      }
      experiment.options.decayEvery = decayEvery
    }
    if let warmupSteps {
      guard warmupSteps >= 0 else {
        throw ValidationError("--warmup-steps must be 0 or more, got \(warmupSteps).")
      }
      experiment.options.warmupSteps = warmupSteps
    }
    if let decayFactor {
      guard decayFactor > 0, decayFactor <= 1 else {
        throw ValidationError("--decay-factor must be in (0, 1], got \(decayFactor).")
      }
      experiment.options.decayFactor = decayFactor
    }
    if let seed {
      experiment.model.seed = seed
      experiment.options.seed = seed
    }
    // A resumed run reads the data it was trained on unless --data says otherwise.
    let dataDirectory = data ?? resumed?.run?.dataset.source.directory
    let train = try experiment.loadData(split: .train, directory: dataDirectory)
    let test = try experiment.loadData(split: .test, directory: dataDirectory)
    if let run = resumed?.run, run.dataset.checksum != train.fingerprint.checksum {
      throw ValidationError(
        "Run \(run.id) trained on \(run.dataset.source.name) (checksum \(run.dataset.checksum)), "
          + "but this data is \(train.fingerprint.source.name) (checksum \(train.fingerprint.checksum)); "
          + "give the run's --data.")
    }
    try validateReplicas(replicas, batchSize: experiment.options.batchSize)
    let model = try experiment.makeModel()
    let point = try resumed?.load(into: model)
    let say = { (line: String) in if isLeader { print(line) } }
    let scalars = model.parameters.reduce(0) { $0 + $1.value.scalarCount }
    say(
      "Training \(name): \(train.count) samples, \(model.parameters.count) parameter tensors (\(scalars) parameters)"
    )
    if let group {
      say(
        "Data-parallel on \(group.worldSize) ranks, \(experiment.options.batchSize / group.worldSize) samples each per step"
      )
    }
    if replicas > 1 {
      say(
        "Data-parallel on \(replicas) replica threads, \(experiment.options.batchSize / replicas) samples each "
          + "per step")
    }
    if let point {
      say(
        "Resuming\(point.runID.map { " run \($0)" } ?? "") at epoch \(point.position.epoch), "
          + "batch \(point.position.batch) (step \(point.optimizer.step))")
    }
    if isLeader { DefaultTrainingProgress.showProgressBars() }
    StopSignals.requestInterruption()
    StopSignals.reportFileSizeLimit()
    let url = directory.appendingPathComponent("\(name).safetensors")
    let resumeURL = directory.appendingPathComponent("\(name).resume.safetensors")
    let bestURL = directory.appendingPathComponent("\(name).best.safetensors")
    // One rank's training (the only one without replicas); only rank 0 journals and checkpoints.
    let trainRank = { (model: DensityModel, group: (any ReplicaGroup)?) throws -> TrainingHistory in
      try RealNVP.train(
        model, on: train, validation: test, options: experiment.options, configuration: name, note: note,
        journal: journalStore, checkpoint: url, resume: point, checkpointEvery: checkpointEvery,
        bestCheckpoint: bestURL, group: group
      ) { point in
        do {
          try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
          try model.saveTrainingCheckpoint(to: resumeURL, resume: point, metadata: ["configuration": name])
        } catch {
          FileHandle.standardError.write(Data("warning: resume checkpoint not written: \(error)\n".utf8))
        }
      }
    }
    let history: TrainingHistory
    if replicas > 1 {
      // Every replica builds its own model the same way (rank 0 takes the one made above).
      history = try runOnReplicaThreads(replicas) { replica in
        let own = replica.isLeader ? model : try experiment.makeModel()
        if !replica.isLeader { _ = try resumed?.load(into: own) }
        let history = try trainRank(own, replica)
        if let line = CommunicationReport.summary(
          of: replica, history: history, batchSize: experiment.options.batchSize)
        {
          FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        return history
      }
    } else {
      history = try trainRank(model, group)
    }
    if let group {
      if let line = CommunicationReport.summary(
        of: group, history: history, batchSize: experiment.options.batchSize)
      {
        FileHandle.standardError.write(Data((line + "\n").utf8))
      }
      CommunicationReport.finish(group)
    }
    guard isLeader else { return }
    print(history.table.table.plainText())
    print("Checkpoint: \(url.path)")
    print("Resume checkpoint: \(resumeURL.path)")
    if FileManager.default.fileExists(atPath: bestURL.path) { print("Best on validation: \(bestURL.path)") }
  }
}

/// SIGINT and SIGTERM ask the training loop to stop at its next step; it then writes the resume
/// checkpoint and the run's record, and returns.
enum StopSignals {
  /// Installs the stop handlers, on an alternate stack (see `Interruption.requestOnSignals`).
  static func requestInterruption() {
    Interruption.requestOnSignals()
  }

  /// A write past the file size limit (`ulimit -f`) fails with EFBIG, which the checkpoint and
  /// the journal report like a full disk, instead of SIGXFSZ ending the run.
  static func reportFileSizeLimit() {
    signal(SIGXFSZ, SIG_IGN)
  }
}
