import TensorCore

/// One rank's share of a data-parallel training step: its rows of the global batch, the loss
/// over them, and the gradients averaged over the group (sent in buckets during the backward
/// pass when the group overlaps them, after it otherwise).
struct ReplicaShard {
  /// This rank's rows, already dequantized.
  let rows: Tensor
  let model: FlowModel
  let group: any ReplicaGroup

  /// Dequantizes the whole global `batch` with `noise` (so the noise does not depend on the
  /// world size) and keeps this rank's equal share of its rows.
  init(batch: Tensor, model: DensityModel, group: any ReplicaGroup, noise: inout RandomGenerator) {
    guard let flowModel = model as? FlowModel else {
      preconditionFailure("Data-parallel training needs a FlowModel, got \(type(of: model))")
    }
    let size = batch.shape[0] / group.worldSize
    precondition(
      size * group.worldSize == batch.shape[0],
      "A batch of \(batch.shape[0]) does not split into \(group.worldSize) equal shards")
    let global = flowModel.isQuantized ? dequantize(batch, using: &noise) : batch
    rows = group.worldSize == 1 ? global : global.rows((group.rank * size)..<((group.rank + 1) * size))
    self.model = flowModel
    self.group = group
  }

  /// The global batch's mean loss and NLL (the mean of the ranks' means), the gradients averaged
  /// over the ranks, and whether any rank was asked to stop (so that all stop after this step).
  func lossAndAveragedGradients() -> (loss: Float, nll: Float, gradients: [Tensor], stop: Bool) {
    var nll = Float.nan
    let parameters = model.parameters
    let exchange = GradientExchange(group: group, elementCounts: parameters.map(\.value.scalarCount))
    let overlap = group.overlapsGradientExchange
    let (loss, gradients) = CurrentReplicaGroup.$group.withValue(group) {
      valueAndGradient(at: parameters, onGradient: overlap ? exchange.add : nil) {
        let meanNLL = model.negativeLogLikelihood(dequantized: rows, training: true).mean()
        nll = meanNLL.item()
        return meanNLL + model.regularization
      }
    }
    if !overlap {
      for (index, gradient) in gradients.enumerated() { exchange.add(index, gradient) }
    }
    let averaged = exchange.finish()
    let sums = group.allreduceSum([loss.item(), nll, Interruption.isRequested ? 1 : 0], purpose: .loss)
    let ranks = Float(group.worldSize)
    return (sums[0] / ranks, sums[1] / ranks, averaged, sums[2] > 0)
  }
}
