import TensorCore

/// A ResNet for images: input 3x3 conv to `hidden` channels, residual blocks, then norm + ReLU
/// and a zero-initialized 3x3 conv to `outputs` channels (so a fresh coupling is the identity).
public final class ResNet: Module {
  @Key("in") var inputConv: Conv2d
  @Key("block#") var blocks: [ResidualBlock]
  @Key("outNorm") var outputNorm: InstanceNorm2d
  @Key("out") var outputConv: Conv2d

  /// Creates the network from `channels` to `outputs` channels.
  public init(
    channels: Int, hidden: Int, blocks: Int, outputs: Int, weightNorm: Bool, using rng: inout RandomGenerator
  ) {
    super.init()
    inputConv = Conv2d(
      inChannels: channels, outChannels: hidden, kernelSize: 3, weightNorm: weightNorm, using: &rng)
    self.blocks = (0..<blocks).map { _ in ResidualBlock(channels: hidden, weightNorm: weightNorm, using: &rng)
    }
    outputNorm = InstanceNorm2d(channels: hidden)
    outputConv = Conv2d(zeroInitializedFrom: hidden, to: outputs, kernelSize: 3)
  }

  /// The network's output, [N, outputs, H, W].
  public func callAsFunction(_ x: Tensor) -> Tensor {
    var h = inputConv(x)
    for block in blocks { h = block(h) }
    return outputConv(outputNorm.withReLU(h))
  }
}
