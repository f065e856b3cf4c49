import TensorCore

/// The multi-scale Real NVP of Dinh et al. (2016) as the post builds it.
///
/// Each scale: 3 checkerboard couplings, squeeze, 3 channel-wise couplings, then half of the
/// channels are factored out into the latent. The final scale has 4 checkerboard couplings.
/// Hidden channels double at each scale. The latent has exactly as many dimensions as the
/// input and is returned flat, [N, D].
public final class MultiScaleRealNVP: DensityModel {
  /// What this model is.
  public let architecture: Architecture
  /// One flow per factoring scale, input of that scale to its output before the split.
  public let scaleFlows: [FlowSequence]
  /// The final scale's couplings.
  public let finalFlow: FlowSequence
  /// Every coupling layer (their scales are regularized).
  public let couplings: [AffineCoupling]
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
    var couplings: [AffineCoupling] = []
    var index = 0

    func couplingStack(_ masks: [CouplingMask], channels: Int, hidden: Int) -> [Flow] {
      var layers: [Flow] = []
      for mask in masks {
        let name = "coupling\(index)"
        let net = ResNetCouplingNetwork(
          channels: channels, hidden: hidden, blocks: a.residualBlocks, weightNorm: a.weightNorm,
          name: "\(name).net", using: &rng)
        let coupling = AffineCoupling(mask: mask, network: net, channels: channels, name: name)
        couplings.append(coupling)
        layers.append(coupling)
        if a.batchNorm {
          layers.append(
            FlowBatchNorm(channels: channels, momentum: a.batchNormMomentum, name: "\(name).batchNorm"))
        }
        index += 1
      }
      return layers
    }

    let checker: [CouplingMask] = [.checkerboard(parity: 0), .checkerboard(parity: 1)]
    let channelwise: [CouplingMask] = [.channelwise(parity: 0), .channelwise(parity: 1)]
    var (c, h, w, hidden) = (a.channels, a.height, a.width, a.hidden)
    var scaleFlows: [FlowSequence] = []
    var latentShapes: [[Int]] = []
    for _ in 0..<a.scales {
      var layers = couplingStack((0..<3).map { checker[$0 % 2] }, channels: c, hidden: hidden)
      layers.append(Squeeze())
      (c, h, w) = (4 * c, h / 2, w / 2)
      layers += couplingStack((0..<3).map { channelwise[$0 % 2] }, channels: c, hidden: hidden)
      scaleFlows.append(FlowSequence(layers))
      latentShapes.append([c / 2, h, w])
      c /= 2
      hidden *= 2
    }
    finalFlow = FlowSequence(couplingStack((0..<4).map { checker[$0 % 2] }, channels: c, hidden: hidden))
    latentShapes.append([c, h, w])
    self.scaleFlows = scaleFlows
    self.couplings = couplings
    self.latentShapes = latentShapes
  }

  /// Dimensions of one image.
  public var dimensions: Int { architecture.dimensions }

  /// How to build this model again.
  public var modelDescription: ModelDescription { .multiScale(architecture, seed: seed) }

  // MARK: - Flow in flow-input space

  /// Maps preprocessed inputs [N, C, H, W] to the flat latent [N, D] and log|det| per sample.
  public func forwardFlow(_ x: Tensor, training: Bool) -> (z: Tensor, logAbsDet: Tensor) {
    let n = x.shape[0]
    var h = x
    var logDet = Tensor.zeros([n])
    var parts: [Tensor] = []
    for flow in scaleFlows {
      let (out, ld) = flow.forward(h, training: training)
      logDet = logDet + ld
      let half = out.shape[1] / 2
      let split = out.split(sizes: [half, half], axis: 1)
      parts.append(split[0].reshaped([n, split[0].scalarCount / n]))
      h = split[1]
    }
    let (out, ld) = finalFlow.forward(h, training: training)
    parts.append(out.reshaped([n, out.scalarCount / n]))
    return (Tensor.concatenated(parts, axis: 1), logDet + ld)
  }

  /// Maps a flat latent [N, D] back to preprocessed inputs [N, C, H, W].
  public func inverseFlow(_ z: Tensor) -> Tensor {
    let n = z.shape[0]
    precondition(
      z.rank == 2 && z.shape[1] == dimensions, "Expected a latent [N, \(dimensions)], got \(z.shape)")
    let sizes = latentShapes.map { $0.reduce(1, *) }
    let parts = z.split(sizes: sizes, axis: 1).enumerated().map { i, part in
      part.reshaped([n] + latentShapes[i])
    }
    var h = finalFlow.inverse(parts[parts.count - 1])
    for (i, flow) in scaleFlows.enumerated().reversed() {
      h = flow.inverse(Tensor.concatenated([parts[i], h], axis: 1))
    }
    return h
  }

  // MARK: - Density in pixel space

  /// -log p(pixels) in nats per image, with dequantization noise and the preprocessing Jacobian.
  public func negativeLogLikelihood(_ batch: Tensor, training: Bool, using rng: inout RandomGenerator)
    -> Tensor
  {
    negativeLogLikelihood(dequantized: dequantize(batch, using: &rng), training: training)
  }

  /// -log p in nats per image of pixels already dequantized into [0, 256), with the
  /// preprocessing Jacobian (for callers that bring their own noise).
  public func negativeLogLikelihood(dequantized pixels: Tensor, training: Bool) -> Tensor {
    let a = architecture
    precondition(
      pixels.rank == 4 && Array(pixels.shape.dropFirst()) == [a.channels, a.height, a.width],
      "Expected pixels [N, \(a.channels), \(a.height), \(a.width)], got \(pixels.shape)")
    let (x, preLogDet) = a.preprocessing(pixels)
    let (z, flowLogDet) = forwardFlow(x, training: training)
    return -(standardNormalLogDensity(z) + flowLogDet + preLogDet)
  }

  /// 5e-5 * sum of squared coupling scales.
  public var regularization: Tensor { scaleRegularization(couplings) }

  /// All parameters, scale by scale.
  public var parameters: [Parameter] { scaleFlows.flatMap(\.parameters) + finalFlow.parameters }

  /// All batch-norm running statistics.
  public var buffers: [Parameter] { scaleFlows.flatMap(\.buffers) + finalFlow.buffers }

  /// Maps pixels (0...255, dequantized by the caller if wanted) to the flat latent.
  public func encode(_ pixels: Tensor) -> Tensor {
    withoutGradients { forwardFlow(architecture.preprocessing(pixels).output, training: false).z }
  }

  /// Maps a flat latent to pixel values in [0, 256).
  public func decode(_ z: Tensor) -> Tensor {
    withoutGradients { architecture.preprocessing.inverse(inverseFlow(z)) }
  }

  /// Samples images in pixel space, rounded down and clamped to 0...255.
  public func sample(count: Int, temperature: Float = 1, using rng: inout RandomGenerator) -> Tensor {
    let z = Tensor.normal([count, dimensions], std: temperature, using: &rng)
    let pixels = decode(z)
    return Tensor(shape: pixels.shape, scalars: pixels.scalars.map { min(max($0.rounded(.down), 0), 255) })
  }
}
