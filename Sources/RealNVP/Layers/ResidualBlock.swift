import TensorCore

/// A BasicBlock: two 3x3 convolutions with instance norm and ReLU, plus the residual.
public final class ResidualBlock {
  let norm1: InstanceNorm2d
  let conv1: Conv2d
  let norm2: InstanceNorm2d
  let conv2: Conv2d

  /// Creates a block of `channels` channels.
  public init(channels: Int, weightNorm: Bool, name: String, using rng: inout RandomGenerator) {
    norm1 = InstanceNorm2d(channels: channels, name: "\(name).norm1")
    conv1 = Conv2d(
      inChannels: channels, outChannels: channels, kernelSize: 3, weightNorm: weightNorm,
      name: "\(name).conv1", using: &rng)
    norm2 = InstanceNorm2d(channels: channels, name: "\(name).norm2")
    conv2 = Conv2d(
      inChannels: channels, outChannels: channels, kernelSize: 3, weightNorm: weightNorm,
      name: "\(name).conv2", using: &rng)
  }

  /// x + conv2(relu(norm2(conv1(relu(norm1(x)))))).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    x + conv2(norm2.withReLU(conv1(norm1.withReLU(x))))
  }

  /// All four layers' parameters.
  public var parameters: [Parameter] {
    norm1.parameters + conv1.parameters + norm2.parameters + conv2.parameters
  }
}
