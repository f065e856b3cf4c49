import TensorCore

// MARK: - ResNet s/t network for images

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

/// s and t from one ResNet trunk with 2C outputs (raw scale, then shift): half the parameters
/// of `SeparateResNetCouplingNetwork` at the same width.
public final class ResNetCouplingNetwork: CouplingNetwork {
  let trunk: ResNet

  /// Creates the network for inputs of `channels` channels.
  public init(
    channels: Int, hidden: Int, blocks: Int, weightNorm: Bool, name: String,
    using rng: inout RandomGenerator
  ) {
    trunk = ResNet(
      channels: channels, hidden: hidden, blocks: blocks, outputs: 2 * channels, weightNorm: weightNorm,
      name: name, using: &rng)
  }

  /// Raw scale and shift, each [N, C, H, W].
  public func callAsFunction(_ maskedInput: Tensor) -> (rawScale: Tensor, shift: Tensor) {
    let st = trunk(maskedInput).chunked(2, axis: 1)
    return (st[0], st[1])
  }

  /// The trunk's parameters.
  public var parameters: [Parameter] { trunk.parameters }
}

/// s and t from two separate ResNets, as the post builds them (`NAME.s.*` and `NAME.t.*`).
public final class SeparateResNetCouplingNetwork: CouplingNetwork {
  let scaleNetwork: ResNet
  let shiftNetwork: ResNet

  /// Creates the two networks for inputs of `channels` channels (s drawn first, then t).
  public init(
    channels: Int, hidden: Int, blocks: Int, weightNorm: Bool, name: String,
    using rng: inout RandomGenerator
  ) {
    scaleNetwork = ResNet(
      channels: channels, hidden: hidden, blocks: blocks, outputs: channels, weightNorm: weightNorm,
      name: "\(name).s", using: &rng)
    shiftNetwork = ResNet(
      channels: channels, hidden: hidden, blocks: blocks, outputs: channels, weightNorm: weightNorm,
      name: "\(name).t", using: &rng)
  }

  /// Raw scale and shift, each [N, C, H, W].
  public func callAsFunction(_ maskedInput: Tensor) -> (rawScale: Tensor, shift: Tensor) {
    (scaleNetwork(maskedInput), shiftNetwork(maskedInput))
  }

  /// The s network's parameters, then the t network's.
  public var parameters: [Parameter] { scaleNetwork.parameters + shiftNetwork.parameters }
}

// MARK: - MLP s/t network for 2D points

/// An MLP for vector data: `layers` hidden ReLU layers of `hidden` units and a zero-initialized
/// output layer producing raw scale and shift.
public final class MLPCouplingNetwork: CouplingNetwork {
  let hiddenLayers: [Linear]
  let output: Linear

  /// Creates the network for `dimensions`-dimensional inputs.
  public init(dimensions: Int, hidden: Int, layers: Int = 2, name: String, using rng: inout RandomGenerator) {
    precondition(layers >= 1, "An MLP coupling network needs at least one hidden layer, got \(layers)")
    hiddenLayers = (0..<layers).map { i in
      Linear(
        inFeatures: i == 0 ? dimensions : hidden, outFeatures: hidden, name: "\(name).hidden\(i)", using: &rng
      )
    }
    output = Linear(
      inFeatures: hidden, outFeatures: 2 * dimensions, zeroInitialized: true, name: "\(name).out", using: &rng
    )
  }

  /// Raw scale and shift, each [N, D].
  public func callAsFunction(_ maskedInput: Tensor) -> (rawScale: Tensor, shift: Tensor) {
    let h = hiddenLayers.reduce(maskedInput) { relu($1($0)) }
    let st = output(h).chunked(2, axis: 1)
    return (st[0], st[1])
  }

  /// Hidden layers' then the output layer's parameters.
  public var parameters: [Parameter] { hiddenLayers.flatMap(\.parameters) + output.parameters }
}
