import ArgumentParser

// MARK: - Root command

/// `realnvp-kernel`: the Jupyter kernel for Swift with the Real NVP library preloaded.
struct KernelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "realnvp-kernel",
    abstract: "Jupyter kernel for Swift with the Real NVP library preloaded.",
    discussion: """
      Jupyter starts the kernel as `realnvp-kernel -f {connection_file}`. Run \
      `realnvp-kernel install` once to make the kernel known to Jupyter as "Swift (Real NVP)".
      """,
    subcommands: [RunCommand.self, InstallCommand.self],
    defaultSubcommand: RunCommand.self)
}
