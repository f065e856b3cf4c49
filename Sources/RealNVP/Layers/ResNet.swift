import TensorCore

/// A ResNet for images: input 3x3 conv to `hidden` channels, residual blocks, then norm + ReLU
/// and a zero-initialized 3x3 conv to `outputs` channels (so a fresh coupling is the identity).
public final class ResNet {
  let inputConv: Conv2d
  let blocks: [ResidualBlock]
  let outputNorm: InstanceNorm2d
  let outputConv: Conv2d

  /// Creates the network from `channels` to `outputs` channels; parameters are named under `name`.
  public init(
    channels: Int, hidden: Int, blocks: Int, outputs: Int, weightNorm: Bool, name: String,
    using rng: inout RandomGenerator
  ) {
    inputConv = Conv2d(
      inChannels: channels, outChannels: hidden, kernelSize: 3, weightNorm: weightNorm,
      name: "\(name).in", using: &rng)
    self.blocks = (0..<blocks).map {
      ResidualBlock(channels: hidden, weightNorm: weightNorm, name: "\(name).block\($0)", using: &rng)
    }
    outputNorm = InstanceNorm2d(channels: hidden, name: "\(name).outNorm")
    outputConv = Conv2d(zeroInitializedFrom: hidden, to: outputs, kernelSize: 3, name: "\(name).out")
  }

  /// The network's output, [N, outputs, H, W].
  public func callAsFunction(_ x: Tensor) -> Tensor {
    var h = inputConv(x)
    for block in blocks { h = block(h) }
    return outputConv(outputNorm.withReLU(h))
  }

  /// Every layer's parameters, input to output.
  public var parameters: [Parameter] {
    inputConv.parameters + blocks.flatMap(\.parameters) + outputNorm.parameters + outputConv.parameters
  }
}
