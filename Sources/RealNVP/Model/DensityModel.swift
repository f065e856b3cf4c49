import TensorCore

/// A normalizing-flow density model: a flow to a standard normal latent, plus whatever maps
/// raw data to the flow's input. The training loop and evaluation work through this protocol.
public protocol DensityModel: AnyObject {
  /// Dimensions of one sample (D in bits/dim).
  var dimensions: Int { get }

  /// -log p(x) in nats per sample ([N]) of a raw batch (pixels 0...255 or points), including
  /// dequantization noise drawn from `rng` where the data is discrete.
  func negativeLogLikelihood(_ batch: Tensor, training: Bool, using rng: inout RandomGenerator) -> Tensor

  /// The penalty added to the mean NLL in training (5e-5 * sum of squared coupling scales).
  var regularization: Tensor { get }

  /// Trainable parameters, listed plainly.
  var parameters: [Parameter] { get }

  /// Running statistics and other saved non-trainable state.
  var buffers: [Parameter] { get }

  /// How to build this model again (architecture and initialization seed).
  var modelDescription: ModelDescription { get }

  /// Draws `count` samples in data space; `temperature` scales the latent's standard deviation.
  func sample(count: Int, temperature: Float, using rng: inout RandomGenerator) -> Tensor
}

extension DensityModel {
  /// The training objective for a batch: mean NLL plus the regularization. `training: true`
  /// also updates batch norm's running averages, so say which one you mean.
  public func loss(_ batch: Tensor, training: Bool, using rng: inout RandomGenerator) -> Tensor {
    negativeLogLikelihood(batch, training: training, using: &rng).mean() + regularization
  }

  /// Mean bits per dimension of a batch in inference mode, without gradients.
  public func bitsPerDimension(_ batch: Tensor, using rng: inout RandomGenerator) -> Float {
    withoutGradients {
      let nll = negativeLogLikelihood(batch, training: false, using: &rng).mean().item()
      return RealNVP.bitsPerDimension(negativeLogLikelihood: nll, dimensions: dimensions)
    }
  }

  /// Every saved tensor (parameters then buffers) by name, for checkpoints.
  public var namedTensors: [String: Parameter] {
    var all: [String: Parameter] = [:]
    for p in parameters + buffers {
      precondition(all[p.name] == nil, "Two tensors share the name \(p.name)")
      all[p.name] = p
    }
    return all
  }

  /// 5e-5 * sum of squared scales of the given couplings.
  func scaleRegularization(_ couplings: [AffineCoupling]) -> Tensor {
    couplings.reduce(Tensor(0)) { $0 + $1.scale.value.squared().sum() } * couplingScaleRegularization
  }
}
