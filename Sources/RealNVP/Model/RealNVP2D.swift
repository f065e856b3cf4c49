import TensorCore

/// Real NVP for 2D points (the post's toy experiments): affine couplings with MLP s/t networks
/// and alternating [1, 0] / [0, 1] masks, optionally with batch norm between couplings, to a
/// standard normal; points are continuous, so there is no preprocessing.
public final class RealNVP2D: FlowModel {
  /// Creates a model of `couplings` couplings whose MLPs have `hidden` units per layer.
  public init(couplings count: Int = 8, hidden: Int = 128, batchNorm: Bool = false, seed: UInt64 = 0) {
    precondition(count >= 1, "RealNVP2D needs at least one coupling, got \(count)")
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
    super.init(
      preprocessing: nil, flow: FlowSequence(layers), base: StandardNormal(shape: [2]), couplings: couplings,
      sampleShape: [2], isQuantized: false,
      modelDescription: .toy2D(couplings: count, hidden: hidden, batchNorm: batchNorm, seed: seed))
  }
}
