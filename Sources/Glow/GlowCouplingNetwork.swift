import RealNVP
import TensorCore

/// Glow's coupling network: a 3x3 convolution to `hidden` channels, ReLU, a 1x1 convolution,
/// ReLU, and a zero-initialized 3x3 convolution to 2C channels (raw scale, then shift), so a
/// fresh coupling barely changes its input.
public final class GlowCouplingNetwork: Module, CouplingNetwork {
  @Key("in") var inputConv: Conv2d
  @Key("mid") var middleConv: Conv2d
  @Key("out") var outputConv: Conv2d

  /// A network for inputs of `channels` channels.
  public init(channels: Int, hidden: Int, using rng: inout RandomGenerator) {
    super.init()
    inputConv = Conv2d(
      inChannels: channels, outChannels: hidden, kernelSize: 3, weightNorm: false, using: &rng)
    middleConv = Conv2d(
      inChannels: hidden, outChannels: hidden, kernelSize: 1, weightNorm: false, using: &rng)
    outputConv = Conv2d(zeroInitializedFrom: hidden, to: 2 * channels, kernelSize: 3)
  }

  /// Raw scale and shift, each [N, C, H, W].
  public func callAsFunction(_ maskedInput: Tensor) -> (rawScale: Tensor, shift: Tensor) {
    let st = outputConv(relu(middleConv(relu(inputConv(maskedInput))))).chunked(2, axis: 1)
    return (st[0], st[1])
  }
}
