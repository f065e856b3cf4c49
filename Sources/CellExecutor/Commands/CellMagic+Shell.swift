// MARK: - Shell, environment and file commands as Swift

/// Rewrites the shell and environment commands into calls of CellRuntime's `_shell`,
/// `_env`, `_cd`, `_pwd` and `_writefile`, which run in the cell's process (so a directory or
/// variable they set is what later cells and commands see).
///
/// A line command becomes one call on its own line; a cell command (`%%bash`, `%%sh`,
/// `%%writefile`) turns the whole cell into one call on its first line, with the text below it
/// as a string literal, and blank lines after it, so the cell keeps its line count.
enum ShellCommands {
  /// Commands that take the rest of their line.
  static let lineCommands = ["%system", "%env", "%cd", "%pwd", "%lsmagic"]
  /// Commands that take the rest of the cell, as its first line.
  static let cellCommands = ["%%bash", "%%sh", "%%writefile"]

  /// The Swift for a whole-cell command on `firstLine`, or nil when the cell does not start with
  /// one (nothing below the first line is then a command either).
  static func wholeCell(_ lines: [String], firstLine: Int) throws(CellCommandError) -> String? {
    guard lines.indices.contains(firstLine) else { return nil }
    let line = lines[firstLine]
    let name = String(line.prefix { !$0.isWhitespace })
    guard cellCommands.contains(name) else { return nil }
    let arguments = line.dropFirst(name.count).split(whereSeparator: \.isWhitespace).map(String.init)
    let body = lines[(firstLine + 1)...].joined(separator: "\n")
    let call: String
    switch name {
    case "%%writefile":
      let append = arguments.first == "-a"
      let files = append ? Array(arguments.dropFirst()) : arguments
      guard files.count == 1, !files[0].hasPrefix("-") else {
        throw CellCommandError(
          line: firstLine + 1, message: "%%writefile expects one file name: %%writefile [-a] FILE")
      }
      call = "_writefile(\(literal(files[0])), append: \(append), \(literal(body + "\n")))"
    default:
      guard arguments.isEmpty else {
        throw CellCommandError(
          line: firstLine + 1, message: "\(name) takes no arguments; the script is the rest of the cell")
      }
      call = "_shell(\(literal(name == "%%bash" ? "bash" : "/bin/sh")), \(literal(body)))"
    }
    var swift = lines.map { _ in "" }
    swift[firstLine] = call
    return swift.joined(separator: "\n")
  }

  /// The call that replaces line command `name` with the rest of its line `rest`.
  static func call(_ name: String, _ rest: String, line: Int) throws(CellCommandError) -> String {
    let argument = rest.trimmingCharacters(in: .whitespaces)
    switch name {
    case "%system":
      guard !argument.isEmpty else {
        throw CellCommandError(line: line, message: "%system expects a shell command: %system CMD")
      }
      return "_shell(\"/bin/sh\", \(literal(argument)))"
    case "%env": return "_env(\(literal(argument)))"
    case "%cd": return "_cd(\(literal(argument)))"
    case "%pwd", "%lsmagic":
      guard argument.isEmpty else {
        throw CellCommandError(line: line, message: "\(name) takes no arguments")
      }
      if name == "%pwd" { return "_pwd()" }
      let list = CellMagic.known.filter { !$0.hasPrefix("%%") }.joined(separator: " ")
      let cells = CellMagic.known.filter { $0.hasPrefix("%%") }.joined(separator: " ")
      return "print(\(literal("Line commands: \(list)\nCell commands: \(cells)")))"
    default:
      preconditionFailure("\(name) is not a line command")
    }
  }

  /// `text` as a Swift string literal: quotes, backslashes and control characters escaped.
  static func literal(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20 || scalar.value == 0x7f:
        out += "\\u{\(String(scalar.value, radix: 16))}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
