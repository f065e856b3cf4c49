import TensorCore
// MARK: - Batch iterator

/// Yields the index batches of one epoch: a seeded shuffle per epoch, optionally dropping the
/// last incomplete batch.
///
/// The order of epoch `e` depends only on `(seed, e)`, so a resumed run sees the same batches:
/// ```swift
/// for indices in BatchIterator(count: data.count, batchSize: 64, seed: 1, epoch: 3) {
///   let (pixels, shape) = data.batch(indices: indices)
/// }
/// ```
public struct BatchIterator: Sequence, IteratorProtocol, Sendable {
  /// Number of items in the dataset.
  public let count: Int
  /// Items per batch.
  public let batchSize: Int
  /// Whether the incomplete last batch is left out.
  public let dropLast: Bool
  /// The epoch this iterator walks through.
  public let epoch: Int
  /// The item order of this epoch.
  public let order: [Int]
  private var position = 0

  /// An iterator over epoch `epoch` of `count` items; `shuffle: false` keeps the natural order.
  public init(
    count: Int, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0, epoch: Int = 0,
    dropLast: Bool = false
  ) {
    precondition(count >= 0, "BatchIterator needs a non-negative count, got \(count)")
    precondition(batchSize > 0, "BatchIterator needs a positive batch size, got \(batchSize)")
    precondition(epoch >= 0, "BatchIterator needs a non-negative epoch, got \(epoch)")
    self.count = count
    self.batchSize = batchSize
    self.dropLast = dropLast
    self.epoch = epoch
    if shuffle {
      var random = RandomGenerator(seed: seed, stream: UInt64(epoch) &+ 1)
      order = random.permutation(count)
    } else {
      order = Array(0..<count)
    }
  }

  /// Number of batches this epoch yields.
  public var batchesPerEpoch: Int {
    dropLast ? count / batchSize : (count + batchSize - 1) / batchSize
  }

  /// The next batch of indices, or nil at the end of the epoch.
  public mutating func next() -> [Int]? {
    let remaining = count - position
    guard remaining > 0, !(dropLast && remaining < batchSize) else { return nil }
    let end = position + Swift.min(batchSize, remaining)
    defer { position = end }
    return Array(order[position..<end])
  }
}
