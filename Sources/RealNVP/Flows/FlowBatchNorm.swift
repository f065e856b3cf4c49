import TensorCore

/// Batch normalization on the coupling path, as Real NVP modifies it: normalize with running
/// averages of the batch statistics, so that training and sampling see nearly the same
/// transform, and count its scaling in the likelihood.
///
/// Statistics are per channel ([N, C, H, W]) or per dimension ([N, D]); no affine parameters.
/// In training, the running averages are first updated with the batch (momentum `momentum`;
/// the running variance takes the unbiased batch variance, as PyTorch does) and then used to
/// normalize, with gradients flowing through the batch's share. In inference the layer is
/// exactly invertible. log|det J| = -1/2 sum log(var + eps) over every dimension.
public final class FlowBatchNorm: Module, Flow {
  /// Running mean, shaped to broadcast ([1, C, 1, 1] or [1, D]).
  public let runningMean: Buffer
  /// Running (unbiased) variance, shaped like `runningMean`.
  public let runningVariance: Buffer
  /// Weight of the newest batch in the running averages (0.005 in the post).
  public var momentum: Float
  /// Added to the variance before the square root.
  public let epsilon: Float

  /// Creates the layer for `channels` channels (or dimensions when `vector`).
  public init(channels: Int, vector: Bool = false, momentum: Float = 0.005, epsilon: Float = 1e-5) {
    let shape = vector ? [1, channels] : [1, channels, 1, 1]
    runningMean = Buffer(.zeros(shape))
    runningVariance = Buffer(.ones(shape))
    self.momentum = momentum
    self.epsilon = epsilon
  }

  /// "batchNorm": a sequence names these batchNorm0, batchNorm1, ...
  public static var layerName: String { "batchNorm" }

  private func reductionAxes(_ x: Tensor) -> [Int] { x.rank == 4 ? [0, 2, 3] : [0] }

  /// Dimensions per channel in one sample (H*W for images, 1 for vectors).
  private func sitesPerChannel(_ x: Tensor) -> Float { x.rank == 4 ? Float(x.shape[2] * x.shape[3]) : 1 }

  /// Normalizes `x`; in training first folds the batch statistics into the running averages.
  public func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
    var mean = runningMean.value
    var variance = runningVariance.value
    if training {
      let axes = reductionAxes(x)
      let count = Float(axes.map { x.shape[$0] }.reduce(1, *))
      precondition(count > 1, "Batch norm in training needs more than one value per channel, got \(x.shape)")
      let (batchMean, unbiased) = batchMoments(x, axes: axes)
      mean = (1 - momentum) * mean + momentum * batchMean
      variance = (1 - momentum) * variance + momentum * unbiased
      runningMean.value = mean.detached()
      runningVariance.value = variance.detached()
    }
    let logScale = -0.5 * log(variance + epsilon)
    let logDet = logScale.sum() * sitesPerChannel(x)
    return ((x - mean) * exp(logScale), constantLogAbsDet(logDet, count: x.shape[0]))
  }

  /// x = y * sqrt(var + eps) + mean with the running statistics; log|det| = 1/2 sum log(var + eps).
  public func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    let variance = runningVariance.value + epsilon
    let logDet = 0.5 * log(variance).sum() * sitesPerChannel(z)
    return (z * sqrt(variance) + runningMean.value, constantLogAbsDet(logDet, count: z.shape[0]))
  }
}

/// The mean and unbiased variance of `x` over `axes` (kept as dimensions of size 1).
///
/// In data-parallel training they are over the global batch: sums across the group's ranks
/// (whose shards are equally large), with gradients summed back across them, so that every
/// rank gets exactly what one process holding the whole batch would.
public func batchMoments(_ x: Tensor, axes: [Int]) -> (mean: Tensor, unbiasedVariance: Tensor) {
  let count = Float(axes.map { x.shape[$0] }.reduce(1, *))
  guard let group = CurrentReplicaGroup.group, group.worldSize > 1 else {
    return (
      x.mean(axes: axes, keepDims: true), x.variance(axes: axes, keepDims: true) * (count / (count - 1))
    )
  }
  let total = count * Float(group.worldSize)
  let acrossRanks = { (t: Tensor) in group.allreduceSum(t, purpose: .batchNorm) }
  let mean = x.sum(axes: axes, keepDims: true).summedAcrossProcesses(acrossRanks) * (1 / total)
  let squares = (x - mean).squared().sum(axes: axes, keepDims: true).summedAcrossProcesses(acrossRanks)
  return (mean, squares * (1 / (total - 1)))
}
