import TensorCore

/// Real NVP for 2D points (the post's toy experiments): affine couplings with MLP s/t networks
/// and alternating [1, 0] / [0, 1] masks, optionally with batch norm between couplings, to a
/// standard normal; points are continuous, so there is no preprocessing.
public final class RealNVP2D: FlowModel {
  /// What this model is.
  public let architecture: Toy2DArchitecture

  /// Builds the model with parameters drawn from `seed`.
  public init(_ architecture: Toy2DArchitecture, seed: UInt64 = 0) {
    let a = architecture
    precondition(a.couplings >= 1, "RealNVP2D needs at least one coupling, got \(a.couplings)")
    self.architecture = a
    var rng = RandomGenerator(seed: seed)
    var layers: [Flow] = []
    // The sequence names them coupling0, batchNorm0, coupling1, ...
    for i in 0..<a.couplings {
      let net: CouplingNetwork =
        switch a.couplingNetworks {
        case .separate:
          SeparateMLPCouplingNetwork(
            dimensions: 2, hidden: a.hidden, layers: a.hiddenLayers, boundedShift: a.boundedShift, using: &rng
          )
        case .shared:
          MLPCouplingNetwork(
            dimensions: 2, hidden: a.hidden, layers: a.hiddenLayers, boundedShift: a.boundedShift, using: &rng
          )
        }
      layers.append(AffineCoupling(mask: .vector(parity: i % 2), network: net, channels: 2))
      if a.batchNorm && i < a.couplings - 1 {
        layers.append(FlowBatchNorm(channels: 2, vector: true))
      }
    }
    super.init(
      flow: FlowSequence(layers), base: StandardNormal(shape: [2]), sampleShape: [2],
      description: .toy2D(a, seed: seed))
  }

  /// `couplings` couplings, each with one MLP of two hidden layers of `hidden` units giving
  /// both s and t (the short form the quick start uses; the post's settings are
  /// `Toy2DArchitecture()`).
  public convenience init(couplings: Int = 8, hidden: Int = 128, batchNorm: Bool = false, seed: UInt64 = 0) {
    self.init(
      Toy2DArchitecture(
        couplings: couplings, hidden: hidden, hiddenLayers: 2, couplingNetworks: .shared, boundedShift: false,
        batchNorm: batchNorm),
      seed: seed)
  }
}
