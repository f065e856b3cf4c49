import Foundation
import TensorCore

/// Training data with its provenance: 2D points or images, plus where they came from.
/// `Datasets` makes them; the training loop batches them; run records fingerprint them.
public struct Dataset: DescribedTrainingData {
  /// The samples.
  public enum Samples: Sendable {
    /// 2D points.
    case points(PointSet)
    /// Images, pixels 0...255, NCHW.
    case images(ImageDataset)
  }

  /// The samples.
  public let samples: Samples
  /// Where they came from.
  public let source: DataSource

  /// Wraps samples with their source.
  public init(_ samples: Samples, source: DataSource) {
    self.samples = samples
    self.source = source
  }

  /// Number of samples.
  public var count: Int {
    switch samples {
    case .points(let p): return p.count
    case .images(let i): return i.count
    }
  }

  /// Shape of one sample: [2] or [C, H, W].
  public var sampleShape: [Int] {
    switch samples {
    case .points: return [2]
    case .images(let i): return i.imageShape
    }
  }

  /// The samples at `indices` as a tensor: [n, 2] points or [n, C, H, W] pixel values.
  public func batch(_ indices: [Int]) -> Tensor {
    switch samples {
    case .points(let p):
      var values = [Float]()
      values.reserveCapacity(2 * indices.count)
      for i in indices {
        let point = p[i]
        values += [point.x, point.y]
      }
      return Tensor(shape: [indices.count, 2], scalars: values)
    case .images(let images):
      let (scalars, shape) = images.floatBatch(indices: indices)
      return Tensor(shape: shape, scalars: scalars)
    }
  }

  /// Every sample as one tensor.
  public var tensor: Tensor { batch(Array(0..<count)) }

  /// The first `n` samples (same source, recorded as a limit where the source has one).
  public func prefix(_ n: Int) -> Dataset {
    switch samples {
    case .points(let p):
      let k = min(n, p.count)
      let points = PointSet(points: Array(p.points[0..<(2 * k)]), labels: Array(p.labels[0..<k]))
      return Dataset(.points(points), source: .inMemory(description: "first \(k) of \(source.name)"))
    case .images(let i):
      let limited: DataSource
      switch source {
      case .idx(let d, let s, _): limited = .idx(directory: d, split: s, limit: n)
      case .cifar10(let d, let s, _): limited = .cifar10(directory: d, split: s, limit: n)
      case .celebA(let d, let size, _): limited = .celebA(directory: d, size: size, limit: n)
      default: limited = .inMemory(description: "first \(n) of \(source.name)")
      }
      return Dataset(.images(i.prefix(n)), source: limited)
    }
  }

  /// Source, size, sample shape and FNV-1a checksum of the samples' bytes.
  public var fingerprint: DatasetFingerprint {
    var checksum = FNV1a64()
    switch samples {
    case .points(let p): checksum.update(floats: p.points)
    case .images(let i): checksum.update(i.pixels)
    }
    return DatasetFingerprint(source: source, count: count, sampleShape: sampleShape, checksum: checksum.hex)
  }
}

extension TensorData: DescribedTrainingData {
  /// An in-memory fingerprint (not reloadable).
  public var fingerprint: DatasetFingerprint {
    var checksum = FNV1a64()
    checksum.update(floats: samples.scalars)
    return DatasetFingerprint(
      source: .inMemory(description: "tensor \(samples.shape)"), count: count,
      sampleShape: Array(samples.shape.dropFirst()), checksum: checksum.hex)
  }
}
