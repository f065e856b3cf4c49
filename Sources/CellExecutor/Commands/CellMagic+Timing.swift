import Foundation
import SwiftParser
import SwiftSyntax

// MARK: - %time and %timeit as Swift

/// Rewrites `%time` and `%timeit` lines into calls of CellRuntime's `_t0()`, `_t1()` and
/// `_timeit`, keeping every line and column of the user's code where it was.
///
/// `%time STMT` becomes `_t0();STMT;_t1()` (the `_t1()` is left out after the last statement:
/// the executor ends the timing when the cell returns); `%timeit -n 5 STMT` becomes
/// `_timeit(5,0){STMT }`; `%%timeit` wraps the whole cell in `_timeit{ ... }`. The command is
/// never shorter than the call that replaces it, so the call is padded with spaces.
struct TimingRewrite {
  /// What follows the statement a command times.
  enum Closing: Equatable {
    /// Nothing: the timing runs to the end of the cell.
    case none
    /// `;_t1()` right after the statement.
    case stopTimer
    /// ` }` right after the statement, closing the `_timeit` closure.
    case brace
    /// A last line `}` after the whole cell.
    case braceAtEnd
  }

  struct Entry {
    /// The 0-based line of the command.
    var line: Int
    /// UTF-8 length of the command and its options, up to the statement.
    var prefixLength: Int
    /// The call that replaces the command (at most `prefixLength` long).
    var replacement: String
    var closing: Closing
  }

  private(set) var entries: [Entry] = []

  /// Records the command on `line` (0-based) and returns the line with the command blanked.
  mutating func add(line: Int, name: String, text: String) throws(CellCommandError) -> String {
    let number = line + 1
    var rest = Substring(text.dropFirst(name.count))
    var loops: Int?
    var runs: Int?
    if name.hasSuffix("timeit") {
      while true {
        let trimmed = rest.drop { $0.isWhitespace }
        guard trimmed.hasPrefix("-") else { break }
        let option = trimmed.prefix { !$0.isWhitespace }
        let afterOption = trimmed.dropFirst(option.count).drop { $0.isWhitespace }
        let value = afterOption.prefix { !$0.isWhitespace }
        guard option == "-n" || option == "-r" else {
          throw CellCommandError(
            line: number, message: "\(name) does not know the option \(option); it takes -n LOOPS and -r RUNS"
          )
        }
        guard let count = Int(value), count > 0 else {
          throw CellCommandError(
            line: number, message: "\(name) \(option) expects a positive whole number, not '\(value)'")
        }
        if option == "-n" { loops = count } else { runs = count }
        rest = afterOption.dropFirst(value.count)
      }
    }
    let statement = rest.drop { $0.isWhitespace }
    let prefixLength = text.utf8.count - statement.utf8.count
    let wholeCell = name.hasPrefix("%%")
    if wholeCell && !statement.isEmpty {
      throw CellCommandError(
        line: number,
        message: "\(name) takes no statement on its line; put the code on the lines below it")
    }
    var entry = Entry(line: line, prefixLength: prefixLength, replacement: "", closing: .none)
    if name.hasSuffix("timeit") {
      if !wholeCell && statement.isEmpty {
        throw CellCommandError(
          line: number, message: "%timeit expects a statement: %timeit [-n LOOPS] [-r RUNS] STMT")
      }
      let arguments = loops == nil && runs == nil ? "" : "(\(loops ?? 0),\(runs ?? 0))"
      entry.replacement = "_timeit\(arguments){"
      entry.closing = wholeCell ? .braceAtEnd : .brace
    } else {
      entry.replacement = statement.isEmpty ? "_t0()" : "_t0();"
      entry.closing = statement.isEmpty ? .none : .stopTimer
    }
    precondition(entry.replacement.utf8.count <= prefixLength, "a timing call outgrew its command")
    entries.append(entry)
    return String(repeating: " ", count: prefixLength) + statement
  }

  /// The Swift code: `blanked` (commands replaced by spaces) with the timing calls written in.
  func apply(to blanked: String) throws(CellCommandError) -> String {
    guard !entries.isEmpty else { return blanked }
    var lineStarts = [0]
    for (offset, byte) in blanked.utf8.enumerated() where byte == UInt8(ascii: "\n") {
      lineStarts.append(offset + 1)
    }
    let needsTree = entries.contains { $0.closing == .stopTimer || $0.closing == .brace }
    let statements = needsTree ? Parser.parse(source: blanked).statements : []
    var edits: [(offset: Int, remove: Int, insert: String)] = []
    var appendix = ""
    for entry in entries {
      let start = lineStarts[entry.line]
      edits.append((start, entry.replacement.utf8.count, entry.replacement))
      switch entry.closing {
      case .none: break
      case .braceAtEnd: appendix = "\n}"
      case .stopTimer, .brace:
        let statementStart = start + entry.prefixLength
        guard
          let index = statements.firstIndex(where: {
            $0.positionAfterSkippingLeadingTrivia.utf8Offset == statementStart
          })
        else {
          throw CellCommandError(
            line: entry.line + 1,
            message: "the statement after the timing command must start a top-level statement of the cell")
        }
        let item = statements[index]
        let end = item.item.endPositionBeforeTrailingTrivia.utf8Offset
        let isLast = statements.index(after: index) == statements.endIndex
        if entry.closing == .brace {
          edits.append((end, 0, " }"))
        } else if !isLast {
          edits.append((end, 0, ";_t1()"))
        }
      }
    }
    var bytes = Array(blanked.utf8)
    for edit in edits.sorted(by: { $0.offset > $1.offset }) {
      bytes.replaceSubrange(edit.offset..<(edit.offset + edit.remove), with: Array(edit.insert.utf8))
    }
    return String(decoding: bytes, as: UTF8.self) + appendix
  }
}
