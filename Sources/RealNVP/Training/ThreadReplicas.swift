import Foundation
import Synchronization
import TensorCore

// MARK: - A group of threads

/// One rank of a replica group whose ranks are threads of this process, each with its own model:
/// data-parallel training exactly as MPI ranks do it, through shared memory.
///
/// Every rank must make the same collective calls in the same order (as `train` does). A sum
/// is the same bits on every run: each element is added up in rank order, whichever thread
/// does it. Make the ranks with `makeRanks(_:)`, or let `runOnReplicaThreads` make them and
/// run one thread per rank.
public final class ThreadReplicaGroup: ReplicaGroup, @unchecked Sendable {
  /// This thread's index, 0..<worldSize; rank 0 writes checkpoints and the journal.
  public let rank: Int
  /// The number of ranks.
  public var worldSize: Int { exchange.worldSize }
  /// Always false: a step sums its gradients after the backward pass (the sums are synchronous
  /// and take every rank's thread, so they could not run alongside it).
  public var overlapsGradientExchange: Bool { false }

  /// Seconds this rank spent in sums (adding up and waiting for the other ranks), by purpose;
  /// only this rank's thread touches it.
  public private(set) var seconds: [CollectivePurpose: Double] = [:]
  /// Sums made, by purpose.
  public private(set) var calls: [CollectivePurpose: Int] = [:]

  private let exchange: ThreadExchange

  private init(rank: Int, exchange: ThreadExchange) {
    (self.rank, self.exchange) = (rank, exchange)
  }

  /// The `count` ranks of a new group, in rank order; hand each to its own thread.
  public static func makeRanks(_ count: Int) -> [ThreadReplicaGroup] {
    precondition(count >= 1, "A replica group needs at least one rank, got \(count)")
    let exchange = ThreadExchange(worldSize: count)
    return (0..<count).map { ThreadReplicaGroup(rank: $0, exchange: exchange) }
  }

  /// Replaces every element of `buffer` with its sum over all ranks, added in rank order; blocks
  /// until every rank has called it with a buffer of the same length. Stops the process with a
  /// message when a rank of the group has left `runOnReplicaThreads` instead (it would never
  /// come).
  public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, purpose: CollectivePurpose) {
    let start = DispatchTime.now().uptimeNanoseconds
    exchange.allreduceSum(buffer, rank: rank, purpose: purpose)
    seconds[purpose, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    calls[purpose, default: 0] += 1
  }

  /// Blocks until every rank has called `barrier()`; a collective like the sums, in the same
  /// order on every rank.
  public func barrier() {
    exchange.barrier(rank: rank, waitingFor: "a barrier")
  }

  /// Marks this rank as gone for good (it returned, or threw `error`): a rank that waits in a
  /// collective for it, or comes to one later, stops the process naming both.
  fileprivate func depart(_ error: Error?) {
    exchange.depart(rank: rank, error: error)
  }
}

/// The memory the ranks of one `ThreadReplicaGroup` share: a barrier and each rank's buffer of
/// the collective under way.
private final class ThreadExchange: @unchecked Sendable {
  let worldSize: Int
  private let condition = NSCondition()
  /// Ranks at the barrier in the current round (under `condition`).
  private var arrived = 0
  /// Rounds of the barrier completed; written under `condition`, read by spinning waiters too.
  private let generation = Atomic<Int>(0)
  /// Ranks that left for good, and how (under `condition`).
  private var departed: [(rank: Int, how: String)] = []
  /// Each rank's buffer of the sum under way, written by that rank only, before the barrier.
  private let buffers: UnsafeMutablePointer<UnsafeMutableBufferPointer<Float>>

  init(worldSize: Int) {
    self.worldSize = worldSize
    buffers = .allocate(capacity: worldSize)
    buffers.initialize(repeating: UnsafeMutableBufferPointer(start: nil, count: 0), count: worldSize)
  }

  deinit { buffers.deallocate() }

  /// Publishes `buffer`, waits for every rank's, adds up this rank's slice of the elements over
  /// all buffers in rank order and writes the sums into every buffer, then waits until every
  /// slice is done (after which the buffers are the ranks' own again).
  func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, rank: Int, purpose: CollectivePurpose) {
    guard worldSize > 1 else { return }
    buffers[rank] = buffer
    let what = "an allreduce of \(purpose.rawValue)"
    barrier(rank: rank, waitingFor: what)
    let count = buffer.count
    for other in 0..<worldSize where buffers[other].count != count {
      fatalError(
        "Rank \(rank) summed \(count) floats in \(what), rank \(other) \(buffers[other].count): "
          + "the ranks of a thread replica group made different collective calls.")
    }
    let start = count * rank / worldSize
    let end = count * (rank + 1) / worldSize
    for i in start..<end {
      var sum = buffers[0][i]
      for other in 1..<worldSize { sum += buffers[other][i] }
      for other in 0..<worldSize { buffers[other][i] = sum }
    }
    barrier(rank: rank, waitingFor: what)
  }

  /// Returns once every rank has arrived in this round. A waiter spins briefly (the others are
  /// usually close behind), then sleeps on the condition.
  func barrier(rank: Int, waitingFor what: String) {
    guard worldSize > 1 else { return }
    condition.lock()
    let round = generation.load(ordering: .relaxed)
    checkNoneDeparted(rank: rank, waitingFor: what)
    arrived += 1
    if arrived == worldSize {
      arrived = 0
      generation.store(round + 1, ordering: .releasing)
      condition.broadcast()
      condition.unlock()
      return
    }
    condition.unlock()
    for _ in 0..<2000 where generation.load(ordering: .acquiring) != round { return }
    condition.lock()
    defer { condition.unlock() }
    while generation.load(ordering: .acquiring) == round {
      checkNoneDeparted(rank: rank, waitingFor: what)
      condition.wait()
    }
  }

  /// Records that `rank` has left, and wakes every waiter so that it can say so.
  func depart(rank: Int, error: Error?) {
    condition.lock()
    departed.append((rank, error.map { "threw \($0)" } ?? "returned"))
    condition.broadcast()
    condition.unlock()
  }

  /// With `condition` locked: stops the process when a rank has left, since the round can then
  /// never complete.
  private func checkNoneDeparted(rank: Int, waitingFor what: String) {
    guard let gone = departed.first else { return }
    fatalError(
      "Rank \(rank) of \(worldSize) replica threads waits in \(what), which rank \(gone.rank) will "
        + "never make: it \(gone.how).")
  }
}

