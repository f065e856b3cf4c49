import Foundation
import TensorCore

/// The name prefixes of the optimizer's moments in a training checkpoint.
let optimizerTensorPrefixes = ["adam.m.", "adam.v."]

extension DensityModel {
  /// Writes the model's tensors and a training run's resume point (the optimizer's moments as
  /// `adam.m.NAME` and `adam.v.NAME` tensors, the position as JSON metadata) to one safetensors
  /// file, atomically. `loadTrainingCheckpoint(from:)` reads it back.
  @discardableResult
  public func saveTrainingCheckpoint(to url: URL, resume: TrainingResume, metadata: [String: String] = [:])
    throws
    -> CheckpointReference
  {
    var extra: [String: SafeTensors.Entry] = [:]
    for (index, (name, parameter)) in namedParameters.enumerated() {
      let shape = parameter.value.shape
      extra["adam.m.\(name)"] = (shape, resume.optimizer.firstMoments[index])
      extra["adam.v.\(name)"] = (shape, resume.optimizer.secondMoments[index])
    }
    var meta = metadata
    meta["trainingPosition"] = String(decoding: try JSONEncoder().encode(resume.position), as: UTF8.self)
    meta["adamStep"] = "\(resume.optimizer.step)"
    if let runID = resume.runID { meta["runID"] = runID }
    return try saveCheckpoint(to: url, metadata: meta, extraTensors: extra)
  }

  /// Loads the model's tensors from a file written by `saveTrainingCheckpoint` and returns the
  /// resume point. A file without one (a plain checkpoint) is `CheckpointMismatch.notResumable`;
  /// one written by a model with other settings or other tensors is `.otherModel`, listing the
  /// settings and the names that differ. Everything is checked before the model changes.
  public func loadTrainingCheckpoint(from url: URL) throws -> TrainingResume {
    guard let resume = try loadForResuming(from: url) else {
      throw CheckpointMismatch.notResumable(path: url.path)
    }
    return resume
  }

  /// Loads a checkpoint to go on training from: a training checkpoint's tensors and resume
  /// point, or a plain checkpoint's tensors and nil (a new run starts from its parameters).
  /// Either must come from a model with this one's settings and tensors (`CheckpointMismatch`).
  public func loadForResuming(from url: URL) throws -> TrainingResume? {
    let contents = try SafeTensors.read(from: url)
    guard contents.metadata["trainingPosition"] != nil else {
      try load(contents, path: url.path, requireSameSettings: true)
      return nil
    }
    guard let positionText = contents.metadata["trainingPosition"],
      let step = contents.metadata["adamStep"].flatMap(Int.init),
      let position = try? JSONDecoder().decode(TrainingPosition.self, from: Data(positionText.utf8))
    else { throw CheckpointMismatch.notResumable(path: url.path) }
    try check(contents, path: url.path, requireSameSettings: true)
    let named = namedParameters
    let moments = named.map { "adam.m.\($0.name)" } + named.map { "adam.v.\($0.name)" }
    let optimizerTensors = TensorDifferences(
      model: Dictionary(
        uniqueKeysWithValues: zip(moments, (named + named).map(\.parameter.value.shape))),
      file: contents.tensors.filter { name, _ in optimizerTensorPrefixes.contains { name.hasPrefix($0) } }
        .mapValues(\.shape))
    guard optimizerTensors.isEmpty else {
      throw CheckpointMismatch.otherModel(
        path: url.path, settings: settingsDifferences(contents), tensors: optimizerTensors)
    }
    try load(contents, path: url.path, requireSameSettings: true)
    let first = named.map { contents.tensors["adam.m.\($0.name)"]!.scalars }
    let second = named.map { contents.tensors["adam.v.\($0.name)"]!.scalars }
    return TrainingResume(
      position: position, optimizer: Adam.State(step: step, firstMoments: first, secondMoments: second),
      runID: contents.metadata["runID"])
  }
}
