import TensorCore

/// A normalizing-flow density model, or any model with a tractable density: what training,
/// evaluation, checkpoints and the journal work through.
///
/// A model is a `Module`, so its parameters, buffers and checkpoint names come from its stored
/// properties. It implements the density of continuous values; `dequantize` says how raw data
/// (8-bit pixels) become continuous, so that every rank of a data-parallel run can draw the
/// noise of the whole batch and keep its own share. Everything else has defaults: no
/// dequantization, the penalties of its `Regularized` layers, and a description that records
/// the type's name (`FlowModel` and `ConfigurableModel` describe themselves in more detail).
public protocol DensityModel: Module {
  /// Dimensions of one sample (D in bits/dim).
  var dimensions: Int { get }

  /// The continuous values whose density the model gives, for a raw batch: pixels plus uniform
  /// noise from `rng`; data that are continuous already as they are (the default).
  func dequantize(_ batch: Tensor, using rng: inout RandomGenerator) -> Tensor

  /// -log p(x) in nats per sample ([N]) of continuous values (see `dequantize`). With
  /// `training`, layers with running statistics update them.
  func negativeLogLikelihood(dequantized x: Tensor, training: Bool) -> Tensor

  /// The penalty added to the mean NLL in training.
  var regularization: Tensor { get }

  /// How to build this model again, for the run journal and checkpoint checks.
  var modelDescription: ModelDescription { get }

  /// Draws `count` samples in data space; `temperature` scales the latent's standard deviation.
  func sample(count: Int, temperature: Float, using rng: inout RandomGenerator) -> Tensor
}

extension DensityModel {
  /// Continuous data as they are.
  public func dequantize(_ batch: Tensor, using rng: inout RandomGenerator) -> Tensor { batch }

  /// The sum of the penalties of every `Regularized` layer in the model (0 without any).
  public var regularization: Tensor {
    modules(ofType: Regularized.self).reduce(Tensor(0)) { $0 + $1.penalty }
  }

  /// The type's name and no settings.
  public var modelDescription: ModelDescription {
    .custom(CustomModelDescription(name: String(describing: type(of: self)), settings: [:]))
  }

  /// -log p(x) in nats per sample of a raw batch (pixels 0...255 or points), dequantized with
  /// noise from `rng` first.
  public func negativeLogLikelihood(_ batch: Tensor, training: Bool, using rng: inout RandomGenerator)
    -> Tensor
  {
    negativeLogLikelihood(dequantized: dequantize(batch, using: &rng), training: training)
  }

  /// The training objective for continuous values: mean NLL plus the regularization, and the
  /// mean NLL alone. `training: true` also updates batch norm's running averages.
  public func loss(dequantized x: Tensor, training: Bool) -> (value: Tensor, meanNLL: Tensor) {
    let meanNLL = negativeLogLikelihood(dequantized: x, training: training).mean()
    return (meanNLL + regularization, meanNLL)
  }

  /// The training objective for a raw batch; `training: true` also updates batch norm's
  /// running averages, so say which one you mean.
  public func loss(_ batch: Tensor, training: Bool, using rng: inout RandomGenerator) -> Tensor {
    loss(dequantized: dequantize(batch, using: &rng), training: training).value
  }

  /// Mean bits per dimension of a batch in inference mode, without gradients.
  public func bitsPerDimension(_ batch: Tensor, using rng: inout RandomGenerator) -> Float {
    withoutGradients {
      let nll = negativeLogLikelihood(batch, training: false, using: &rng).mean().item()
      return RealNVP.bitsPerDimension(negativeLogLikelihood: nll, dimensions: dimensions)
    }
  }
}
