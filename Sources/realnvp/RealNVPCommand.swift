import ArgumentParser

// MARK: - Root command

/// The `realnvp` command-line tool: benchmarks now; training, sampling and evaluation later.
@main
struct RealNVPCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "realnvp",
    abstract: "Real NVP normalizing flows in Swift: benchmarks, training and sampling.",
    subcommands: [BenchCommand.self])
}
