import TensorCore

/// A normalizing-flow density model: preprocessing, then a flow, then a base distribution.
///
/// Everything else follows from those three, once: the negative log-likelihood (the base's
/// log-probability plus the flow's and the preprocessing's log-determinants), bits/dim, sampling
/// with a temperature, the log-density of samples, encode and decode. `RealNVP2D` and
/// `MultiScaleRealNVP` are configurations of it.
public class FlowModel: DensityModel {
  /// Maps data (dequantized pixels) to the flow's input; nil for data the flow takes as it is.
  public let preprocessing: Flow?
  /// Maps the preprocessed data to the latent.
  public let flow: Flow
  /// The latent's distribution.
  public let base: Distribution
  /// Every coupling layer (their scales are regularized).
  public let couplings: [AffineCoupling]
  /// The shape of one sample of data, without the batch axis.
  public let sampleShape: [Int]
  /// Whether the data are 8-bit pixels: dequantized with uniform noise in the likelihood, and
  /// rounded down and clamped to 0...255 when sampled.
  public let isQuantized: Bool
  /// How to build this model again.
  public let modelDescription: ModelDescription

  /// Assembles a model; `couplings` lists the coupling layers inside `flow`.
  init(
    preprocessing: Flow?, flow: Flow, base: Distribution, couplings: [AffineCoupling], sampleShape: [Int],
    isQuantized: Bool, modelDescription: ModelDescription
  ) {
    self.preprocessing = preprocessing
    self.flow = flow
    self.base = base
    self.couplings = couplings
    self.sampleShape = sampleShape
    self.isQuantized = isQuantized
    self.modelDescription = modelDescription
  }

  /// Dimensions of one sample (D in bits/dim).
  public var dimensions: Int { sampleShape.reduce(1, *) }

  // MARK: - Density

  /// -log p(x) in nats per sample; pixels are dequantized with noise from `rng` first.
  public func negativeLogLikelihood(_ batch: Tensor, training: Bool, using rng: inout RandomGenerator)
    -> Tensor
  {
    negativeLogLikelihood(
      dequantized: isQuantized ? dequantize(batch, using: &rng) : batch, training: training)
  }

  /// -log p in nats per sample of data already continuous (pixels dequantized into [0, 256) by
  /// the caller, or points), with every log-determinant.
  public func negativeLogLikelihood(dequantized x: Tensor, training: Bool) -> Tensor {
    checkSamples(x)
    let (input, preLogDet) = preprocessing?.forward(x, training: training) ?? (x, Tensor.zeros([x.shape[0]]))
    let (z, flowLogDet) = flow.forward(input, training: training)
    return -(base.logProbability(z) + flowLogDet + preLogDet)
  }

  /// 5e-5 * sum of squared coupling scales.
  public var regularization: Tensor { scaleRegularization(couplings) }

  /// All parameters, in flow order.
  public var parameters: [Parameter] { (preprocessing?.parameters ?? []) + flow.parameters }

  /// All running statistics, in flow order.
  public var buffers: [Parameter] { (preprocessing?.buffers ?? []) + flow.buffers }

  // MARK: - Encode, decode, sample

  /// Maps data (pixels dequantized by the caller if wanted, or points) to the latent.
  public func encode(_ data: Tensor) -> Tensor {
    withoutGradients {
      let input = preprocessing?.forward(data, training: false).output ?? data
      return flow.forward(input, training: false).output
    }
  }

  /// Maps latents to data space (pixel values in [0, 256), or points).
  public func decode(_ z: Tensor) -> Tensor { withoutGradients { inverse(z).output } }

  /// Draws `count` samples; `temperature` scales the latent's standard deviation.
  public func sample(count: Int, temperature: Float = 1, using rng: inout RandomGenerator) -> Tensor {
    quantized(decode(base.sample(count: count, temperature: temperature, using: &rng)))
  }

  /// Draws `count` samples with the model's log-density of each (in data space, before
  /// rounding): log p(x) = log p(z) - log|det dx/dz|.
  public func sampleWithLogDensity(count: Int, temperature: Float = 1, using rng: inout RandomGenerator)
    -> (samples: Tensor, logDensity: Tensor)
  {
    withoutGradients {
      let z = base.sample(count: count, temperature: temperature, using: &rng)
      let (x, logDet) = inverse(z)
      return (x, base.logProbability(z) - logDet)
    }
  }

  /// The flow's and the preprocessing's inverses with their summed log-determinant.
  private func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    let (input, flowLogDet) = flow.inverse(z)
    guard let preprocessing else { return (input, flowLogDet) }
    let (x, preLogDet) = preprocessing.inverse(input)
    return (x, flowLogDet + preLogDet)
  }

  private func quantized(_ x: Tensor) -> Tensor {
    guard isQuantized else { return x }
    return Tensor(shape: x.shape, scalars: x.scalars.map { min(max($0.rounded(.down), 0), 255) })
  }

  private func checkSamples(_ x: Tensor) {
    precondition(
      Array(x.shape.dropFirst()) == sampleShape,
      "\(type(of: self)) expects \(isQuantized ? "pixels" : "samples") shaped [N] + \(sampleShape), got \(x.shape)"
    )
  }
}
