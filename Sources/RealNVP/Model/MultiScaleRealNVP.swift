import TensorCore

/// The multi-scale Real NVP of Dinh et al. (2016) as the post builds it.
///
/// Each scale: 3 checkerboard couplings, squeeze, 3 channel-wise couplings, then half of the
/// channels are factored out into the latent (`FactorOut`). The final scale has 4 checkerboard
/// couplings. Hidden channels double at each scale. The preprocessing is the flow's first
/// step, the latent has exactly as many dimensions as the input and is flat, [N, D], under a
/// standard normal.
public final class MultiScaleRealNVP: FlowModel {
  /// What this model is.
  public let architecture: Architecture
  /// Shapes (without batch) of the latent parts, in the order they are factored out.
  public let latentShapes: [[Int]]
  /// The seed the parameters were drawn from.
  public let seed: UInt64

  /// Builds the model with parameters drawn from `seed`.
  public init(_ architecture: Architecture, seed: UInt64 = 0) {
    let a = architecture
    precondition(a.scales >= 0, "scales must be non-negative, got \(a.scales)")
    precondition(
      a.height % (1 << a.scales) == 0 && a.width % (1 << a.scales) == 0,
      "\(a.scales) squeezes need height and width divisible by \(1 << a.scales), got \(a.height)x\(a.width)")
    self.architecture = a
    self.seed = seed
    var rng = RandomGenerator(seed: seed)

    // Each coupling normalizes its output with batch norm when the architecture says so; the
    // sequence names them coupling0, coupling1, ... in the order they are made.
    func couplingStack(_ masks: [CouplingMask], channels: Int, hidden: Int) -> [Flow] {
      masks.map { mask in
        let net: CouplingNetwork =
          switch a.couplingNetworks {
          case .separate:
            SeparateResNetCouplingNetwork(
              channels: channels, hidden: hidden, blocks: a.residualBlocks, weightNorm: a.weightNorm,
              using: &rng)
          case .shared:
            ResNetCouplingNetwork(
              channels: channels, hidden: hidden, blocks: a.residualBlocks, weightNorm: a.weightNorm,
              using: &rng)
          }
        let batchNorm = a.batchNorm ? FlowBatchNorm(channels: channels, momentum: a.batchNormMomentum) : nil
        return AffineCoupling(mask: mask, network: net, channels: channels, batchNorm: batchNorm)
      }
    }

    // Layers are made scale by scale (the order parameters are drawn and named in), then nested
    // from the last scale out: each scale ends in a split whose rest is the next scale.
    let checker: [CouplingMask] = [.checkerboard(parity: 0), .checkerboard(parity: 1)]
    let channelwise: [CouplingMask] = [.channelwise(parity: 0), .channelwise(parity: 1)]
    var (c, h, w, hidden) = (a.channels, a.height, a.width, a.hidden)
    var scales: [(layers: [Flow], splitShape: [Int])] = []
    var latentShapes: [[Int]] = []
    for _ in 0..<a.scales {
      var layers = couplingStack((0..<3).map { checker[$0 % 2] }, channels: c, hidden: hidden)
      layers.append(Squeeze())
      (c, h, w) = (4 * c, h / 2, w / 2)
      layers += couplingStack((0..<3).map { channelwise[$0 % 2] }, channels: c, hidden: hidden)
      scales.append((layers, [c, h, w]))
      latentShapes.append([c / 2, h, w])
      c /= 2
      hidden *= 2
    }
    let finalLayers = couplingStack((0..<4).map { checker[$0 % 2] }, channels: c, hidden: hidden)
    latentShapes.append([c, h, w])
    var flow = FlowSequence(finalLayers + [Flatten(inputShape: [c, h, w])])
    for scale in scales.reversed() {
      flow = FlowSequence(scale.layers + [FactorOut(inputShape: scale.splitShape, rest: flow)])
    }
    self.latentShapes = latentShapes
    super.init(
      flow: flow, preprocessing: PreprocessingFlow(a.preprocessing),
      base: StandardNormal(shape: [a.dimensions]),
      sampleShape: [a.channels, a.height, a.width], isQuantized: true, description: .multiScale(a, seed: seed)
    )
  }

  // MARK: - The flow in flow-input space

  /// Maps preprocessed inputs [N, C, H, W] to the flat latent [N, D] and log|det| per sample.
  public func forwardFlow(_ x: Tensor, training: Bool) -> (z: Tensor, logAbsDet: Tensor) {
    let (z, logDet) = flow.forward(x, training: training)
    return (z, logDet)
  }

  /// Maps a flat latent [N, D] back to preprocessed inputs [N, C, H, W].
  public func inverseFlow(_ z: Tensor) -> Tensor {
    precondition(
      z.rank == 2 && z.shape[1] == dimensions, "Expected a latent [N, \(dimensions)], got \(z.shape)")
    return flow.inverse(z).output
  }
}
