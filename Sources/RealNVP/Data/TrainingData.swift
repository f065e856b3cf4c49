import TensorCore

/// What `train` and `evaluateBitsPerDimension` take: samples the training loop can batch, points
/// [N, D] or pixels [N, C, H, W]. `Dataset` is the library's own (from `Datasets`, or from a
/// tensor); conform a type of your own to train on data kept another way.
public protocol TrainingData {
  /// Number of samples.
  var count: Int { get }
  /// The samples at `indices`, stacked along the first axis, as the model expects them.
  func batch(_ indices: [Int]) -> Tensor
  /// Where the samples came from, their size and checksum, for run records (by default an
  /// in-memory description with the checksum of every sample).
  var fingerprint: DatasetFingerprint { get }
}

extension TrainingData {
  /// In memory: not reloadable, recognized by the checksum of every sample's values.
  public var fingerprint: DatasetFingerprint {
    let all = batch(Array(0..<count))
    var checksum = FNV1a64()
    checksum.update(floats: all.scalars)
    return DatasetFingerprint(
      source: .inMemory(description: "\(type(of: self)) \(all.shape)"), count: count,
      sampleShape: Array(all.shape.dropFirst()), checksum: checksum.hex)
  }
}
