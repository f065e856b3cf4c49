import Foundation
import TensorCore

// MARK: - Splits

/// Which part of a dataset to load.
public enum DatasetSplit: String, Sendable, CaseIterable {
  /// The training images.
  case train
  /// The held-out test images.
  case test
}

// MARK: - Datasets

/// Training data with its provenance: 2D points, images, or any tensor of samples, plus where
/// they came from. `Datasets` loads them; the training loop batches them; run records
/// fingerprint them.
public struct Dataset: TrainingData {
  /// How the samples are held.
  enum Samples {
    /// 2D points.
    case points(PointSet)
    /// Images, pixels 0...255, NCHW.
    case images(ImageDataset)
    /// Any samples, [N, ...].
    case tensor(Tensor)
  }

  /// The samples.
  let samples: Samples
  /// Where they came from.
  public let source: DataSource

  /// Wraps samples with their source.
  init(_ samples: Samples, source: DataSource) {
    self.samples = samples
    self.source = source
  }

  /// Samples held in memory as one tensor whose first axis indexes them ([N, ...]).
  public init(_ samples: Tensor) {
    precondition(samples.rank >= 1, "A dataset needs samples [N, ...], got a scalar")
    self.init(.tensor(samples), source: .inMemory(description: "tensor \(samples.shape)"))
  }

  /// Number of samples.
  public var count: Int {
    switch samples {
    case .points(let p): return p.count
    case .images(let i): return i.count
    case .tensor(let t): return t.shape[0]
    }
  }

  /// The class of each sample, where the data have labels (MNIST's digits, the toy sets'
  /// components).
  public var labels: [Int]? {
    switch samples {
    case .points(let p): return p.labels
    case .images(let i): return i.labels
    case .tensor: return nil
    }
  }

  /// Shape of one sample: [2] or [C, H, W].
  public var sampleShape: [Int] {
    switch samples {
    case .points: return [2]
    case .images(let i): return i.imageShape
    case .tensor(let t): return Array(t.shape.dropFirst())
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
    case .tensor(let samples):
      let rowSize = samples.scalarCount / max(count, 1)
      var out = [Float]()
      out.reserveCapacity(indices.count * rowSize)
      samples.withUnsafeBufferPointer { all in
        for i in indices {
          precondition(i >= 0 && i < count, "Sample index \(i) is out of range 0..<\(count)")
          out.append(contentsOf: all[(i * rowSize)..<((i + 1) * rowSize)])
        }
      }
      return Tensor(shape: [indices.count] + sampleShape, scalars: out)
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
    case .tensor(let t):
      return Dataset(t.rows(0..<min(n, count)))
    }
  }

  /// Source, size, sample shape and FNV-1a checksum of the samples' bytes.
  public var fingerprint: DatasetFingerprint {
    var checksum = FNV1a64()
    switch samples {
    case .points(let p): checksum.update(floats: p.points)
    case .images(let i): checksum.update(i.pixels)
    case .tensor(let t): checksum.update(floats: t.scalars)
    }
    return DatasetFingerprint(source: source, count: count, sampleShape: sampleShape, checksum: checksum.hex)
  }
}