// MARK: - Running the ranks

/// Runs `body` once on each of `count` new threads, each a rank of one new `ThreadReplicaGroup`,
/// and returns rank 0's result once every thread has finished; rethrows the error of the lowest
/// rank that threw.
///
/// Each thread runs `body` inside `ComputeThreads.withLimit(1)`, so its tensor ops run inline on
/// that thread: N replicas of one thread each, like N MPI ranks of one thread. Each rank needs its
/// own model, built the same way (the same configuration and seed); data that nobody writes can
/// be shared. Threads get `stackSize` bytes of stack (8 MiB by default, as a main thread has).
/// The convolution precision the process had is restored once all have finished.
///
/// ```swift
/// let history = try runOnReplicaThreads(2) { group in
///   let model = try experiment.makeModel()
///   return try train(model, on: data, options: experiment.options, group: group)
/// }
/// ```
///
/// A rank that leaves (returns or throws) while the others still make collectives stops the
/// process with a message naming both, since they would wait for it for ever.
public func runOnReplicaThreads<T>(
  _ count: Int, stackSize: Int = 8 << 20, _ body: (_ group: ThreadReplicaGroup) throws -> T
) rethrows -> T {
  try replicaThreads(count, stackSize: stackSize, body, rescue: { throw $0 })
}

/// `runOnReplicaThreads`, handing the first error to `rescue` (which rethrows it), so that the
/// public function rethrows only what `body` throws.
private func replicaThreads<T>(
  _ count: Int, stackSize: Int, _ body: (ThreadReplicaGroup) throws -> T, rescue: (Error) throws -> T
) rethrows -> T {
  precondition(count >= 1, "Replica threads need at least one rank, got \(count)")
  precondition(stackSize >= 1 << 16, "A replica thread needs a stack of at least 64 KiB, got \(stackSize)")
  let ranks = ThreadReplicaGroup.makeRanks(count)
  let outcomes = ReplicaOutcomes<T>(count: count)
  let savedPrecision = ComputeBackend.convolutionPrecision
  defer { ComputeBackend.convolutionPrecision = savedPrecision }
  withoutActuallyEscaping(body) { body in
    let threads = ranks.map { group in
      startThread(stackSize: stackSize) {
        // Replicas run oneDNN's kernels, on whose stack a signal handler must not run; the
        // calling thread, which waits, takes the stop signals.
        Interruption.blockStopSignals()
        do {
          let value = try ComputeThreads.withLimit(1) { try body(group) }
          outcomes.set(group.rank, .success(value))
          group.depart(nil)
        } catch {
          outcomes.set(group.rank, .failure(error))
          group.depart(error)
        }
      }
    }
    // Joined, every thread has released its closure, and with it `body`.
    for thread in threads { pthread_join(thread, nil) }
  }
  if let error = outcomes.firstError { return try rescue(error) }
  return outcomes.value(0)!
}

/// Starts a joinable thread with `stackSize` bytes of stack that runs `run`, and releases it
/// before it ends.
private func startThread(stackSize: Int, _ run: @escaping () -> Void) -> pthread_t {
  final class Start {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
  }
  var attributes = pthread_attr_t()
  pthread_attr_init(&attributes)
  defer { pthread_attr_destroy(&attributes) }
  pthread_attr_setstacksize(&attributes, stackSize)
  var thread = pthread_t()
  let start = Unmanaged.passRetained(Start(run)).toOpaque()
  let status = pthread_create(
    &thread, &attributes,
    { pointer in
      Unmanaged<Start>.fromOpaque(pointer!).takeRetainedValue().run()
      return nil
    }, start)
  precondition(status == 0, "Could not start a replica thread: pthread_create returned \(status)")
  return thread
}

/// What each rank's thread returned or threw.
private final class ReplicaOutcomes<T>: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [T?]
  private var errors: [Error?]

  init(count: Int) {
    values = Array(repeating: nil, count: count)
    errors = Array(repeating: nil, count: count)
  }

  func set(_ rank: Int, _ outcome: Result<T, Error>) {
    lock.withLock {
      switch outcome {
      case .success(let value): values[rank] = value
      case .failure(let error): errors[rank] = error
      }
    }
  }

  func value(_ rank: Int) -> T? { lock.withLock { values[rank] } }

  /// The error of the lowest rank that threw, if any did.
  var firstError: Error? { lock.withLock { errors.lazy.compactMap { $0 }.first } }
}
