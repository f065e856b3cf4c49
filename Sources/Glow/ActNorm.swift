import RealNVP
import TensorCore

/// Glow's activation normalization: y = (x + bias) * exp(logScale) per channel, an affine map
/// whose parameters start from the data (Kingma and Dhariwal 2018,
/// https://arxiv.org/abs/1807.03039).
///
/// The first forward pass in training sets bias and log-scale so that that batch comes out with
/// zero mean and unit variance per channel (over the global batch in data-parallel training),
/// and marks the layer initialized in a buffer, so that a model loaded from a checkpoint does
/// not initialize again. That step's gradient for the two parameters is zero.
/// log|det J| = H * W * sum(logScale).
public final class ActNorm: Module, Flow {
  /// Added before scaling: [1, C, 1, 1].
  public let bias: Parameter
  /// The log of the per-channel scale: [1, C, 1, 1].
  public let logScale: Parameter
  /// 1 once the layer has set itself from data, 0 before: [1].
  public let initialized: Buffer

  /// A layer for images of `channels` channels, identity until it sees data.
  public init(channels: Int) {
    precondition(channels > 0, "ActNorm needs at least one channel, got \(channels)")
    bias = Parameter(.zeros([1, channels, 1, 1]))
    logScale = Parameter(.zeros([1, channels, 1, 1]))
    initialized = Buffer(.zeros([1]))
  }

  /// Whether the layer has set its parameters from data.
  public var isInitialized: Bool { initialized.value.scalars[0] != 0 }

  /// (x + bias) * exp(logScale); in training, first sets the parameters from `x` if not yet.
  public func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
    check(x)
    if training && !isInitialized { initialize(from: x) }
    let logDet = logScale.value.sum() * Float(x.shape[2] * x.shape[3])
    return ((x + bias.value) * exp(logScale.value), constantLogAbsDet(logDet, count: x.shape[0]))
  }

  /// y * exp(-logScale) - bias.
  public func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    check(z)
    let logDet = -logScale.value.sum() * Float(z.shape[2] * z.shape[3])
    return (z * exp(-logScale.value) - bias.value, constantLogAbsDet(logDet, count: z.shape[0]))
  }

  /// Sets bias = -mean and logScale = -log(std + 1e-6) of `x` per channel.
  private func initialize(from x: Tensor) {
    withoutGradients {
      let (mean, variance) = batchMoments(x, axes: [0, 2, 3])
      bias.value = (-mean).detached()
      logScale.value = (-log(sqrt(variance) + 1e-6)).detached()
      initialized.value = .ones([1])
    }
  }

  private func check(_ x: Tensor) {
    precondition(
      x.rank == 4 && x.shape[1] == bias.value.shape[1],
      "ActNorm expects [N, \(bias.value.shape[1]), H, W], got \(x.shape)")
  }
}
