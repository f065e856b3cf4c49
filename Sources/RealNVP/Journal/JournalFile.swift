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
///
/// Whatever fails, the journal stays a sequence of lines: a line cut short (the disk filled up,
/// the file size limit was reached) is cut off again before the error is thrown, and a line
/// torn by a crash earlier is ended before this one starts, so it costs only itself.
func appendLine(_ entry: JournalEntry, to url: URL) throws {
  var data = try JournalCoding.encoder.encode(entry)
  data.append(UInt8(ascii: "\n"))
  let fd = open(url.path, O_RDWR | O_APPEND | O_CREAT, 0o644)
  guard fd >= 0 else {
    throw JournalError.cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
  }
  defer { close(fd) }
  if endsInsideALine(fd) { data.insert(UInt8(ascii: "\n"), at: 0) }
  var written = 0
  let failure: Int32 = data.withUnsafeBytes { bytes in
    while written < bytes.count {
      let result = write(fd, bytes.baseAddress! + written, bytes.count - written)
      if result < 0 {
        if errno == EINTR { continue }
        return errno
      }
      written += result
    }
    return 0
  }
  guard failure == 0 else {
    let removed = written > 0 && removeLastWrite(fd, bytes: written)
    let partial =
      written == 0
      ? "" : removed ? "; the partial line was removed" : "; a partial line of \(written) bytes remains"
    throw JournalError.cannotWrite(
      path: url.path,
      reason:
        "appending \(data.count) bytes failed after \(written) (\(String(cString: strerror(failure))))\(partial)"
    )
  }
  guard fsync(fd) == 0 else {
    throw JournalError.cannotWrite(
      path: url.path, reason: "the line was written but fsync failed (\(String(cString: strerror(errno))))")
  }
}

/// Whether the file open at `fd` is non-empty and does not end with a newline.
private func endsInsideALine(_ fd: Int32) -> Bool {
  var info = stat()
  guard fstat(fd, &info) == 0, info.st_size > 0 else { return false }
  var last: UInt8 = 0
  return pread(fd, &last, 1, info.st_size - 1) == 1 && last != UInt8(ascii: "\n")
}

/// Cuts the last `bytes` bytes this descriptor appended, unless someone appended after them.
private func removeLastWrite(_ fd: Int32, bytes: Int) -> Bool {
  let end = lseek(fd, 0, SEEK_CUR)
  var info = stat()
  guard end >= bytes, fstat(fd, &info) == 0, info.st_size == end else { return false }
  return ftruncate(fd, end - off_t(bytes)) == 0
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
