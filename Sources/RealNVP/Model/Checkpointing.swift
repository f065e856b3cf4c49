import Foundation
import TensorCore

/// Raised when a checkpoint does not fit the model it is loaded into.
public enum CheckpointMismatch: Error, CustomStringConvertible {
  /// The file lacks a tensor the model has.
  case missingTensor(name: String, path: String)
  /// A tensor has another shape than the model's.
  case wrongShape(name: String, expected: [Int], found: [Int], path: String)
  /// The file holds a model but no training resume point.
  case notResumable(path: String)
  /// The file was written by a model of another configuration; `differences` lists each setting
  /// as "name: checkpoint's vs this model's".
  case otherModel(path: String, differences: [String])

  /// A sentence naming the tensor, the file and what was expected.
  public var description: String {
    switch self {
    case .missingTensor(let name, let path):
      return "Checkpoint \(path) has no tensor \"\(name)\"; was it written by another architecture?"
    case .wrongShape(let name, let expected, let found, let path):
      return "Checkpoint \(path): tensor \"\(name)\" has shape \(found), the model expects \(expected)"
    case .notResumable(let path):
      return "Checkpoint \(path) holds a model but no training position to resume from "
        + "(write it with saveTrainingCheckpoint)"
    case .otherModel(let path, let differences):
      return "Checkpoint \(path) was written by another model; its settings differ from this one's "
        + "(checkpoint vs this model):\n  " + differences.joined(separator: "\n  ")
    }
  }
}

extension DensityModel {
  /// Writes every parameter and running statistic to a safetensors file, atomically; the
  /// model description goes into the metadata. Returns the file's checksum reference.
  @discardableResult
  public func saveCheckpoint(to url: URL, metadata: [String: String] = [:]) throws -> CheckpointReference {
    try saveCheckpoint(to: url, metadata: metadata, extraTensors: [:])
  }

  /// `saveCheckpoint(to:metadata:)` with more tensors next to the model's.
  func saveCheckpoint(to url: URL, metadata: [String: String], extraTensors: [String: SafeTensors.Entry])
    throws
    -> CheckpointReference
  {
    var tensors = extraTensors
    for (name, p) in namedTensors { tensors[name] = (p.value.shape, p.value.scalars) }
    var meta = metadata
    if let description = try? String(decoding: JSONEncoder().encode(modelDescription), as: UTF8.self) {
      meta["model"] = description
    }
    meta["library"] = "RealNVP \(realNVPLibraryVersion)"
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try SafeTensors.write(tensors, metadata: meta, to: url)
    return CheckpointReference(path: url.path, checksum: FNV1a64.ofFile(url.path) ?? "-")
  }

  /// Loads parameters and running statistics from a safetensors file written by
  /// `saveCheckpoint`. Checks every name and shape before changing anything, so a bad file
  /// leaves the model as it was.
  @discardableResult
  public func loadCheckpoint(from url: URL) throws -> SafeTensors.Contents {
    let contents = try SafeTensors.read(from: url)
    try load(contents, path: url.path)
    return contents
  }

  /// Throws `CheckpointMismatch.otherModel` when `contents` records a model description that
  /// differs from this model's (a file without one passes).
  func checkSameModel(_ contents: SafeTensors.Contents, path: String) throws {
    if let recorded = contents.metadata["model"],
      let found = try? JSONDecoder().decode(ModelDescription.self, from: Data(recorded.utf8)),
      case let differences = found.differences(from: modelDescription), !differences.isEmpty
    {
      throw CheckpointMismatch.otherModel(path: path, differences: differences)
    }
  }

  /// Checks every name and shape of `contents` against the model, then copies the values in.
  func load(_ contents: SafeTensors.Contents, path: String) throws {
    let url = URL(fileURLWithPath: path)
    let targets = namedTensors
    for (name, p) in targets {
      guard let entry = contents.tensors[name] else {
        throw CheckpointMismatch.missingTensor(name: name, path: url.path)
      }
      guard entry.shape == p.value.shape else {
        throw CheckpointMismatch.wrongShape(
          name: name, expected: p.value.shape, found: entry.shape, path: url.path)
      }
    }
    for (name, p) in targets {
      let entry = contents.tensors[name]!
      p.value = Tensor(shape: entry.shape, scalars: entry.scalars)
    }
  }
}
