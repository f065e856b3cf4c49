import TensorCore

/// Which variables a coupling layer keeps (mask 1) and which it transforms (mask 0).
public enum CouplingMask: Equatable, CustomStringConvertible {
  /// Spatial checkerboard over H x W; parity 0 keeps positions where (h + w) is even.
  case checkerboard(parity: Int)
  /// Channel-wise; parity 0 keeps the first half of the channels.
  case channelwise(parity: Int)
  /// For 2D points: parity 0 keeps coordinate 0 (mask [1, 0]), parity 1 keeps coordinate 1.
  case vector(parity: Int)

  /// A short description such as "checkerboard(0)".
  public var description: String {
    switch self {
    case .checkerboard(let p): return "checkerboard(\(p))"
    case .channelwise(let p): return "channelwise(\(p))"
    case .vector(let p): return "vector(\(p))"
    }
  }

  /// The same kind of mask with the other parity.
  public var flipped: CouplingMask {
    switch self {
    case .checkerboard(let p): return .checkerboard(parity: 1 - p)
    case .channelwise(let p): return .channelwise(parity: 1 - p)
    case .vector(let p): return .vector(parity: 1 - p)
    }
  }

  /// The binary mask b, shaped to broadcast against inputs of `shape` ([N, C, H, W] or [N, D]).
  public func tensor(for shape: [Int]) -> Tensor {
    switch self {
    case .checkerboard(let parity):
      precondition(shape.count == 4, "A checkerboard mask needs [N, C, H, W] inputs, got \(shape)")
      let (h, w) = (shape[2], shape[3])
      let values = (0..<(h * w)).map { i in Float(((i / w + i % w + parity) % 2 == 0) ? 1 : 0) }
      return Tensor(shape: [1, 1, h, w], scalars: values)
    case .channelwise(let parity):
      precondition(shape.count == 4, "A channel-wise mask needs [N, C, H, W] inputs, got \(shape)")
      let c = shape[1]
      precondition(c % 2 == 0, "A channel-wise mask needs an even channel count, got \(c)")
      let values = (0..<c).map { i in Float((i < c / 2) == (parity == 0) ? 1 : 0) }
      return Tensor(shape: [1, c, 1, 1], scalars: values)
    case .vector(let parity):
      precondition(shape.count == 2, "A vector mask needs [N, D] inputs, got \(shape)")
      let d = shape[1]
      let values = (0..<d).map { i in Float((i % 2 == parity) ? 1 : 0) }
      return Tensor(shape: [1, d], scalars: values)
    }
  }
}
