import Foundation
import TensorCore

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
    for (index, parameter) in parameters.enumerated() {
      let shape = parameter.value.shape
      extra["adam.m.\(parameter.name)"] = (shape, resume.optimizer.firstMoments[index])
      extra["adam.v.\(parameter.name)"] = (shape, resume.optimizer.secondMoments[index])
    }
    var meta = metadata
    meta["trainingPosition"] = String(decoding: try JSONEncoder().encode(resume.position), as: UTF8.self)
    meta["adamStep"] = "\(resume.optimizer.step)"
    if let runID = resume.runID { meta["runID"] = runID }
    return try saveCheckpoint(to: url, metadata: meta, extraTensors: extra)
  }

  /// Loads the model's tensors from a file written by `saveTrainingCheckpoint` and returns the
  /// resume point; a file without one (a plain checkpoint), or one written by a model with other
  /// settings, is a `CheckpointMismatch` (`otherModel` lists the settings that differ).
  /// Everything is checked before the model changes.
  public func loadTrainingCheckpoint(from url: URL) throws -> TrainingResume {
    let contents = try SafeTensors.read(from: url)
    try checkSameModel(contents, path: url.path)
    guard let positionText = contents.metadata["trainingPosition"],
      let step = contents.metadata["adamStep"].flatMap(Int.init)
    else { throw CheckpointMismatch.notResumable(path: url.path) }
    let position: TrainingPosition
    do {
      position = try JSONDecoder().decode(TrainingPosition.self, from: Data(positionText.utf8))
    } catch {
      throw CheckpointMismatch.notResumable(path: url.path)
    }
    var (first, second): ([[Float]], [[Float]]) = ([], [])
    for parameter in parameters {
      for (prefix, into) in [("adam.m.", 0), ("adam.v.", 1)] {
        let name = prefix + parameter.name
        guard let entry = contents.tensors[name] else {
          throw CheckpointMismatch.missingTensor(name: name, path: url.path)
        }
        guard entry.shape == parameter.value.shape else {
          throw CheckpointMismatch.wrongShape(
            name: name, expected: parameter.value.shape, found: entry.shape, path: url.path)
        }
        if into == 0 { first.append(entry.scalars) } else { second.append(entry.scalars) }
      }
    }
    try load(contents, path: url.path)
    return TrainingResume(
      position: position, optimizer: Adam.State(step: step, firstMoments: first, secondMoments: second),
      runID: contents.metadata["runID"])
  }
}
