import TensorCore

/// Mean bits/dim of `data` in inference mode (dequantization noise from a fixed seed).
///
/// With `group` the ranks share the work: batch i is evaluated by rank i mod N, and every rank
/// returns the same number as one process would (each rank draws every batch's noise, so the
/// noise does not depend on N, and the batch sums are added in the same order). Every rank of
/// the group must call it with the same arguments.
public func evaluateBitsPerDimension(
  _ model: DensityModel, on data: TrainingData, batchSize: Int = 256, limit: Int? = nil, seed: UInt64 = 1,
  group: (any ReplicaGroup)? = nil
) -> Float {
  let total = min(data.count, limit ?? Int.max)
  precondition(total > 0, "Evaluation needs at least one sample")
  var sums = batchNegativeLogLikelihoods(
    model, on: data, batchSize: batchSize, total: total, seed: seed, group: group)
  if let group, group.worldSize > 1 {
    sums = group.allreduceSum(sums, purpose: .validation)
  }
  let sum = sums.reduce(0.0) { $0 + Double($1) }
  return bitsPerDimension(negativeLogLikelihood: Float(sum / Double(total)), dimensions: model.dimensions)
}

/// The summed -log p of each batch of the first `total` samples, in order; with a group of
/// several ranks, 0 for the batches other ranks evaluate.
func batchNegativeLogLikelihoods(
  _ model: DensityModel, on data: TrainingData, batchSize: Int, total: Int, seed: UInt64,
  group: (any ReplicaGroup)?
) -> [Float] {
  var rng = RandomGenerator(seed: seed)
  let (rank, ranks) = (group?.rank ?? 0, group?.worldSize ?? 1)
  return stride(from: 0, to: total, by: batchSize).enumerated().map { index, start in
    let batch = data.batch(Array(start..<min(start + batchSize, total)))
    return withoutGradients {
      let dequantized = model.dequantize(batch, using: &rng)
      guard index % ranks == rank else { return 0 }
      return model.negativeLogLikelihood(dequantized: dequantized, training: false).sum().item()
    }
  }
}
