import Foundation
import TensorCore

/// Raised when a checkpoint does not fit the model it is loaded into.
public enum CheckpointMismatch: Error, CustomStringConvertible {
  /// The file's tensors are not the model's (`tensors`), or, for a training checkpoint, it was
  /// written by a model with other settings (`settings`, each "name: checkpoint's vs this
  /// model's").
  case otherModel(path: String, settings: [String], tensors: TensorDifferences)
  /// The file holds a model but no training resume point.
  case notResumable(path: String)

  /// A sentence naming the file and what differs.
  public var description: String {
    switch self {
    case .otherModel(let path, let settings, let tensors):
      var lines = ["Checkpoint \(path) was written by another model"]
      if !settings.isEmpty {
        lines.append(
          "its settings differ from this one's (checkpoint vs this model):\n  "
            + settings.joined(separator: "\n  "))
      }
      if !tensors.isEmpty { lines.append(tensors.description) }
      return lines.joined(separator: "; ")
    case .notResumable(let path):
      return "Checkpoint \(path) holds a model but no training position to resume from "
        + "(write it with saveTrainingCheckpoint)"
    }
  }
}

/// How a checkpoint's tensors differ from a model's, by name.
public struct TensorDifferences: Equatable, Sendable, CustomStringConvertible {
  /// Names the model has and the file lacks.
  public var missing: [String] = []
  /// Names the file has and the model lacks.
  public var unexpected: [String] = []
  /// Names in both with other shapes: "name: checkpoint's [..] vs this model's [..]".
  public var misshaped: [String] = []

  /// Whether the tensors match.
  public var isEmpty: Bool { missing.isEmpty && unexpected.isEmpty && misshaped.isEmpty }

  /// The differences, a list of each kind (the first 20 names of each).
  public var description: String {
    func list(_ title: String, _ names: [String]) -> String? {
      guard !names.isEmpty else { return nil }
      let shown = names.prefix(20).joined(separator: ", ")
      return "\(names.count) \(title): \(shown)\(names.count > 20 ? ", and \(names.count - 20) more" : "")"
    }
    return [
      list("missing from the checkpoint", missing), list("not in this model", unexpected),
      list("with another shape (checkpoint vs this model)", misshaped),
    ].compactMap { $0 }.joined(separator: "; ")
  }

  /// Compares `file`'s tensors with `model`'s (name to shape); names starting with one of
  /// `ignoring` (the optimizer's state) are not the model's and not counted as unexpected.
  init(model: [String: [Int]], file: [String: [Int]], ignoring prefixes: [String] = []) {
    for (name, shape) in model.sorted(by: { $0.key < $1.key }) {
      guard let found = file[name] else {
        missing.append(name)
        continue
      }
      if found != shape { misshaped.append("\(name): \(found) vs \(shape)") }
    }
    unexpected = file.keys.filter { name in
      model[name] == nil && !prefixes.contains { name.hasPrefix($0) }
    }.sorted()
  }
}

extension DensityModel {
  /// Every parameter and buffer by name, for checkpoints.
  var checkpointTensors: [String: NamedTensor] {
    Dictionary(namedTensors.map { ($0.name, $0) }) { first, _ in first }
  }

  /// Writes every parameter and buffer to a safetensors file, atomically; the model
  /// description goes into the metadata. Returns the file's checksum reference.
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
    for (name, tensor) in checkpointTensors { tensors[name] = (tensor.value.shape, tensor.value.scalars) }
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

  /// Loads parameters and buffers from a safetensors file written by `saveCheckpoint` (or
  /// `saveTrainingCheckpoint`). Checks every name and shape before changing anything, so a
  /// file of another model leaves this one as it was and throws `CheckpointMismatch` listing
  /// the missing, unexpected and mis-shaped names.
  @discardableResult
  public func loadCheckpoint(from url: URL) throws -> SafeTensors.Contents {
    let contents = try SafeTensors.read(from: url)
    try load(contents, path: url.path, requireSameSettings: false)
    return contents
  }

  /// The settings in which the model recorded in `contents` differs from this one (none when
  /// the file records no model).
  func settingsDifferences(_ contents: SafeTensors.Contents) -> [String] {
    guard let recorded = contents.metadata["model"],
      let found = try? JSONDecoder().decode(ModelDescription.self, from: Data(recorded.utf8))
    else { return [] }
    return found.differences(from: modelDescription)
  }

  /// Checks every name and shape of `contents` against the model (and, with
  /// `requireSameSettings`, the recorded model description), then copies the values in.
  func load(_ contents: SafeTensors.Contents, path: String, requireSameSettings: Bool) throws {
    try check(contents, path: path, requireSameSettings: requireSameSettings)
    for (name, tensor) in checkpointTensors {
      let entry = contents.tensors[name]!
      tensor.value = Tensor(shape: entry.shape, scalars: entry.scalars)
    }
  }

  /// Throws `CheckpointMismatch.otherModel` unless `contents` has exactly the model's tensor
  /// names and shapes (and, with `requireSameSettings`, its recorded description matches).
  func check(_ contents: SafeTensors.Contents, path: String, requireSameSettings: Bool) throws {
    let tensors = TensorDifferences(
      model: checkpointTensors.mapValues(\.value.shape), file: contents.tensors.mapValues(\.shape),
      ignoring: optimizerTensorPrefixes)
    let settings = settingsDifferences(contents)
    if !tensors.isEmpty || (requireSameSettings && !settings.isEmpty) {
      throw CheckpointMismatch.otherModel(path: path, settings: settings, tensors: tensors)
    }
  }
}
