import TensorCore

/// A 2D convolution (stride 1, same padding) with bias and optional weight normalization.
///
/// With weight norm the kernel is w = g * v / ||v|| per output channel (Salimans & Kingma),
/// g initialized to ||v|| so that w starts equal to v.
public final class Conv2d {
  /// The direction parameter v (or the plain kernel without weight norm): [out, in, k, k].
  public let weight: Parameter
  /// The per-output-channel norm g, present with weight norm: [out].
  public let gain: Parameter?
  /// The bias: [out].
  public let bias: Parameter

  /// A convolution initialized like PyTorch's default (uniform in ±1/sqrt(fan-in)).
  public init(
    inChannels: Int, outChannels: Int, kernelSize: Int, weightNorm: Bool, name: String,
    using rng: inout RandomGenerator
  ) {
    precondition(kernelSize == 1 || kernelSize == 3, "Conv2d supports 1x1 and 3x3 kernels, got \(kernelSize)")
    let bound = 1 / Float(inChannels * kernelSize * kernelSize).squareRoot()
    let v = Tensor.uniform(
      [outChannels, inChannels, kernelSize, kernelSize], low: -bound, high: bound, using: &rng)
    weight = Parameter(v, name: "\(name).weight")
    gain = weightNorm ? Parameter(sqrt(v.squared().sum(axes: [1, 2, 3])), name: "\(name).gain") : nil
    bias = Parameter(.uniform([outChannels], low: -bound, high: bound, using: &rng), name: "\(name).bias")
  }

  /// A convolution whose kernel and bias start at zero (the coupling's output layer).
  public init(zeroInitializedFrom inChannels: Int, to outChannels: Int, kernelSize: Int, name: String) {
    weight = Parameter(.zeros([outChannels, inChannels, kernelSize, kernelSize]), name: "\(name).weight")
    gain = nil
    bias = Parameter(.zeros([outChannels]), name: "\(name).bias")
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

  /// The kernel (or v and g) and the bias.
  public var parameters: [Parameter] { [weight] + (gain.map { [$0] } ?? []) + [bias] }
}

/// A fully connected layer y = x W^T + b for [N, in] inputs.
public final class Linear {
  /// The weight: [out, in].
  public let weight: Parameter
  /// The bias: [out].
  public let bias: Parameter

  /// A layer initialized like PyTorch's default, or at zero with `zeroInitialized`.
  public init(
    inFeatures: Int, outFeatures: Int, zeroInitialized: Bool = false, name: String,
    using rng: inout RandomGenerator
  ) {
    let bound = zeroInitialized ? 0 : 1 / Float(inFeatures).squareRoot()
    weight = Parameter(
      .uniform([outFeatures, inFeatures], low: -bound, high: bound, using: &rng), name: "\(name).weight")
    bias = Parameter(.uniform([outFeatures], low: -bound, high: bound, using: &rng), name: "\(name).bias")
  }

  /// Maps [N, in] to [N, out].
  public func callAsFunction(_ x: Tensor) -> Tensor {
    matmul(x, weight.value.transposed()) + bias.value
  }

  /// The weight and the bias.
  public var parameters: [Parameter] { [weight, bias] }
}

/// Instance normalization over H x W per sample and channel, with a learned scale and offset.
public final class InstanceNorm2d {
  /// The per-channel scale: [C], starting at 1.
  public let scale: Parameter
  /// The per-channel offset: [C], starting at 0.
  public let offset: Parameter
  /// Added to the variance before the square root.
  public let epsilon: Float

  /// Creates the layer for `channels` channels.
  public init(channels: Int, epsilon: Float = 1e-5, name: String) {
    scale = Parameter(.ones([channels]), name: "\(name).scale")
    offset = Parameter(.zeros([channels]), name: "\(name).offset")
    self.epsilon = epsilon
  }

  /// Normalizes `x` ([N, C, H, W]).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    instanceNorm(x, scale: scale.value, offset: offset.value, epsilon: epsilon)
  }

  /// relu(self(x)) in one fused kernel.
  public func withReLU(_ x: Tensor) -> Tensor {
    instanceNorm(x, scale: scale.value, offset: offset.value, epsilon: epsilon, fusedReLU: true)
  }

  /// The scale and the offset.
  public var parameters: [Parameter] { [scale, offset] }
}
