import TensorCore

/// One rank's share of a training step: its rows of the global batch, the loss over them, and
/// the gradients averaged over the group (sent in buckets during the backward pass when the
/// group overlaps them, after it otherwise). A single process is the group of one: its shard
/// is the whole batch and its gradients are its own.
struct ReplicaShard {
  /// This rank's rows, already dequantized.
  let rows: Tensor
  let model: DensityModel
  let group: any ReplicaGroup

  /// Dequantizes the whole global `batch` with `noise` (so the noise does not depend on the
  /// world size) and keeps this rank's equal share of its rows.
  init(batch: Tensor, model: DensityModel, group: any ReplicaGroup, noise: inout RandomGenerator) {
    let size = batch.shape[0] / group.worldSize
    precondition(
      size * group.worldSize == batch.shape[0],
      "A batch of \(batch.shape[0]) does not split into \(group.worldSize) equal shards")
    let global = model.dequantize(batch, using: &noise)
    rows = group.worldSize == 1 ? global : global.rows((group.rank * size)..<((group.rank + 1) * size))
    self.model = model
    self.group = group
  }

  /// The global batch's mean loss and NLL (the mean of the ranks' means), the gradients of
  /// `parameters` averaged over the ranks, and whether any rank was asked to stop (so that all
  /// stop after this step).
  func lossAndAveragedGradients(of parameters: [Parameter])
    -> (loss: Float, nll: Float, gradients: [Tensor], stop: Bool)
  {
    guard group.worldSize > 1 else {
      let ((loss, nll), gradients) = lossAndGradients(of: parameters, onGradient: nil)
      return (loss, nll, gradients, Interruption.isRequested)
    }
    let exchange = GradientExchange(group: group, elementCounts: parameters.map(\.value.scalarCount))
    let overlap = group.overlapsGradientExchange
    let ((loss, nll), gradients) = lossAndGradients(of: parameters, onGradient: overlap ? exchange.add : nil)
    if !overlap {
      for (index, gradient) in gradients.enumerated() { exchange.add(index, gradient) }
    }
    let averaged = exchange.finish()
    let sums = group.allreduceSum([loss, nll, Interruption.isRequested ? 1 : 0], purpose: .loss)
    let ranks = Float(group.worldSize)
    return (sums[0] / ranks, sums[1] / ranks, averaged, sums[2] > 0)
  }

  /// This rank's loss and mean NLL, and its own gradients.
  private func lossAndGradients(
    of parameters: [Parameter], onGradient: ((Int, Tensor) -> Void)?
  ) -> ((loss: Float, nll: Float), [Tensor]) {
    var nll = Float.nan
    let (loss, gradients) = CurrentReplicaGroup.$group.withValue(group) {
      valueAndGradient(at: parameters, onGradient: onGradient) {
        let (value, meanNLL) = model.loss(dequantized: rows, training: true)
        nll = meanNLL.item()
        return value
      }
    }
    return ((loss.item(), nll), gradients)
  }
}

/// One rank's share of one data-parallel training step, as `train` takes it: dequantizes the
/// whole global `batch` with `noise`, runs this rank's equal share of its rows forward and
/// backward, and returns the global batch's mean loss and the gradients of `model.parameters`
/// averaged over `group` (every rank gets the same). Every rank of the group must call it with
/// the same batch and noise; without a group (a group of one) it is the whole batch's step.
public func replicaLossAndGradients(
  of model: DensityModel, batch: Tensor, group: any ReplicaGroup, noise: inout RandomGenerator
) -> (loss: Float, gradients: [Tensor]) {
  let shard = ReplicaShard(batch: batch, model: model, group: group, noise: &noise)
  let (loss, _, gradients, _) = shard.lossAndAveragedGradients(of: model.parameters)
  return (loss, gradients)
}
