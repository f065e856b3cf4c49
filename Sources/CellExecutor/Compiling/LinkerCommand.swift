import Foundation
import Synchronization

// MARK: - Linking without the driver

/// The system linker's command line for a cell library, learned once from the clang driver.
///
/// Linking a cell through `clang -shared` starts the driver, which only works out the linker's
/// arguments (start files, library paths, the C runtime) and then runs the linker: about 10 ms
/// of a trivial cell's 100. The driver prints that command with `-###` without running it;
/// this keeps it with three markers (object, output, libraries) and fills them in per cell.
struct LinkerCommand: Equatable, Sendable {
  /// The linker program, e.g. `/usr/bin/ld.gold`.
  var linker: String
  /// Its arguments, with the markers in place.
  var arguments: [String]

  /// Stands for the cell's object file.
  static let objectMarker = "<object>"
  /// Stands for the library to write.
  static let outputMarker = "<output>"
  /// Stands for the cell's `-l` flags (or its autolink response file); the driver passes an
  /// `-l` flag through without looking for the library.
  static let librariesMarker = "-lrealnvp_cell_libraries"

  /// The command for a cell: `object` linked into `output` with `libraries`.
  func arguments(object: String, output: String, libraries: [String]) -> [String] {
    arguments.flatMap { argument -> [String] in
      switch argument {
      case Self.objectMarker: return [object]
      case Self.outputMarker: return [output]
      case Self.librariesMarker: return libraries
      default: return [argument]
      }
    }
  }

  /// The command in the driver's `-###` output for linking `object` into `output` with
  /// `librariesMarker` (its last line that starts with a quoted program), with markers in
  /// place of the three; nil when there is no such line or one of the three is not in it
  /// exactly once.
  static func parse(driverOutput: String, object: String, output: String) -> LinkerCommand? {
    let lines = driverOutput.split(separator: "\n").filter { $0.hasPrefix(" \"") }
    guard let line = lines.last, let words = quotedWords(line), let linker = words.first else { return nil }
    let markers = [object: objectMarker, output: outputMarker, librariesMarker: librariesMarker]
    let arguments = words.dropFirst().map { markers[$0] ?? $0 }
    for marker in markers.values where arguments.filter({ $0 == marker }).count != 1 { return nil }
    return LinkerCommand(linker: linker, arguments: arguments)
  }

  /// The words of a line of `"..."` words separated by spaces, with `\"` and `\\` unescaped;
  /// nil when the line has anything else.
  static func quotedWords(_ line: Substring) -> [String]? {
    var words: [String] = []
    var characters = line.makeIterator()
    while let character = characters.next() {
      if character == " " { continue }
      guard character == "\"" else { return nil }
      var word = ""
      var closed = false
      while let next = characters.next() {
        if next == "\"" {
          closed = true
          break
        }
        if next == "\\" {
          guard let escaped = characters.next() else { return nil }
          word.append(escaped)
        } else {
          word.append(next)
        }
      }
      guard closed else { return nil }
      words.append(word)
    }
    return words
  }
}

/// Learns the linker command on first use and hands it out; nil (link through the driver)
/// when the driver's output could not be read.
final class LinkerCommandCache: Sendable {
  private let state = Mutex<(learned: Bool, command: LinkerCommand?)>((false, nil))

  /// The command, learned with `learn` on the first call.
  func command(learn: () -> LinkerCommand?) -> LinkerCommand? {
    if let known = state.withLock({ $0.learned ? $0 : nil }) { return known.command }
    let command = learn()
    state.withLock { $0 = (true, command) }
    return command
  }
}
