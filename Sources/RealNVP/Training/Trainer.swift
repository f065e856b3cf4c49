import Foundation
import TensorCore

/// Trains `model` by maximum likelihood with Adam and returns the per-epoch history.
///
/// Checks `Interruption.isRequested` before every step and returns what it has when set.
/// If the loss or a gradient becomes NaN or infinite, throws `TrainingError.nonFinite` naming
/// the step; parameters and running statistics keep their last good values.
///
/// Every run is recorded in `journal` (default `Journal.default`, i.e. `runs/`): configuration,
/// seeds, data fingerprint, environment, per-epoch metrics, how it ended and, with `checkpoint`,
/// the final checkpoint's path and checksum (written atomically when training returns). A
/// journal that cannot be written is reported on standard error and does not stop training.
///
/// `onCheckpoint` receives the run's resume point after every `checkpointEvery` optimizer steps
/// (save it with `saveTrainingCheckpoint`); `resume` continues a run from such a point, with the
/// model already loaded from the same file, exactly as if it had not stopped. The journal then
/// continues the same run with a new segment. With `bestCheckpoint` and validation data, the
/// model is also saved there after every epoch whose validation bits/dim beats all earlier ones.
///
/// With `group` (data-parallel training: every rank calls `train` with the same model, data and
/// options) `options.batchSize` is the global batch: every rank walks the same batch order, takes
/// its equal shard of each batch, and the ranks average gradients and share batch norm's batch
/// statistics, so that every rank holds the parameters one process would train with the whole
/// batch. Only rank 0 writes the journal (which records the world size) and checkpoints.
///
/// ```swift
/// let data = Datasets.moons(count: 2000, noise: 0.05, seed: 0)
/// let model = RealNVP2D(couplings: 8, hidden: 128)
/// let history = try train(model, on: data, options: TrainingOptions(epochs: 200, batchSize: 256))
/// ```
@discardableResult
public func train(
  _ model: DensityModel, on data: TrainingData, validation: TrainingData? = nil, options: TrainingOptions,
  reporter: TrainingProgressReporter? = nil, configuration: String = "custom", note: String = "",
  tags: [String] = [], journal: Journal? = Journal.default, checkpoint: URL? = nil,
  resume: TrainingResume? = nil, checkpointEvery: Int? = nil, bestCheckpoint: URL? = nil,
  group: (any ReplicaGroup)? = nil, onCheckpoint: (TrainingResume) -> Void = { _ in }
) throws -> TrainingHistory {
  DebugBuildNotice.sayOnce()
  let isLeader = group?.isLeader ?? true
  let (journal, checkpoint, bestCheckpoint) =
    isLeader ? (journal, checkpoint, bestCheckpoint) : (nil, nil, nil)
  let writer = journal.flatMap { journal in
    var environment = RunEnvironment.current()
    environment.worldSize = group?.worldSize
    return warnOnFailure {
      if let resume, let id = resume.runID, journal.runs.contains(where: { $0.id == id }) {
        return try journal.continueRun(
          id,
          segment: RunSegment(
            fromStep: resume.optimizer.step, finishedEpochs: resume.position.history.epochs.count,
            environment: environment))
      }
      return try journal.begin(
        RunRecord(
          id: Journal.makeRunID(configuration: configuration), configuration: configuration, note: note,
          tags: tags,
          model: model.modelDescription, options: options, dataset: data.fingerprint,
          validation: validation.map(\.fingerprint), environment: environment, startedAt: Date(),
          endedAt: nil,
          status: .incomplete, error: nil, epochs: [], checkpoint: nil))
    }
  }
  let runID = writer?.id ?? resume?.runID
  var best = resume?.position.history.epochs.compactMap(\.testBitsPerDim).min() ?? .infinity
  do {
    let history = try trainingLoop(
      model, on: data, validation: validation, options: options, reporter: reporter, resume: resume,
      checkpointEvery: checkpointEvery, group: group,
      onCheckpoint: { point in
        guard isLeader else { return }
        var point = point
        point.runID = runID
        onCheckpoint(point)
      }
    ) { epoch in
      var epoch = epoch
      if let url = bestCheckpoint, let bits = epoch.testBitsPerDim, bits < best {
        best = bits
        epoch.bestCheckpoint = warnOnFailure("best checkpoint not written") {
          try model.saveCheckpoint(
            to: url,
            metadata: [
              "configuration": configuration, "epoch": "\(epoch.epoch)", "testBitsPerDim": "\(bits)",
            ])
        }
      }
      _ = writer.map { w in warnOnFailure { try w.record(epoch) } }
    }
    let saved = try checkpoint.map {
      try model.saveCheckpoint(to: $0, metadata: ["configuration": configuration])
    }
    _ = writer.map { w in
      warnOnFailure {
        try w.finish(history.stopReason == .completed ? .completed : .interrupted, checkpoint: saved)
      }
    }
    return history
  } catch {
    _ = writer.map { w in warnOnFailure { try w.finish(.failed, error: "\(error)") } }
    throw error
  }
}

