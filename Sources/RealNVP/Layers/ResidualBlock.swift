import TensorCore

/// A BasicBlock: two 3x3 convolutions with instance norm and ReLU, plus the residual.
public final class ResidualBlock: Module {
  let norm1: InstanceNorm2d
  let conv1: Conv2d
  let norm2: InstanceNorm2d
  let conv2: Conv2d

  /// Creates a block of `channels` channels.
  public init(channels: Int, weightNorm: Bool, using rng: inout RandomGenerator) {
    norm1 = InstanceNorm2d(channels: channels)
    conv1 = Conv2d(
      inChannels: channels, outChannels: channels, kernelSize: 3, weightNorm: weightNorm, using: &rng)
    norm2 = InstanceNorm2d(channels: channels)
    conv2 = Conv2d(
      inChannels: channels, outChannels: channels, kernelSize: 3, weightNorm: weightNorm, using: &rng)
  }

  /// x + conv2(relu(norm2(conv1(relu(norm1(x)))))).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    x + conv2(norm2.withReLU(conv1(norm1.withReLU(x))))
  }
}
