import Foundation

/// A directory of run records (JSON lines in `journal.jsonl`): every training run appends to it,
/// notebooks and the `realnvp journal` command read it back, compare runs and replay them.
public final class Journal {
  /// The journal's directory.
  public let directory: URL

  /// Opens (lazily creates) the journal in `directory`.
  public init(directory: URL) {
    self.directory = directory
  }

  /// Opens the journal at a path.
  public convenience init(path: String) {
    self.init(directory: URL(fileURLWithPath: path, isDirectory: true))
  }

  /// `$REALNVP_JOURNAL_DIR`, else `runs/` in the working directory.
  public static var defaultDirectory: URL {
    if let path = ProcessInfo.processInfo.environment["REALNVP_JOURNAL_DIR"], !path.isEmpty {
      return URL(fileURLWithPath: path, isDirectory: true)
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("runs")
  }

  /// The journal `train` writes to when the caller names none; set to nil to record nothing.
  nonisolated(unsafe) public static var `default`: Journal? = Journal(directory: defaultDirectory)

  /// The JSON-lines file.
  public var fileURL: URL { directory.appendingPathComponent("journal.jsonl") }

  // MARK: - Reading

  /// Every readable run in the order they started, and the lines that could not be read.
  public func read() -> (runs: [RunRecord], problems: [JournalProblem]) { readJournal(fileURL) }

  /// Every readable run, in the order they started (unreadable lines are skipped).
  public var runs: [RunRecord] { read().runs }

  /// The run with `id`.
  public func run(_ id: String) throws -> RunRecord {
    guard let run = runs.first(where: { $0.id == id || $0.id.hasPrefix(id) }) else {
      throw JournalError.unknownRun(id: id, path: fileURL.path)
    }
    return run
  }

  /// Runs matching every given criterion (nil: any).
  public func runs(
    configuration: String? = nil, dataset: String? = nil, tag: String? = nil, status: RunStatus? = nil
  ) -> [RunRecord] {
    runs.filter { run in
      (configuration.map { run.configuration == $0 } ?? true)
        && (dataset.map { run.dataset.source.name.localizedCaseInsensitiveContains($0) } ?? true)
        && (tag.map { run.tags.contains($0) } ?? true)
        && (status.map { run.status == $0 } ?? true)
    }
  }

  // MARK: - Writing

  /// Appends the start of `record` (as incomplete, without epochs) and returns a writer for its epochs and end.
  public func begin(_ record: RunRecord) throws -> RunWriter {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw JournalError.cannotWrite(path: directory.path, reason: error.localizedDescription)
    }
    var start = record
    (start.status, start.endedAt, start.error, start.epochs, start.checkpoint) = (
      .incomplete, nil, nil, [], nil
    )
    try appendLine(.start(start), to: fileURL)
    return RunWriter(id: record.id, fileURL: fileURL)
  }

  /// Appends a `resume` line to the run `id` and returns a writer for its further epochs and end.
  public func continueRun(_ id: String, segment: RunSegment) throws -> RunWriter {
    guard runs.contains(where: { $0.id == id }) else {
      throw JournalError.unknownRun(id: id, path: fileURL.path)
    }
    try appendLine(.resume(id: id, segment: segment), to: fileURL)
    return RunWriter(id: id, fileURL: fileURL)
  }

  /// A new run id: UTC time, configuration name and a random suffix.
  public static func makeRunID(configuration: String, date: Date = Date()) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
    let name = configuration.filter { $0.isLetter || $0.isNumber || $0 == "-" }
    return "\(formatter.string(from: date))-\(name)-\(suffix)"
  }
}

/// Appends one run's epochs and its end to a journal.
public final class RunWriter {
  /// The run's id.
  public let id: String
  let fileURL: URL

  init(id: String, fileURL: URL) {
    self.id = id
    self.fileURL = fileURL
  }

  /// Records one finished epoch.
  public func record(_ epoch: EpochRecord) throws {
    try appendLine(.epoch(id: id, record: epoch), to: fileURL)
  }

  /// Records how the run ended.
  public func finish(_ status: RunStatus, error: String? = nil, checkpoint: CheckpointReference? = nil) throws
  {
    try appendLine(
      .end(id: id, status: status, endedAt: Date(), error: error, checkpoint: checkpoint), to: fileURL)
  }
}
