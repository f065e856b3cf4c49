import TensorCore

/// A normalizing-flow density model: preprocessing, then a flow, then a base distribution
/// (nflows' `Flow(transform, distribution)`).
///
/// Everything else follows from those, once: the negative log-likelihood (the base's
/// log-probability plus the flow's and the preprocessing's log-determinants), bits/dim, sampling
/// with a temperature, the log-density of samples, encode and decode. Any flow makes a model
/// that trains, checkpoints, journals and resumes like the built-ins, which are configurations
/// of it (`RealNVP2D`, `MultiScaleRealNVP`).
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let flow = FlowSequence((0..<4).map { i in
///   AffineCoupling(
///     mask: .vector(parity: i % 2),
///     network: MLPCouplingNetwork(dimensions: 2, hidden: 64, using: &rng), channels: 2)
/// })
/// let model = FlowModel(flow: flow, base: StandardNormal(shape: [2]), sampleShape: [2])
/// ```
///
/// The flow's parameters are named at the model's level ("coupling0.scale"), the
/// preprocessing's under "preprocessing". Two tensors that get the same name are a mistake
/// reported when the model is built.
open class FlowModel: Module, DensityModel {
  /// Maps data (dequantized pixels) to the flow's input; nil for data the flow takes as it is.
  public let preprocessing: Flow?
  /// Maps the preprocessed data to the latent.
  @Key("") public private(set) var flow: Flow
  /// The latent's distribution.
  public let base: Distribution
  /// The shape of one sample of data, without the batch axis.
  public let sampleShape: [Int]
  /// Whether the data are 8-bit pixels: dequantized with uniform noise in the likelihood, and
  /// rounded down and clamped to 0...255 when sampled.
  public let isQuantized: Bool
  private let recordedDescription: ModelDescription?

  /// Assembles a model from a flow to `base`'s latent space, for samples shaped `sampleShape`
  /// (without the batch axis). With `isQuantized` the data are 8-bit pixels (see the property).
  /// `description` is what the journal records; by default the model's type name with the
  /// flow's layers, the sample shape and the parameter count.
  public init(
    flow: Flow, preprocessing: Flow? = nil, base: Distribution, sampleShape: [Int], isQuantized: Bool = false,
    description: ModelDescription? = nil
  ) {
    precondition(
      !sampleShape.isEmpty && sampleShape.allSatisfy { $0 > 0 },
      "A model's sample shape needs positive sizes, got \(sampleShape)")
    self.preprocessing = preprocessing
    self.base = base
    self.sampleShape = sampleShape
    self.isQuantized = isQuantized
    self.recordedDescription = description
    super.init()
    self.flow = flow
    let clashes = nameClashes
    precondition(
      clashes.isEmpty,
      "Two tensors of this model have the same name, so a checkpoint cannot tell them apart: "
        + clashes.joined(separator: "; "))
  }

  /// Dimensions of one sample (D in bits/dim).
  public var dimensions: Int { sampleShape.reduce(1, *) }

  /// How to build this model again: the description given when it was built, a
  /// `ConfigurableModel`'s configuration, or the type's name with the flow's layers, the sample
  /// shape and the parameter count.
  open var modelDescription: ModelDescription {
    if let recordedDescription { return recordedDescription }
    if let configurable = self as? any ConfigurableModel { return describe(configurable) }
    return .custom(
      CustomModelDescription(
        name: String(describing: type(of: self)),
        settings: [
          "flow": layerSummary, "sampleShape": "\(sampleShape)",
          "parameters": "\(parameters.reduce(0) { $0 + $1.value.scalarCount })",
        ]))
  }

  private func describe<Model: ConfigurableModel>(_ model: Model) -> ModelDescription {
    Model.describe(model.configuration)
  }

  /// The flow's layers by kind and count, in order of first appearance: "coupling x8, batchNorm x7".
  public var layerSummary: String {
    var order: [String] = []
    var counts: [String: Int] = [:]
    for layer in modules(ofType: Flow.self) where layer.arrangedFlows == nil {
      let kind = type(of: layer).layerName
      if counts[kind] == nil { order.append(kind) }
      counts[kind, default: 0] += 1
    }
    return order.map { "\($0) x\(counts[$0]!)" }.joined(separator: ", ")
  }

  // MARK: - Density

  /// Pixels plus uniform noise from `rng` when the data are quantized; else the batch as it is.
  public func dequantize(_ batch: Tensor, using rng: inout RandomGenerator) -> Tensor {
    isQuantized ? RealNVP.dequantize(batch, using: &rng) : batch
  }

  /// -log p in nats per sample of data already continuous (pixels dequantized into [0, 256) by
  /// the caller, or points), with every log-determinant.
  public func negativeLogLikelihood(dequantized x: Tensor, training: Bool) -> Tensor {
    checkSamples(x)
    let (input, preLogDet) = preprocessing?.forward(x, training: training) ?? (x, Tensor.zeros([x.shape[0]]))
    let (z, flowLogDet) = flow.forward(input, training: training)
    return -(base.logProbability(z) + flowLogDet + preLogDet)
  }

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
