import TensorCore

/// A collection of samples the training loop can batch: points [N, 2] or pixels [N, C, H, W].
public protocol TrainingData {
  /// Number of samples.
  var count: Int { get }
  /// The samples at `indices`, stacked along the first axis, as the model expects them.
  func batch(_ indices: [Int]) -> Tensor
}

/// Samples stored as one tensor whose first axis indexes them.
public struct TensorData: TrainingData {
  /// All samples.
  public let samples: Tensor

  /// Wraps `samples` ([N, ...]).
  public init(_ samples: Tensor) {
    precondition(samples.rank >= 1, "TensorData needs at least one axis, got a scalar")
    self.samples = samples
  }

  /// Number of samples.
  public var count: Int { samples.shape[0] }

  /// The rows at `indices`.
  public func batch(_ indices: [Int]) -> Tensor {
    let rowSize = samples.scalarCount / max(count, 1)
    let all = samples.scalars
    var out = [Float]()
    out.reserveCapacity(indices.count * rowSize)
    for i in indices {
      precondition(i >= 0 && i < count, "Sample index \(i) is out of range 0..<\(count)")
      out.append(contentsOf: all[(i * rowSize)..<((i + 1) * rowSize)])
    }
    return Tensor(shape: [indices.count] + Array(samples.shape.dropFirst()), scalars: out)
  }
}
