import Foundation

/// A trained model shipped in the repository's `models/` folder: a safetensors checkpoint next
/// to a JSON record (configuration, budget, test bits/dim, learning curve, sha256).
///
/// ```swift
/// let model = try MultiScaleRealNVP.pretrained(.mnist)
/// var rng = RandomGenerator(seed: 0)
/// let digits = model.sample(count: 64, temperature: 0.7, using: &rng)
/// ```
public enum PretrainedModel: String, CaseIterable, Sendable {
  /// Trained on MNIST digits.
  case mnist
  /// Trained on Fashion-MNIST clothing.
  case fashionMNIST = "fashion-mnist"

  /// The checkpoint's file name in the models folder.
  public var checkpointFile: String { "\(rawValue).safetensors" }

  /// The run record's file name in the models folder.
  public var recordFile: String { "\(rawValue).json" }

  /// The `realnvp data` name of the dataset it was trained on (and is evaluated on).
  public var dataset: String { rawValue }

  /// The folder the shipped models are read from: `$REALNVP_MODELS` when set, else the first
  /// `models` folder holding a record found from the working directory upward, else the
  /// repository this library was built from.
  public static var directory: URL {
    if let configured = ProcessInfo.processInfo.environment["REALNVP_MODELS"], !configured.isEmpty {
      return URL(fileURLWithPath: configured)
    }
    var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    for _ in 0..<8 {
      let candidate = folder.appendingPathComponent("models")
      if allCases.contains(where: {
        FileManager.default.fileExists(atPath: candidate.appendingPathComponent($0.recordFile).path)
      }) {
        return candidate
      }
      folder.deleteLastPathComponent()
    }
    // This file is Sources/RealNVP/Model/PretrainedModel.swift inside the repository.
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models")
  }

  /// The run record, as shipped.
  public func record(in directory: URL = PretrainedModel.directory) throws -> PretrainedRecord {
    try PretrainedRecord.named(rawValue, in: directory)
  }

  /// Loads the checkpoint after checking its sha256 against the record.
  public func load(from directory: URL = PretrainedModel.directory) throws -> MultiScaleRealNVP {
    let record = try record(in: directory)
    let url = directory.appendingPathComponent(checkpointFile)
    guard let pinned = record.sha256 else {
      throw PretrainedModelError.badRecord(
        path: directory.appendingPathComponent(recordFile).path,
        reason: "it pins no checkpoint (a record of a run whose weights are not shipped)")
    }
    guard let bytes = FileManager.default.contents(atPath: url.path) else {
      throw PretrainedModelError.missing(name: rawValue, path: url.path)
    }
    let digest = SHA256Hash.hex(of: bytes)
    guard digest == pinned else {
      throw PretrainedModelError.checksumMismatch(path: url.path, expected: pinned, found: digest)
    }
    let configuration = try ExperimentConfiguration.named(record.configuration)
    guard case .multiScale(let architecture, let seed) = configuration.model else {
      throw PretrainedModelError.badRecord(
        path: directory.appendingPathComponent(recordFile).path,
        reason: "configuration \(record.configuration) is not a multi-scale Real NVP")
    }
    let model = MultiScaleRealNVP(architecture, seed: seed)
    try model.loadCheckpoint(from: url)
    return model
  }
}

/// The part of a trained model's run record (`models/NAME.json`) that loading and reporting need.
///
/// Shipped models' records pin their checkpoint; records of models too large to ship carry the
/// same budget, test bits/dim and learning curve without one:
///
/// ```swift
/// let record = try PretrainedRecord.named("mnist-post-architecture")
/// print(record.configuration, record.testBitsPerDim.mean, record.learningCurve.count)
/// ```
public struct PretrainedRecord: Decodable, Sendable {
  /// The named configuration it was trained with (`realnvp train --config`).
  public var configuration: String
  /// The checkpoint's sha256, lowercase hex; nil when the weights are not shipped.
  public var sha256: String?
  /// The training budget in words: steps, batch, epochs, wall time, threads, machine, date.
  public var budget: String
  /// Test bits/dim: the mean over the noise draws, and their standard deviation.
  public var testBitsPerDim: BitsPerDim
  /// Test bits/dim after each epoch, from the run's journal.
  public var learningCurve: [EpochPoint]

  /// Mean and spread of test bits/dim over dequantization noise draws.
  public struct BitsPerDim: Decodable, Sendable {
    /// Mean over the draws.
    public var mean: Double
    /// Standard deviation over the draws.
    public var sd: Double
  }

  /// One epoch of the learning curve.
  public struct EpochPoint: Decodable, Sendable {
    /// The epoch, from 1.
    public var epoch: Int
    /// Optimizer steps so far.
    public var steps: Int
    /// Mean training bits/dim over the epoch.
    public var trainBitsPerDim: Double
    /// Test bits/dim at the end of the epoch.
    public var testBitsPerDim: Double?
    /// Seconds since the run started.
    public var wallSeconds: Double
  }

  /// Reads `NAME.json` from the models folder.
  public static func named(
    _ name: String, in directory: URL = PretrainedModel.directory
  ) throws -> PretrainedRecord {
    let url = directory.appendingPathComponent("\(name).json")
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw PretrainedModelError.missing(name: name, path: url.path)
    }
    do {
      return try JSONDecoder().decode(PretrainedRecord.self, from: data)
    } catch {
      throw PretrainedModelError.badRecord(path: url.path, reason: "\(error)")
    }
  }

  enum CodingKeys: String, CodingKey {
    case configuration, sha256, budget
    case testBitsPerDim = "test_bits_per_dim"
    case learningCurve = "learning_curve"
  }
}

/// A shipped model that cannot be loaded.
public enum PretrainedModelError: Error, CustomStringConvertible {
  /// The checkpoint or its record is not there.
  case missing(name: String, path: String)
  /// The record is not the JSON expected.
  case badRecord(path: String, reason: String)
  /// The checkpoint's bytes are not the ones the record pins.
  case checksumMismatch(path: String, expected: String, found: String)

  /// A sentence naming the file and what was expected.
  public var description: String {
    switch self {
    case .missing(let name, let path):
      return "The pretrained model \(name) is missing: no file \(path) (set REALNVP_MODELS to the folder "
        + "that holds \(name).safetensors and \(name).json)"
    case .badRecord(let path, let reason):
      return "The run record \(path) is not a pretrained model's record: \(reason)"
    case .checksumMismatch(let path, let expected, let found):
      return "\(path) has sha256 \(found), but its record pins \(expected): the file is damaged or replaced"
    }
  }
}

extension MultiScaleRealNVP {
  /// The trained model shipped under `models/` (see `PretrainedModel`), checked against its
  /// record's sha256.
  public static func pretrained(_ which: PretrainedModel) throws -> MultiScaleRealNVP {
    try which.load()
  }
}
