import ArgumentParser
import Glow

// MARK: - Root command

/// The `realnvp` command-line tool: long training runs, evaluation, sampling, the run journal
/// and benchmarks.
@main
struct RealNVPCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "realnvp",
    abstract: "Real NVP normalizing flows in Swift: data, training, sampling and benchmarks.",
    subcommands: [
      TrainCommand.self, EvaluateCommand.self, SampleCommand.self, JournalCommand.self, ReplayCommand.self,
      DataCommand.self, BenchCommand.self,
    ])

  /// Sets up the allocator for training, registers the Glow model and configurations, then runs
  /// the command line.
  static func main() {
    AllocatorSettings.keepStepMemory()
    registerGlow()
    main(nil)
  }
}
