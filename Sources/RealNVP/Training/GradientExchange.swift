import TensorCore

/// Averages one step's gradients over a replica group, in buckets that can start while the
/// backward pass is still running.
///
/// Gradients go into one flat buffer in the order they arrive (the same order on every rank,
/// since every rank runs the same computation), and each time a bucket's worth of floats is
/// there, its allreduce starts. `finish` starts the last, partial bucket, waits for all of
/// them and returns every gradient divided by the world size. Fed from `valueAndGradient`'s
/// `onGradient`, the buckets of the later layers travel while the earlier layers' gradients
/// are computed.
final class GradientExchange {
  private let group: any ReplicaGroup
  private let bucketElements: Int
  private let buffer: UnsafeMutableBufferPointer<Float>
  /// Where each parameter's gradient sits in `buffer`, and its shape, once it has arrived.
  private var placed: [(offset: Int, shape: [Int])?]
  /// Floats written to `buffer` so far.
  private var filled = 0
  /// Start of the first float whose allreduce has not started yet.
  private var unsent = 0
  private var pending: [any PendingCollective] = []

  /// An exchange for gradients of these element counts (one per parameter, in order), with
  /// buckets of at most `bucketElements` floats (4 MB by default).
  init(group: any ReplicaGroup, elementCounts: [Int], bucketElements: Int = 1 << 20) {
    precondition(bucketElements > 0, "Buckets need at least one element, got \(bucketElements)")
    self.group = group
    self.bucketElements = bucketElements
    buffer = .allocate(capacity: elementCounts.reduce(0, +))
    placed = Array(repeating: nil, count: elementCounts.count)
  }

  deinit {
    for collective in pending { collective.wait() }  // never free a buffer MPI still writes
    buffer.deallocate()
  }

  /// Takes parameter `index`'s gradient and starts every bucket that is now full.
  func add(_ index: Int, _ gradient: Tensor) {
    precondition(placed[index] == nil, "The gradient of parameter \(index) arrived twice")
    let count = gradient.scalarCount
    precondition(filled + count <= buffer.count, "Gradient \(index) has more elements than its parameter")
    gradient.withUnsafeBufferPointer { scalars in
      _ = UnsafeMutableBufferPointer(rebasing: buffer[filled..<(filled + count)]).initialize(
        fromContentsOf: scalars)
    }
    placed[index] = (filled, gradient.shape)
    filled += count
    while filled - unsent >= bucketElements { send(upTo: unsent + bucketElements) }
    for collective in pending where collective.test() {}  // moves the ones in flight on
  }

  /// Starts the last bucket, waits for every bucket, and returns the averaged gradients in
  /// parameter order.
  func finish() -> [Tensor] {
    if filled > unsent { send(upTo: filled) }
    for collective in pending { collective.wait() }
    pending.removeAll()
    let scale = 1 / Float(group.worldSize)
    return placed.enumerated().map { index, place in
      guard let place else { preconditionFailure("The gradient of parameter \(index) never arrived") }
      return Tensor(shape: place.shape) { out in
        for i in out.indices { out[i] = buffer[place.offset + i] * scale }
      }
    }
  }

  private func send(upTo end: Int) {
    let bucket = UnsafeMutableBufferPointer(rebasing: buffer[unsent..<end])
    pending.append(group.startAllreduceSum(bucket, purpose: .gradients))
    unsent = end
  }
}
