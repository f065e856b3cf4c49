import TensorCore

// MARK: - s/t networks for images

/// s and t from one ResNet trunk with 2C outputs (raw scale, then shift): half the parameters
/// of `SeparateResNetCouplingNetwork` at the same width.
public final class ResNetCouplingNetwork: Module, CouplingNetwork {
  @Key("") var trunk: ResNet

  /// Creates the network for inputs of `channels` channels.
  public init(channels: Int, hidden: Int, blocks: Int, weightNorm: Bool, using rng: inout RandomGenerator) {
    super.init()
    trunk = ResNet(
      channels: channels, hidden: hidden, blocks: blocks, outputs: 2 * channels, weightNorm: weightNorm,
      using: &rng)
  }

  /// Raw scale and shift, each [N, C, H, W].
  public func callAsFunction(_ maskedInput: Tensor) -> (rawScale: Tensor, shift: Tensor) {
    let st = trunk(maskedInput).chunked(2, axis: 1)
    return (st[0], st[1])
  }
}

/// s and t from two separate ResNets, as the post builds them (named `s.*` and `t.*`).
public final class SeparateResNetCouplingNetwork: Module, CouplingNetwork {
  @Key("s") var scaleNetwork: ResNet
  @Key("t") var shiftNetwork: ResNet

  /// Creates the two networks for inputs of `channels` channels (s drawn first, then t).
  public init(channels: Int, hidden: Int, blocks: Int, weightNorm: Bool, using rng: inout RandomGenerator) {
    super.init()
    scaleNetwork = ResNet(
      channels: channels, hidden: hidden, blocks: blocks, outputs: channels, weightNorm: weightNorm,
      using: &rng)
    shiftNetwork = ResNet(
      channels: channels, hidden: hidden, blocks: blocks, outputs: channels, weightNorm: weightNorm,
      using: &rng)
  }

  /// Raw scale and shift, each [N, C, H, W].
  public func callAsFunction(_ maskedInput: Tensor) -> (rawScale: Tensor, shift: Tensor) {
    (scaleNetwork(maskedInput), shiftNetwork(maskedInput))
  }
}

// MARK: - s/t networks for 2D points

/// `layers` hidden ReLU layers of `hidden` units and a zero-initialized output layer.
final class MLP: Module {
  @Key("hidden#") var hiddenLayers: [Linear]
  @Key("out") var output: Linear

  init(inputs: Int, hidden: Int, layers: Int, outputs: Int, using rng: inout RandomGenerator) {
    precondition(layers >= 1, "An MLP coupling network needs at least one hidden layer, got \(layers)")
    super.init()
    hiddenLayers = (0..<layers).map { i in
      Linear(inFeatures: i == 0 ? inputs : hidden, outFeatures: hidden, using: &rng)
    }
    output = Linear(inFeatures: hidden, outFeatures: outputs, zeroInitialized: true, using: &rng)
  }

  func callAsFunction(_ x: Tensor) -> Tensor { output(hiddenLayers.reduce(x) { relu($1($0)) }) }
}

/// One MLP for vector data whose output layer gives both the raw scale and the shift; with
/// `boundedShift` the shift passes through tanh.
public final class MLPCouplingNetwork: Module, CouplingNetwork {
  @Key("") var network: MLP
  let boundedShift: Bool

  /// Creates the network for `dimensions`-dimensional inputs.
  public init(
    dimensions: Int, hidden: Int, layers: Int = 2, boundedShift: Bool = false,
    using rng: inout RandomGenerator
  ) {
    self.boundedShift = boundedShift
    super.init()
    network = MLP(inputs: dimensions, hidden: hidden, layers: layers, outputs: 2 * dimensions, using: &rng)
  }

  /// Raw scale and shift, each [N, D].
  public func callAsFunction(_ maskedInput: Tensor) -> (rawScale: Tensor, shift: Tensor) {
    let st = network(maskedInput).chunked(2, axis: 1)
    return (st[0], boundedShift ? tanh(st[1]) : st[1])
  }
}

/// Separate s and t MLPs for vector data (named `s.*` and `t.*`), as the post builds them;
/// with `boundedShift` the shift passes through tanh, as the post's does.
public final class SeparateMLPCouplingNetwork: Module, CouplingNetwork {
  @Key("s") var scaleNetwork: MLP
  @Key("t") var shiftNetwork: MLP
  let boundedShift: Bool

  /// Creates the two networks for `dimensions`-dimensional inputs (s drawn first, then t).
  public init(
    dimensions: Int, hidden: Int, layers: Int = 3, boundedShift: Bool = true, using rng: inout RandomGenerator
  ) {
    self.boundedShift = boundedShift
    super.init()
    scaleNetwork = MLP(inputs: dimensions, hidden: hidden, layers: layers, outputs: dimensions, using: &rng)
    shiftNetwork = MLP(inputs: dimensions, hidden: hidden, layers: layers, outputs: dimensions, using: &rng)
  }

  /// Raw scale and shift, each [N, D].
  public func callAsFunction(_ maskedInput: Tensor) -> (rawScale: Tensor, shift: Tensor) {
    let shift = shiftNetwork(maskedInput)
    return (scaleNetwork(maskedInput), boundedShift ? tanh(shift) : shift)
  }
}
