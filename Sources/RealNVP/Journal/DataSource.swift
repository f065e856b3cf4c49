import Foundation
import TensorCore

/// Where a run's data came from, precisely enough to load the same samples again.
public enum DataSource: Codable, Equatable, Sendable {
  /// A toy 2D generator ("moons", "circles", "blobs", "uniform") with its arguments.
  case toy(kind: String, count: Int, noise: Float, seed: UInt64)
  /// MNIST-format IDX files (MNIST, Fashion-MNIST) in `directory`.
  case idx(directory: String, split: String, limit: Int?)
  /// CIFAR-10 binary batches in `directory`.
  case cifar10(directory: String, split: String, limit: Int?)
  /// CelebA-style image folder, center-cropped and resized to `size`.
  case celebA(directory: String, size: Int, limit: Int?)
  /// The seeded synthetic stand-in images.
  case synthetic(count: Int, channels: Int, size: Int, seed: UInt64)
  /// Data built in memory by the caller: recorded by checksum only, not reloadable.
  case inMemory(description: String)

  /// A short human-readable name, e.g. "idx:/usr/share/datasets/fashion-mnist (train)".
  public var name: String {
    switch self {
    case .toy(let kind, let count, let noise, let seed):
      return "\(kind)(n=\(count), noise=\(noise), seed=\(seed))"
    case .idx(let directory, let split, _): return "idx:\(directory) (\(split))"
    case .cifar10(let directory, let split, _): return "cifar10:\(directory) (\(split))"
    case .celebA(let directory, let size, _): return "celeba:\(directory) (\(size)x\(size))"
    case .synthetic(let count, let channels, let size, let seed):
      return "synthetic(n=\(count), \(channels)x\(size)x\(size), seed=\(seed))"
    case .inMemory(let description): return "in-memory: \(description)"
    }
  }

  /// The folder the data was read from (what `realnvp train --data` was given), or nil for
  /// data that are generated or built in memory.
  public var directory: String? {
    switch self {
    case .idx(let directory, _, _), .cifar10(let directory, _, _), .celebA(let directory, _, _):
      return directory
    case .toy, .synthetic, .inMemory: return nil
    }
  }

  /// Loads the data again (throws a `DatasetError` naming the path if files are missing).
  public func load() throws -> Dataset {
    switch self {
    case .toy(let kind, let count, let noise, let seed):
      guard let points = Toy2D.named(kind, count: count, noise: noise, seed: seed) else {
        throw JournalError.cannotReplay(reason: "unknown toy dataset \"\(kind)\"")
      }
      return points
    case .idx(let directory, let split, let limit):
      return try Datasets.idx(directory: directory, split: try Self.split(split), limit: limit)
    case .cifar10(let directory, let split, let limit):
      return try Datasets.cifar10(directory: directory, split: try Self.split(split), limit: limit)
    case .celebA(let directory, let size, let limit):
      return try Datasets.celebA(directory: directory, size: size, limit: limit)
    case .synthetic(let count, let channels, let size, let seed):
      return Datasets.synthetic(count: count, channels: channels, size: size, seed: seed)
    case .inMemory(let description):
      throw JournalError.cannotReplay(
        reason: "the data was built in memory (\(description)) and cannot be reloaded")
    }
  }

  private static func split(_ name: String) throws -> DatasetSplit {
    guard let split = DatasetSplit(rawValue: name) else {
      throw JournalError.cannotReplay(reason: "unknown split \"\(name)\"; expected train or test")
    }
    return split
  }
}

/// A dataset as a run record holds it: source, size, sample shape and content checksum.
public struct DatasetFingerprint: Codable, Equatable, Sendable {
  /// Where it came from.
  public var source: DataSource
  /// Number of samples.
  public var count: Int
  /// Shape of one sample.
  public var sampleShape: [Int]
  /// FNV-1a 64 of the samples' bytes, hex.
  public var checksum: String
}
