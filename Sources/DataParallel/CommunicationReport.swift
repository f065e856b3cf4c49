import Foundation
import RealNVP

/// The line `realnvp train` prints after a data-parallel run: time in allreduce per step, by
/// purpose, next to the step time.
public enum CommunicationReport {
  /// "rank R of N: allreduce X ms per step (gradients ..., batch norm ..., loss ...) over S
  /// steps; step Y ms", or nil for a group that keeps no timings (MPI ranks and replica threads
  /// keep them). The allreduce time includes waiting for the slowest rank.
  public static func summary(of group: any ReplicaGroup, history: TrainingHistory, batchSize: Int) -> String?
  {
    guard let (seconds, calls) = timings(of: group), let steps = calls[.loss], steps > 0 else { return nil }
    let perStep = { (seconds: Double) in String(format: "%.2f", seconds / Double(steps) * 1000) }
    let total = seconds.values.reduce(0, +)
    let parts = CollectivePurpose.allCases.map { "\($0.rawValue) \(perStep(seconds[$0] ?? 0))" }
    var line =
      "rank \(group.rank) of \(group.worldSize): allreduce \(perStep(total)) ms per step "
      + "(\(parts.joined(separator: ", "))) over \(steps) steps"
    if let step = meanStepSeconds(history, batchSize: batchSize) {
      line += String(format: "; step %.1f ms", step * 1000)
    }
    return line
  }

  /// The seconds spent in collectives and their counts, by purpose, of a group that keeps them.
  private static func timings(of group: any ReplicaGroup)
    -> (seconds: [CollectivePurpose: Double], calls: [CollectivePurpose: Int])?
  {
    if let group = group as? ThreadReplicaGroup { return (group.seconds, group.calls) }
    #if MPI
      if let group = group as? MPIReplicaGroup { return (group.seconds, group.calls) }
    #endif
    return nil
  }

  /// Mean seconds per optimizer step over the history's epochs (training only, no validation).
  static func meanStepSeconds(_ history: TrainingHistory, batchSize: Int) -> Double? {
    var (seconds, steps, previous) = (0.0, 0, 0)
    for epoch in history.epochs {
      let count = epoch.steps - previous
      previous = epoch.steps
      guard count > 0, let rate = epoch.samplesPerSecond, rate > 0 else { continue }
      seconds += Double(count * batchSize) / rate
      steps += count
    }
    return steps > 0 ? seconds / Double(steps) : nil
  }

  /// Shuts MPI down at the end of a run (nothing for other groups).
  public static func finish(_ group: any ReplicaGroup) {
    #if MPI
      (group as? MPIReplicaGroup)?.finalize()
    #endif
  }
}
