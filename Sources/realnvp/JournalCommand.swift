import ArgumentParser
import Foundation
import NotebookDisplay
import RealNVP

/// `realnvp journal list|show|compare`: reads the run journal.
struct JournalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "journal", abstract: "List, show and compare recorded runs.",
    subcommands: [List.self, Show.self, Compare.self])

  struct Location: ParsableArguments {
    @Option(help: "Journal directory (default: $REALNVP_JOURNAL_DIR or ./runs).")
    var journal: String?

    var store: Journal { journal.map { Journal(path: $0) } ?? Journal(directory: Journal.defaultDirectory) }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One line per run.")
    @OptionGroup var location: Location
    @Option(help: "Only runs of this configuration.") var config: String?
    @Option(help: "Only runs with this tag.") var tag: String?

    func run() throws {
      let store = location.store
      let runs = store.runs(configuration: config, tag: tag)
      let rows = runs.map { r in
        [
          r.id, r.configuration, r.status.rawValue, "\(1 + (r.segments?.count ?? 0))", "\(r.epochs.count)",
          r.finalBitsPerDim.map { String(format: "%.4f", $0) } ?? "-", r.note,
        ]
      }
      print(
        RunComparison(
          columns: ["run", "configuration", "status", "segments", "epochs", "bits/dim", "note"], rows: rows
        )
        .plainText)
      for problem in store.read().problems { print("warning: \(store.fileURL.path) \(problem)") }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The whole record of one run, as JSON.")
    @OptionGroup var location: Location
    @Argument(help: "Run id (or a unique prefix).") var id: String

    func run() throws {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      encoder.dateEncodingStrategy = .iso8601
      print(String(decoding: try encoder.encode(try location.store.run(id)), as: UTF8.self))
    }
  }

  struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Runs side by side: differing settings and metrics.")
    @OptionGroup var location: Location
    @Argument(help: "Run ids (or unique prefixes).") var ids: [String]

    func run() throws {
      print(try location.store.compare(ids).plainText)
    }
  }
}
