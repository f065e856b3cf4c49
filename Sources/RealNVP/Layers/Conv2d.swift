import TensorCore

/// A 2D convolution (stride 1, same padding) with bias and optional weight normalization.
///
/// With weight norm the kernel is w = g * v / ||v|| per output channel (Salimans & Kingma),
/// g initialized to ||v|| so that w starts equal to v.
public final class Conv2d: Module {
  /// The direction parameter v (or the plain kernel without weight norm): [out, in, k, k].
  public let weight: Parameter
  /// The per-output-channel norm g, present with weight norm: [out].
  public let gain: Parameter?
  /// The bias: [out].
  public let bias: Parameter

  /// A convolution initialized like PyTorch's default (uniform in ±1/sqrt(fan-in)).
  public init(
    inChannels: Int, outChannels: Int, kernelSize: Int, weightNorm: Bool, using rng: inout RandomGenerator
  ) {
    precondition(kernelSize == 1 || kernelSize == 3, "Conv2d supports 1x1 and 3x3 kernels, got \(kernelSize)")
    let bound = 1 / Float(inChannels * kernelSize * kernelSize).squareRoot()
    let v = Tensor.uniform(
      [outChannels, inChannels, kernelSize, kernelSize], low: -bound, high: bound, using: &rng)
    weight = Parameter(v)
    gain = weightNorm ? Parameter(sqrt(v.squared().sum(axes: [1, 2, 3]))) : nil
    bias = Parameter(.uniform([outChannels], low: -bound, high: bound, using: &rng))
  }

  /// A convolution whose kernel and bias start at zero (the coupling's output layer).
  public init(zeroInitializedFrom inChannels: Int, to outChannels: Int, kernelSize: Int) {
    weight = Parameter(.zeros([outChannels, inChannels, kernelSize, kernelSize]))
    gain = nil
    bias = Parameter(.zeros([outChannels]))
  }

  /// The effective kernel: weight-normalized when `gain` is present.
  public var kernel: Tensor {
    guard let gain else { return weight.value }
    return weightNormalized(weight.value, gain.value)
  }

  /// Convolves `x` ([N, in, H, W]) to [N, out, H, W].
  public func callAsFunction(_ x: Tensor) -> Tensor {
    conv2d(x, kernel, bias: bias.value)
  }
}
