import ArgumentParser
import Foundation
import NotebookDisplay
import RealNVP

/// `realnvp replay RUN_ID`: re-runs a recorded run and reports whether the metrics match.
struct ReplayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replay", abstract: "Re-run a recorded run from its record and compare the metrics.")

  @OptionGroup var location: JournalCommand.Location
  @Argument(help: "Run id (or a unique prefix).") var id: String
  @Option(help: "Epochs to replay (default: all recorded).") var epochs: Int?

  func run() throws {
    let report = try location.store.replay(id, epochs: epochs)
    print(report.summary)
    if !report.matches { throw ExitCode(1) }
  }
}
