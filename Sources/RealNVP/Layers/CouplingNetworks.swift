import TensorCore

// MARK: - s/t networks for images

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

// MARK: - s/t networks for 2D points

/// `layers` hidden ReLU layers of `hidden` units and a zero-initialized output layer.
final class MLP {
  let hiddenLayers: [Linear]
  let output: Linear

  init(inputs: Int, hidden: Int, layers: Int, outputs: Int, name: String, using rng: inout RandomGenerator) {
    precondition(layers >= 1, "An MLP coupling network needs at least one hidden layer, got \(layers)")
    hiddenLayers = (0..<layers).map { i in
      Linear(
        inFeatures: i == 0 ? inputs : hidden, outFeatures: hidden, name: "\(name).hidden\(i)", using: &rng)
    }
    output = Linear(
      inFeatures: hidden, outFeatures: outputs, zeroInitialized: true, name: "\(name).out", using: &rng)
  }

  func callAsFunction(_ x: Tensor) -> Tensor { output(hiddenLayers.reduce(x) { relu($1($0)) }) }

  var parameters: [Parameter] { hiddenLayers.flatMap(\.parameters) + output.parameters }
}

/// One MLP for vector data whose output layer gives both the raw scale and the shift; with
/// `boundedShift` the shift passes through tanh.
public final class MLPCouplingNetwork: CouplingNetwork {
  let network: MLP
  let boundedShift: Bool

  /// Creates the network for `dimensions`-dimensional inputs.
  public init(
    dimensions: Int, hidden: Int, layers: Int = 2, boundedShift: Bool = false, name: String,
    using rng: inout RandomGenerator
  ) {
    network = MLP(
      inputs: dimensions, hidden: hidden, layers: layers, outputs: 2 * dimensions, name: name, using: &rng)
    self.boundedShift = boundedShift
  }

  /// Raw scale and shift, each [N, D].
  public func callAsFunction(_ maskedInput: Tensor) -> (rawScale: Tensor, shift: Tensor) {
    let st = network(maskedInput).chunked(2, axis: 1)
    return (st[0], boundedShift ? tanh(st[1]) : st[1])
  }

  /// Hidden layers' then the output layer's parameters.
  public var parameters: [Parameter] { network.parameters }
}

/// Separate s and t MLPs for vector data (`NAME.s.*`, `NAME.t.*`), as the post builds them;
/// with `boundedShift` the shift passes through tanh, as the post's does.
public final class SeparateMLPCouplingNetwork: CouplingNetwork {
  let scaleNetwork: MLP
  let shiftNetwork: MLP
  let boundedShift: Bool

  /// Creates the two networks for `dimensions`-dimensional inputs (s drawn first, then t).
  public init(
    dimensions: Int, hidden: Int, layers: Int = 3, boundedShift: Bool = true, name: String,
    using rng: inout RandomGenerator
  ) {
    scaleNetwork = MLP(
      inputs: dimensions, hidden: hidden, layers: layers, outputs: dimensions, name: "\(name).s", using: &rng)
    shiftNetwork = MLP(
      inputs: dimensions, hidden: hidden, layers: layers, outputs: dimensions, name: "\(name).t", using: &rng)
    self.boundedShift = boundedShift
  }

  /// Raw scale and shift, each [N, D].
  public func callAsFunction(_ maskedInput: Tensor) -> (rawScale: Tensor, shift: Tensor) {
    let shift = shiftNetwork(maskedInput)
    return (scaleNetwork(maskedInput), boundedShift ? tanh(shift) : shift)
  }

  /// The s network's parameters, then the t network's.
  public var parameters: [Parameter] { scaleNetwork.parameters + shiftNetwork.parameters }
}
