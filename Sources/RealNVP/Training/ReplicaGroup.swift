import TensorCore

/// The processes that train one model together, data-parallel: each holds the same model, takes
/// its shard of every global batch, and they sum gradients and batch statistics across the group.
///
/// The library needs only these calls; an MPI communicator (the `DataParallel` module, built
/// with the `MPI` trait) or `SingleProcessGroup` provides them. Every rank must make the same
/// collective calls in the same order.
public protocol ReplicaGroup: AnyObject, Sendable {
  /// This process's index, 0..<worldSize; rank 0 writes checkpoints and the journal.
  var rank: Int { get }
  /// The number of processes.
  var worldSize: Int { get }
  /// Replaces every element of `buffer` with its sum over all ranks (an allreduce); blocks until
  /// every rank has contributed. `purpose` names the call in timings and error messages.
  func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, purpose: CollectivePurpose)
  /// Starts summing `buffer` over all ranks and returns without waiting; the sums are in
  /// `buffer` once the returned collective's `wait()` returns, and until then the buffer must
  /// stay allocated and untouched. Collectives are matched in the order ranks start them.
  func startAllreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, purpose: CollectivePurpose)
    -> any PendingCollective
  /// Whether a training step sends each gradient bucket as soon as the backward pass has
  /// finished it (true), or all of them after the backward pass.
  var overlapsGradientExchange: Bool { get }
}

/// A collective that was started and may still be running.
public protocol PendingCollective: AnyObject {
  /// Whether it has completed; each call also lets the communication library move it on.
  func test() -> Bool
  /// Blocks until it has completed.
  func wait()
}

/// A collective that completed when it was started.
public final class CompletedCollective: PendingCollective {
  /// A collective with nothing left to do.
  public init() {}
  /// Always true.
  public func test() -> Bool { true }
  /// Returns at once.
  public func wait() {}
}

/// What a collective call is for, in timings and in the message of one that times out.
public enum CollectivePurpose: String, CaseIterable, Sendable {
  /// Averaging the gradients of one step.
  case gradients
  /// Batch norm's batch sums in the forward pass, or their gradients in the backward pass.
  case batchNorm = "batch norm"
  /// The step's loss and the ranks' stop requests.
  case loss
  /// The batch sums of an evaluation shared between the ranks.
  case validation
}

extension ReplicaGroup {
  /// Whether this is the rank that writes checkpoints and the journal.
  public var isLeader: Bool { rank == 0 }

  /// `values` summed over all ranks.
  public func allreduceSum(_ values: [Float], purpose: CollectivePurpose) -> [Float] {
    var values = values
    values.withUnsafeMutableBufferPointer { allreduceSum($0, purpose: purpose) }
    return values
  }

  /// `tensor` summed over all ranks, with the same shape.
  public func allreduceSum(_ tensor: Tensor, purpose: CollectivePurpose) -> Tensor {
    Tensor(shape: tensor.shape, scalars: allreduceSum(tensor.scalars, purpose: purpose))
  }

  /// Sums `buffer` before returning (for groups whose collectives cannot run in the background).
  public func startAllreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, purpose: CollectivePurpose)
    -> any PendingCollective
  {
    allreduceSum(buffer, purpose: purpose)
    return CompletedCollective()
  }

  /// Overlapping by default.
  public var overlapsGradientExchange: Bool { true }
}

/// The group of one process: every sum is the value itself. Training with it takes the
/// data-parallel code path and gives exactly the results of training without a group.
public final class SingleProcessGroup: ReplicaGroup {
  /// Always 0.
  public let rank = 0
  /// Always 1.
  public let worldSize = 1

  /// The group of this process alone.
  public init() {}

  /// Leaves `buffer` as it is.
  public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, purpose: CollectivePurpose) {}
}

/// The group the running training step belongs to, for layers that reduce over the whole
/// global batch (batch norm). Nil outside data-parallel training.
public enum CurrentReplicaGroup {
  /// Set by the training loop around each step.
  @TaskLocal public static var group: (any ReplicaGroup)?
}
