import ExecutorWire
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Entries

/// One executed cell as `history_reply` reports it.
public struct HistoryEntry: Equatable, Sendable {
  /// The session number (this kernel's session is `ExecutionHistory.sessionNumber`).
  public var session: Int
  /// The cell's execution count.
  public var line: Int
  /// The cell's source.
  public var input: String
  /// The `text/plain` of its execute_result, if any.
  public var output: String?

  /// Creates an entry.
  public init(session: Int, line: Int, input: String, output: String? = nil) {
    self.session = session
    self.line = line
    self.input = input
    self.output = output
  }

  /// `[session, line, input]`, or `[session, line, [input, output]]` when `withOutput`.
  public func json(withOutput: Bool) -> JSONValue {
    let source: JSONValue =
      withOutput ? .array([.string(input), output.map(JSONValue.string) ?? .null]) : .string(input)
    return .array([.int(session), .int(line), source])
  }
}

// MARK: - ExecutionHistory

/// The cells executed in this session, queried the way IPython's history manager does.
///
/// Not thread-safe on its own: the kernel core touches it only from its shell worker.
public struct ExecutionHistory: Sendable {
  /// The number of the current history session (a request that asks for number 0 means this one).
  public static let sessionNumber = 1

  /// Entries in execution order.
  public private(set) var entries: [HistoryEntry] = []

  /// An empty history.
  public init() {}

  /// Records a cell.
  public mutating func append(line: Int, input: String, output: String? = nil) {
    entries.append(
      HistoryEntry(session: ExecutionHistory.sessionNumber, line: line, input: input, output: output))
  }

  /// The last `n` entries (10 when nil), oldest first.
  public func tail(_ n: Int?) -> [HistoryEntry] {
    Array(entries.suffix(max(0, n ?? 10)))
  }

  /// Entries of `session` with `start <= line < stop` (to the end when `stop` is nil or 0).
  public func range(session: Int, start: Int, stop: Int?) -> [HistoryEntry] {
    guard session == 0 || session == ExecutionHistory.sessionNumber else { return [] }
    return entries.filter { entry in
      entry.line >= start && (stop == nil || stop == 0 || entry.line < stop!)
    }
  }

  /// Entries whose whole input matches the glob `pattern` (`*`, `?`, `[...]`); with `unique`
  /// only the latest of equal inputs; with `n` only the last `n` matches. Oldest first.
  public func search(pattern: String, n: Int?, unique: Bool) -> [HistoryEntry] {
    var matches = entries.filter { ExecutionHistory.glob(pattern, matches: $0.input) }
    if unique {
      var seen = Set<String>()
      var latestFirst: [HistoryEntry] = []
      for entry in matches.reversed() where seen.insert(entry.input).inserted {
        latestFirst.append(entry)
      }
      matches = latestFirst.reversed()
    }
    if let n { matches = Array(matches.suffix(max(0, n))) }
    return matches
  }

  /// Whether the glob pattern matches the whole text (like SQLite's GLOB, case-sensitive).
  public static func glob(_ pattern: String, matches text: String) -> Bool {
    fnmatch(pattern, text, 0) == 0
  }
}
