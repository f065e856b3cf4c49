import Foundation

// MARK: - Cell commands

/// What a cell's `%` commands ask for, and the Swift code that is left once they are taken out.
///
/// Commands are lines that start with `%` in the first column:
/// - `%time STMT` times one statement; `%time` on a line of its own, or `%%time` as the first
///   line, times the rest of the cell. Both print CPU and wall time, and the compile time.
/// - `%timeit [-n N] [-r R] STMT` times one statement in loops; `%%timeit [-n N] [-r R]` as the
///   first line times the whole cell that way.
/// - `%install '.package(...)' PRODUCT...`, `%install-location PATH` and
///   `%install-swiftpm-flags FLAG...` build Swift packages for later cells (see `PackageInstaller`).
/// - `%system CMD` runs a shell command; `%%bash` or `%%sh` as the first line runs the rest of
///   the cell as a script; `%env`, `%cd` and `%pwd` read and change the environment and working
///   directory of the cell's process; `%%writefile [-a] FILE` writes the rest of the cell to a
///   file; `%lsmagic` lists the commands (see `ShellCommands`).
public struct CellCommands: Equatable, Sendable {
  /// The cell as Swift: each command rewritten into code of the same width, or blanked, so that
  /// lines and columns of the user's code stay where they were.
  public var swift: String
  /// Whether `%time` or `%%time` is in the cell (the compile time is then reported too).
  public var timed: Bool
  /// The packages named by `%install` lines, in order.
  public var installs: [PackageRequest]
  /// The folder named by `%install-location`, if any.
  public var installLocation: String?
  /// Extra `swift build` arguments named by `%install-swiftpm-flags`.
  public var swiftPMFlags: [String]
  /// Whether `swift` calls functions of `CellMagic.runtimeModule` (`_shell`, `_t0`, ...), so
  /// that the cell must import it.
  public var callsRuntime = false
}

/// A cell command that cannot run as written; the message says what was expected.
public struct CellCommandError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The 1-based line of the command in the cell.
  public var line: Int
  /// What was wrong and what was expected.
  public var message: String

  /// `line N: message`.
  public var description: String { "line \(line): \(message)" }
}

/// Finds and rewrites a cell's `%` commands before the Swift compiler sees the cell.
public enum CellMagic {
  /// The module whose functions the rewritten commands call: the executor links it (the
  /// library product does not), and a cell that uses a command imports it.
  public static let runtimeModule = "CellRuntime"

  /// The modules a cell imports before anything else: `prelude`, and the runtime module when
  /// `commands` call it.
  static func preludeModules(_ prelude: [String], for commands: CellCommands?) -> [String] {
    commands?.callsRuntime == true ? prelude + [runtimeModule] : prelude
  }

  /// The commands a cell understands, as the error for an unknown one lists them.
  static let known =
    [
      "%time", "%%time", "%timeit", "%%timeit", "%install", "%install-location", "%install-swiftpm-flags",
    ] + ShellCommands.lineCommands + ShellCommands.cellCommands

  /// Splits `code` into its commands and the Swift that is left.
  public static func parse(_ code: String) throws(CellCommandError) -> CellCommands {
    var commands = CellCommands(
      swift: code, timed: false, installs: [], installLocation: nil, swiftPMFlags: [])
    guard code.utf8.first == UInt8(ascii: "%") || code.contains("\n%") else { return commands }
    var lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var timing = TimingRewrite()
    let firstCodeLine = lines.firstIndex { !$0.allSatisfy(\.isWhitespace) } ?? 0
    if let whole = try ShellCommands.wholeCell(lines, firstLine: firstCodeLine) {
      commands.swift = whole
      commands.callsRuntime = true
      return commands
    }
    for index in lines.indices where lines[index].hasPrefix("%") {
      let line = lines[index]
      let name = String(line.prefix { !$0.isWhitespace })
      let rest = String(line.dropFirst(name.count).drop { $0.isWhitespace })
      let number = index + 1
      switch name {
      case "%time", "%%time", "%timeit", "%%timeit":
        if name.hasPrefix("%%") && index != firstCodeLine {
          throw CellCommandError(
            line: number,
            message: "\(name) times the whole cell, so it must be its first line; use "
              + "\(name.dropFirst()) STMT to time one statement")
        }
        lines[index] = try timing.add(line: index, name: name, text: line)
        commands.callsRuntime = true
        if name.hasSuffix("time") { commands.timed = true }
      case "%install":
        commands.installs.append(try PackageRequest.parse(rest, line: number))
        lines[index] = ""
      case "%install-location":
        guard !rest.isEmpty else {
          throw CellCommandError(
            line: number, message: "%install-location expects a folder: %install-location PATH")
        }
        commands.installLocation = rest.trimmingCharacters(in: .whitespaces)
        lines[index] = ""
      case "%install-swiftpm-flags":
        commands.swiftPMFlags += rest.split(whereSeparator: \.isWhitespace).map(String.init)
        lines[index] = ""
      case _ where ShellCommands.lineCommands.contains(name):
        lines[index] = try ShellCommands.call(name, rest, line: number)
        commands.callsRuntime = true
      case _ where ShellCommands.cellCommands.contains(name):
        throw CellCommandError(
          line: number, message: "\(name) applies to the whole cell, so it must be its first line")
      default:
        throw CellCommandError(
          line: number,
          message: "unknown cell command \(name); the known ones are \(known.joined(separator: ", "))")
      }
    }
    let blanked = lines.joined(separator: "\n")
    commands.swift = try timing.apply(to: blanked)
    return commands
  }
}
