import TensorCore

/// The multi-scale split of Real NVP: the first half of the channels leaves for the latent, and
/// the other half goes on through `rest` (the coarser scales). The output is flat, [N, D]: the
/// factored-out half, then what `rest` returns.
public final class FactorOut: Module, Flow {
  /// The flow the kept half goes through; its output is flattened.
  public let rest: Flow
  /// The shape of this layer's input without the batch axis, [C, H, W].
  public let inputShape: [Int]

  /// Splits inputs shaped [N] + `inputShape` (C even) and sends the second half through `rest`.
  public init(inputShape: [Int], rest: Flow) {
    precondition(
      inputShape.count == 3 && inputShape[0] % 2 == 0,
      "FactorOut needs inputs [C, H, W] with an even C, got \(inputShape)")
    self.inputShape = inputShape
    self.rest = rest
  }

  private var halfShape: [Int] { [inputShape[0] / 2, inputShape[1], inputShape[2]] }
  private var halfSize: Int { halfShape.reduce(1, *) }

  /// [N, C, H, W] to [N, D]: the first C/2 channels flat, then `rest` of the other C/2.
  public func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
    precondition(
      Array(x.shape.dropFirst()) == inputShape, "FactorOut expects [N] + \(inputShape), got \(x.shape)")
    let n = x.shape[0]
    let halves = x.split(sizes: [inputShape[0] / 2, inputShape[0] / 2], axis: 1)
    let (kept, logDet) = rest.forward(halves[1], training: training)
    let flat = [halves[0].reshaped([n, halfSize]), kept.reshaped([n, kept.scalarCount / n])]
    return (Tensor.concatenated(flat, axis: 1), logDet)
  }

  /// [N, D] back to [N, C, H, W].
  public func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    let n = z.shape[0]
    precondition(
      z.rank == 2 && z.shape[1] == 2 * halfSize, "FactorOut expects [N, \(2 * halfSize)], got \(z.shape)")
    let parts = z.split(sizes: [halfSize, halfSize], axis: 1)
    let (kept, logDet) = rest.inverse(parts[1])
    let factored = parts[0].reshaped([n] + halfShape)
    return (Tensor.concatenated([factored, kept.reshaped([n] + halfShape)], axis: 1), logDet)
  }

  /// The rest, which a sequence holding this split names as its own layers.
  public var arrangedFlows: [Flow]? { [rest] }
}

/// [N, C, H, W] to [N, C*H*W] and back; a permutation, so log|det J| = 0.
public final class Flatten: Module, Flow {
  /// The shape of one input without the batch axis.
  public let inputShape: [Int]

  /// Flattens inputs shaped [N] + `inputShape`.
  public init(inputShape: [Int]) {
    self.inputShape = inputShape
  }

  /// To [N, D].
  public func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
    (x.reshaped([x.shape[0], x.scalarCount / x.shape[0]]), .zeros([x.shape[0]]))
  }

  /// Back to [N] + `inputShape`.
  public func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    (z.reshaped([z.shape[0]] + inputShape), .zeros([z.shape[0]]))
  }
}
