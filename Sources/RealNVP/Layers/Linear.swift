import TensorCore

/// A fully connected layer y = x W^T + b for [N, in] inputs.
public final class Linear: Module {
  /// The weight: [out, in].
  public let weight: Parameter
  /// The bias: [out].
  public let bias: Parameter

  /// A layer initialized like PyTorch's default, or at zero with `zeroInitialized`.
  public init(
    inFeatures: Int, outFeatures: Int, zeroInitialized: Bool = false, using rng: inout RandomGenerator
  ) {
    let bound = zeroInitialized ? 0 : 1 / Float(inFeatures).squareRoot()
    weight = Parameter(.uniform([outFeatures, inFeatures], low: -bound, high: bound, using: &rng))
    bias = Parameter(.uniform([outFeatures], low: -bound, high: bound, using: &rng))
  }

  /// Maps [N, in] to [N, out].
  public func callAsFunction(_ x: Tensor) -> Tensor {
    matmul(x, weight.value.transposed()) + bias.value
  }
}