/// Runs `body`; on error prints it to standard error, naming `what` failed, and returns nil.
private func warnOnFailure<T>(_ what: String = "run journal", _ body: () throws -> T) -> T? {
  do { return try body() } catch {
    FileHandle.standardError.write(Data("warning: \(what): \(error)\n".utf8))
    return nil
  }
}

/// The training loop itself; `onEpoch` sees every finished epoch's record.
///
/// With `resume` it continues a run from that point (the model must already hold the run's
/// tensors from the same point); with `checkpointEvery` it hands `onCheckpoint` the resume point
/// after every that many optimizer steps, and once more when an interrupt stops the run. With
/// `group` every step is one rank's share of a data-parallel step (see `train`).
func trainingLoop(
  _ model: DensityModel, on data: TrainingData, validation: TrainingData?, options: TrainingOptions,
  reporter: TrainingProgressReporter?, resume: TrainingResume? = nil, checkpointEvery: Int? = nil,
  group: (any ReplicaGroup)? = nil, onCheckpoint: (TrainingResume) -> Void = { _ in },
  onEpoch: (EpochRecord) -> Void
) throws -> TrainingHistory {
  guard data.count >= options.batchSize else {
    throw TrainingError.notEnoughData(count: data.count, batchSize: options.batchSize)
  }
  if let group, options.batchSize % group.worldSize != 0 {
    throw TrainingError.batchNotDivisible(batchSize: options.batchSize, worldSize: group.worldSize)
  }
  let group = group ?? SingleProcessGroup()
  var stopAgreed = false
  let savedPrecision = ComputeBackend.convolutionPrecision
  ComputeBackend.convolutionPrecision = options.precision ?? .float32
  defer { ComputeBackend.convolutionPrecision = savedPrecision }
  let stepsPerEpoch = min(data.count / options.batchSize, options.maxStepsPerEpoch ?? Int.max)
  // Ranks other than 0 report only to a reporter of their own (replica threads of one process
  // share the default one).
  let reporter =
    reporter ?? (group.isLeader ? DefaultTrainingProgress.makeReporter?(stepsPerEpoch * options.epochs) : nil)
  let parameters = model.parameters
  let optimizer = Adam(
    parameters: parameters, learningRate: options.learningRate, maxGradientNorm: options.maxGradientNorm,
    schedule: options.schedule)
  var at = resume?.position ?? TrainingPosition(seed: options.seed)
  at.history.stopReason = .completed  // a resume point saved at an interrupt still says so
  if let resume { optimizer.restore(resume.optimizer) }
  try checkSameStart(group, step: optimizer.step, epoch: at.epoch, batch: at.batch)
  defer { reporter?.finish(at.history) }
  let start = Date()

  epochs: while at.epoch <= options.epochs {
    let epochStart = Date()
    var timedSteps = 0  // steps of this epoch run by this call (a resumed epoch ran others before)
    var orderAfterEpoch = at.order
    let order = orderAfterEpoch.permutation(data.count)
    while at.batch < stepsPerEpoch {
      // One process stops as soon as it is asked; ranks stop together, after the step in which
      // any of them was asked.
      if group.worldSize == 1 ? Interruption.isRequested : stopAgreed {
        at.history.stopReason = .interrupted
        if checkpointEvery != nil { onCheckpoint(TrainingResume(position: at, optimizer: optimizer.state)) }
        break epochs
      }
      let b = at.batch
      var batch = data.batch(Array(order[(b * options.batchSize)..<((b + 1) * options.batchSize)]))
      if options.horizontalFlips { batch = randomHorizontalFlips(batch, using: &at.flips) }
      let savedBuffers = model.buffers.map(\.value)
      let shard = ReplicaShard(batch: batch, model: model, group: group, noise: &at.noise)
      let (lossValue, nll, gradients, stop) = shard.lossAndAveragedGradients(of: parameters)
      stopAgreed = stop
      let norm = globalNorm(gradients)
      let step = optimizer.step + 1
      guard lossValue.isFinite, norm.isFinite else {
        for (buffer, value) in zip(model.buffers, savedBuffers) { buffer.value = value }
        throw TrainingError.nonFinite(step: step, loss: lossValue, gradientNorm: norm)
      }
      optimizer.update(gradients, globalNorm: norm)
      at.history.stepLosses.append(lossValue)
      at.lossSum += lossValue
      at.nllSum += nll
      at.seen += 1
      at.batch += 1
      timedSteps += 1
      let rate = Double(timedSteps * options.batchSize) / max(Date().timeIntervalSince(epochStart), 1e-9)
      reporter?.report(
        TrainingProgress(
          step: step, totalSteps: stepsPerEpoch * options.epochs, epoch: at.epoch, loss: lossValue,
          bitsPerDim: bitsPerDimension(negativeLogLikelihood: nll, dimensions: model.dimensions),
          samplesPerSecond: rate))
      if let every = checkpointEvery, optimizer.step % every == 0, at.batch < stepsPerEpoch {
        onCheckpoint(TrainingResume(position: at, optimizer: optimizer.state))
      }
    }
    guard at.seen > 0 else { break }
    let trainSeconds = Date().timeIntervalSince(epochStart)
    let testBits = validation.map {
      evaluateBitsPerDimension(
        model, on: $0, batchSize: options.batchSize, limit: options.maxValidationSamples, group: group)
    }
    at.history.epochs.append(
      EpochRecord(
        epoch: at.epoch, trainLoss: at.lossSum / Float(at.seen),
        trainBitsPerDim: bitsPerDimension(
          negativeLogLikelihood: at.nllSum / Float(at.seen), dimensions: model.dimensions),
        testBitsPerDim: testBits,
        samplesPerSecond: timedSteps > 0
          ? Double(timedSteps * options.batchSize) / max(trainSeconds, 1e-9) : nil,
        wallSeconds: Date().timeIntervalSince(start), steps: optimizer.step))
    onEpoch(at.history.epochs[at.history.epochs.count - 1])
    (at.epoch, at.batch, at.order, at.lossSum, at.nllSum, at.seen) = (
      at.epoch + 1, 0, orderAfterEpoch, 0, 0, 0
    )
    if let every = checkpointEvery, optimizer.step % every == 0 {
      onCheckpoint(TrainingResume(position: at, optimizer: optimizer.state))
    }
  }
  return at.history
}

