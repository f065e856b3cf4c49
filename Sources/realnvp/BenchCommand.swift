import ArgumentParser
import DataParallel
import Foundation
import RealNVP
import TensorCore

// MARK: - bench

/// `realnvp bench --config NAME`: times one configuration and prints one JSON line.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Time a configuration and print one JSON line with median and min ms per step and peak RSS.")

  @Option(help: "Configuration: \(BenchmarkConfig.names.joined(separator: ", ")).")
  var config: String = "conv3x3-64"

  @Option(help: "Timed steps.")
  var steps: Int = 20

  @Option(help: "Untimed warm-up steps.")
  var warmup: Int = 3

  @Option(help: "Threads for BLAS and parallel loops.")
  var threads: Int = 2

  @Option(
    help: """
      Data-parallel replicas on threads of this process, one thread each, for the training \
      configurations: each takes an equal share of the batch, and they average gradients and \
      share batch norm's statistics, like MPI ranks of one thread (--threads is then unused).
      """)
  var replicas: Int = 1

  @Option(
    help: """
      Convolution precision: fp32, or bf16 (bfloat16 products, Float32 accumulation, where the CPU \
      has AVX512_BF16; elsewhere fp32, said on standard error).
      """)
  var precision: Precision = .float32

  func validate() throws {
    guard BenchmarkConfig(name: config) != nil else {
      throw ValidationError("Unknown config '\(config)'; expected one of \(BenchmarkConfig.names)")
    }
    guard steps > 0, warmup >= 0, threads > 0 else {
      throw ValidationError("steps and threads must be positive and warmup non-negative")
    }
    try validateReplicas(replicas, batchSize: BenchmarkConfig(name: config)!.batch)
    if replicas > 1, !BenchmarkConfig(name: config)!.isTraining {
      throw ValidationError(
        "--replicas splits a training step; \(config) is a lone convolution (use mnist-bench, mnist or "
          + "mnist-glow).")
    }
  }

  func run() throws {
    ComputeThreads.count = threads
    ComputeBackend.convolutionPrecision = precision
    let benchmark = BenchmarkConfig(name: config)!
    let timed: (times: [Double], flops: Double, cpuPerStep: Double)
    if replicas > 1 {
      let pixels = benchmark.trainingPixels()
      timed = runOnReplicaThreads(replicas) { group in
        time(benchmark.makeReplicaStep(group: group, pixels: pixels), barrier: group.barrier)
      }
    } else {
      timed = time(benchmark.makeStep(), barrier: {})
    }
    let (times, flops, cpuPerStep) = (timed.times.sorted(), timed.flops, timed.cpuPerStep)
    let median =
      times.count % 2 == 1
      ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    let fields: [(String, String)] = [
      ("config", "\"\(config)\""), ("precision", "\"\(ComputeBackend.convolutionPrecision.rawValue)\""),
      ("batch", "\(benchmark.batch)"), ("threads", "\(replicas > 1 ? 1 : threads)"),
      ("replicas", "\(replicas)"),
      ("steps", "\(steps)"), ("ms_per_step_median", String(format: "%.3f", median)),
      ("ms_per_step_min", String(format: "%.3f", times[0])),
      ("cpu_ms_per_step", String(format: "%.3f", cpuPerStep)),
      ("peak_rss_mb", String(format: "%.1f", peakResidentMegabytes())),
      ("gflop_per_step", String(format: "%.3f", flops / 1e9)),
      ("gflops", String(format: "%.1f", flops / 1e6 / median)),
      ("isa", "\"\(ComputeBackend.isa)\""), ("gemm", "\"\(ComputeBackend.gemm)\""),
      ("conv_engine", "\"\(ComputeBackend.convolutionEngine)\""),
    ]
    print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
  }

  /// Runs the warm-up steps, one step counting FLOPs, then the timed steps: the milliseconds of
  /// each, the FLOPs of one and the process's CPU milliseconds per step. Replicas call it on
  /// every rank with their group's barrier, so that rank 0's counts and CPU time take in every
  /// rank's work; rank 0's numbers are the ones reported.
  private func time(_ step: () -> Void, barrier: () -> Void) -> ([Double], Double, Double) {
    for _ in 0..<warmup { step() }
    let flops = FLOPCount.measure {
      barrier()
      step()
      barrier()
    }
    var times: [Double] = []
    let cpuStart = processCPUMilliseconds()
    barrier()
    for _ in 0..<steps {
      let start = DispatchTime.now().uptimeNanoseconds
      step()
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    barrier()
    return (times, flops, (processCPUMilliseconds() - cpuStart) / Double(steps))
  }
}

/// Throws unless `replicas` is at least 1 and, above 1, runs in a process that `mpirun` did not
/// start (replicas are the threads of one process) and splits `batchSize` (when given) evenly.
func validateReplicas(_ replicas: Int, batchSize: Int?) throws {
  guard replicas >= 1 else { throw ValidationError("--replicas must be at least 1, got \(replicas).") }
  guard replicas > 1 else { return }
  if let size = Launch.launcherWorldSize {
    throw ValidationError(
      "--replicas \(replicas) trains on threads of one process, but mpirun started \(size) ranks; "
        + "use either mpirun or --replicas, not both.")
  }
  if let batchSize, batchSize % replicas != 0 {
    throw ValidationError(
      "The batch of \(batchSize) samples does not split into \(replicas) equal shares; give "
        + "--replicas a divisor of the batch size, or a batch size divisible by \(replicas).")
  }
}

/// User plus system CPU time of this process (all threads) in milliseconds.
func processCPUMilliseconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  let user = Double(usage.ru_utime.tv_sec) * 1e3 + Double(usage.ru_utime.tv_usec) / 1e3
  let system = Double(usage.ru_stime.tv_sec) * 1e3 + Double(usage.ru_stime.tv_usec) / 1e3
  return user + system
}

/// The peak resident set size of this process (VmHWM) in MiB.
func peakResidentMegabytes() -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
    let kilobytes = Double(line.split(separator: " ")[1])
  else { return 0 }
  return kilobytes / 1024
}
