import TensorCore

extension DensityModel {
  /// Every batch-norm layer of the preprocessing and the flow, in flow order.
  public var batchNormLayers: [FlowBatchNorm] { modules(ofType: FlowBatchNorm.self) }

  /// Replaces every batch-norm layer's running statistics with their equally weighted average
  /// over `batches` random batches of `data` at the current parameters (as PyTorch's
  /// `update_bn` does), instead of the slow exponential average that training leaves behind.
  ///
  /// Parameters do not change; training-mode statistics are unaffected. Returns the number of
  /// samples seen (fewer than `batches * batchSize` when `data` is smaller).
  @discardableResult
  public func reestimateBatchNormStatistics(
    on data: TrainingData, batches: Int = 100, batchSize: Int = 64, seed: UInt64 = 0
  ) -> Int {
    precondition(batches > 0 && batchSize > 1, "Re-estimation needs batches > 0 and batchSize > 1")
    let layers = batchNormLayers
    guard !layers.isEmpty, data.count > 1 else { return 0 }
    let momenta = layers.map(\.momentum)
    defer { for (layer, momentum) in zip(layers, momenta) { layer.momentum = momentum } }
    for layer in layers {
      layer.runningMean.value = .zeros(layer.runningMean.value.shape)
      layer.runningVariance.value = .ones(layer.runningVariance.value.shape)
    }
    var rng = RandomGenerator(seed: seed)
    let order = rng.permutation(data.count)
    var seen = 0
    for k in 0..<batches {
      let end = min(seen + batchSize, data.count)
      guard end - seen > 1 else { break }
      // A momentum of 1/(k+1) makes each running statistic the plain mean of the k+1 batches.
      for layer in layers { layer.momentum = 1 / Float(k + 1) }
      _ = withoutGradients {
        negativeLogLikelihood(data.batch(Array(order[seen..<end])), training: true, using: &rng)
      }
      seen = end
    }
    return seen
  }
}
