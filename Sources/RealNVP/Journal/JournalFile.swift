import Foundation

/// One line of a journal file. A run is written as a `start` line, one `epoch` line per epoch
/// and an `end` line; a run continued from a resume checkpoint adds a `resume` line and goes on.
/// Each line is appended whole, so a crash leaves a readable journal whose last run lacks its
/// `end` (and reads as incomplete).
enum JournalEntry: Codable {
  case start(RunRecord)
  case epoch(id: String, record: EpochRecord)
  case resume(id: String, segment: RunSegment)
  case end(id: String, status: RunStatus, endedAt: Date, error: String?, checkpoint: CheckpointReference?)
}

/// A journal line that could not be read, reported instead of failing the whole journal.
public struct JournalProblem: Equatable, CustomStringConvertible, Sendable {
  /// 1-based line number in the journal file.
  public var line: Int
  /// What was wrong.
  public var message: String

  /// "journal.jsonl line 7: ...".
  public var description: String { "line \(line): \(message)" }
}

/// Raised when a journal cannot be opened or appended to.
public enum JournalError: Error, CustomStringConvertible {
  /// The journal directory or file cannot be created or written.
  case cannotWrite(path: String, reason: String)
  /// No run with that id.
  case unknownRun(id: String, path: String)
  /// A recorded run cannot be run again.
  case cannotReplay(reason: String)

  /// A sentence naming the path and the problem.
  public var description: String {
    switch self {
    case .cannotWrite(let path, let reason): return "Cannot write the run journal at \(path): \(reason)"
    case .unknownRun(let id, let path): return "No run with id \(id) in the journal \(path)"
    case .cannotReplay(let reason): return "Cannot replay this run: \(reason)"
    }
  }
}

enum JournalCoding {
  static let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.dateEncodingStrategy = .iso8601
    e.outputFormatting = [.sortedKeys]
    return e
  }()

  static let decoder: JSONDecoder = {
    let d = JSONDecoder()
    d.dateDecodingStrategy = .iso8601
    return d
  }()
}

/// Appends `entry` as one line with a single write(2) on an O_APPEND descriptor, then fsyncs.
func appendLine(_ entry: JournalEntry, to url: URL) throws {
  var data = try JournalCoding.encoder.encode(entry)
  data.append(UInt8(ascii: "\n"))
  let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
  guard fd >= 0 else {
    throw JournalError.cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
  }
  defer { close(fd) }
  let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
  guard written == data.count else {
    throw JournalError.cannotWrite(path: url.path, reason: "short write (\(written) of \(data.count) bytes)")
  }
  fsync(fd)
}

/// Reads every run from a journal file, folding start/epoch/end lines; unreadable lines are
/// returned as problems with their line numbers and skipped.
func readJournal(_ url: URL) -> (runs: [RunRecord], problems: [JournalProblem]) {
  guard let data = FileManager.default.contents(atPath: url.path) else { return ([], []) }
  var order: [String] = []
  var runs: [String: RunRecord] = [:]
  var problems: [JournalProblem] = []
  let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
  for (index, line) in lines.enumerated() where !line.isEmpty {
    let number = index + 1
    guard let entry = try? JournalCoding.decoder.decode(JournalEntry.self, from: Data(line)) else {
      problems.append(
        JournalProblem(line: number, message: "not a valid journal entry (corrupt or truncated)"))
      continue
    }
    switch entry {
    case .start(let record):
      if runs[record.id] == nil { order.append(record.id) }
      runs[record.id] = record
    case .epoch(let id, let epoch):
      guard runs[id] != nil else {
        problems.append(JournalProblem(line: number, message: "epoch of unknown run \(id)"))
        continue
      }
      // An epoch recorded again (after a resume from an earlier point) replaces the old record.
      runs[id]!.epochs.removeAll { $0.epoch >= epoch.epoch }
      runs[id]!.epochs.append(epoch)
    case .resume(let id, let segment):
      guard runs[id] != nil else {
        problems.append(JournalProblem(line: number, message: "resume of unknown run \(id)"))
        continue
      }
      runs[id]!.segments = (runs[id]!.segments ?? []) + [segment]
      runs[id]!.epochs = Array(runs[id]!.epochs.prefix(segment.finishedEpochs))
      (runs[id]!.status, runs[id]!.endedAt, runs[id]!.error) = (.incomplete, nil, nil)
    case .end(let id, let status, let endedAt, let error, let checkpoint):
      guard runs[id] != nil else {
        problems.append(JournalProblem(line: number, message: "end of unknown run \(id)"))
        continue
      }
      runs[id]!.status = status
      runs[id]!.endedAt = endedAt
      runs[id]!.error = error
      runs[id]!.checkpoint = checkpoint
    }
  }
  return (order.compactMap { runs[$0] }, problems)
}