/// Throws `TrainingError.ranksDisagree` unless every rank of `group` starts at the same step,
/// epoch and batch (each rank checks that the sums of the values and of their squares are N times
/// its own, which holds only when all are equal).
private func checkSameStart(_ group: any ReplicaGroup, step: Int, epoch: Int, batch: Int) throws {
  let values = [step, epoch, batch].map(Float.init)
  let sums = group.allreduceSum(values + values.map { $0 * $0 }, purpose: .loss)
  let ranks = Float(group.worldSize)
  let own = values + values.map { $0 * $0 }
  guard zip(sums, own).allSatisfy({ $0 == ranks * $1 }) else {
    throw TrainingError.ranksDisagree(rank: group.rank, step: step, epoch: epoch, batch: batch)
  }
}

/// Flips each image of [N, C, H, W] left-right with probability 1/2.
public func randomHorizontalFlips(_ images: Tensor, using rng: inout RandomGenerator) -> Tensor {
  precondition(images.rank == 4, "Horizontal flips need [N, C, H, W] images, got \(images.shape)")
  let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
  var values = images.scalars
  let imageSize = c * h * w
  for i in 0..<n where rng.nextFloat() < 0.5 {
    for row in 0..<(c * h) {
      let base = i * imageSize + row * w
      values[base..<(base + w)].reverse()
    }
  }
  return Tensor(shape: images.shape, scalars: values)
}
