import TensorCore

/// Real NVP for 2D points (the post's toy experiments): affine couplings with MLP s/t networks
/// and alternating [1, 0] / [0, 1] masks, optionally with batch norm between couplings.
public final class RealNVP2D: DensityModel {
  /// The couplings (and batch norms) from data to latent.
  public let flow: FlowSequence
  /// The coupling layers alone (their scales are regularized).
  public let couplings: [AffineCoupling]
  /// How to build this model again.
  public let modelDescription: ModelDescription

  /// Creates a model of `couplings` couplings whose MLPs have `hidden` units per layer.
  public init(couplings count: Int = 8, hidden: Int = 128, batchNorm: Bool = false, seed: UInt64 = 0) {
    precondition(count >= 1, "RealNVP2D needs at least one coupling, got \(count)")
    modelDescription = .toy2D(couplings: count, hidden: hidden, batchNorm: batchNorm, seed: seed)
    var rng = RandomGenerator(seed: seed)
    var couplings: [AffineCoupling] = []
    var layers: [Flow] = []
    for i in 0..<count {
      let net = MLPCouplingNetwork(dimensions: 2, hidden: hidden, name: "coupling\(i).net", using: &rng)
      let coupling = AffineCoupling(
        mask: .vector(parity: i % 2), network: net, channels: 2, name: "coupling\(i)")
      couplings.append(coupling)
      layers.append(coupling)
      if batchNorm && i < count - 1 {
        layers.append(FlowBatchNorm(channels: 2, vector: true, name: "batchNorm\(i)"))
      }
    }
    self.couplings = couplings
    self.flow = FlowSequence(layers)
  }

  /// Two dimensions per point.
  public var dimensions: Int { 2 }

  /// -log p(x) per point: points are continuous, so no dequantization or preprocessing.
  public func negativeLogLikelihood(_ batch: Tensor, training: Bool, using rng: inout RandomGenerator)
    -> Tensor
  {
    precondition(
      batch.rank == 2 && batch.shape[1] == 2, "RealNVP2D expects points shaped [N, 2], got \(batch.shape)")
    let (z, logDet) = flow.forward(batch, training: training)
    return -(standardNormalLogDensity(z) + logDet)
  }

  /// 5e-5 * sum of squared coupling scales.
  public var regularization: Tensor { scaleRegularization(couplings) }

  /// All couplings' parameters.
  public var parameters: [Parameter] { flow.parameters }

  /// Batch norms' running statistics.
  public var buffers: [Parameter] { flow.buffers }

  /// Maps points to the latent space (inference mode).
  public func encode(_ points: Tensor) -> Tensor { withoutGradients { flow.forward(points).output } }

  /// Maps latent points to data space.
  public func decode(_ z: Tensor) -> Tensor { withoutGradients { flow.inverse(z) } }

  /// Samples [count, 2] points.
  public func sample(count: Int, temperature: Float = 1, using rng: inout RandomGenerator) -> Tensor {
    decode(Tensor.normal([count, 2], std: temperature, using: &rng))
  }
}
