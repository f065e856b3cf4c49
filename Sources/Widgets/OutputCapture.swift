import ExecutorWire
import Foundation
import NotebookDisplay

// MARK: - Captured outputs

/// The outputs an `Output` shows, kept as nbformat output objects while code runs inside
/// `capture`: displays, errors, what it prints, and updates of displays shown there.
final class CapturedOutputs {
  /// The outputs, in order.
  private(set) var outputs: [JSONValue]
  /// The display id of each output, where it has one.
  private var displayIDs: [String?]
  /// Whether the outputs are cleared when the next output arrives (`clear_output(wait: true)`).
  private var clearsOnNextOutput: Bool
  /// Whether `outputs` changed since `takeChanges` last said so.
  private var changed = false
  /// The most text kept from standard output; more is cut, with a line that says so.
  static let streamLimit = 1 << 20

  /// Starts from `shown`; with `clearing`, they go when the first new output arrives.
  init(shown: [JSONValue], clearing: Bool) {
    outputs = shown
    displayIDs = shown.map { _ in nil }
    clearsOnNextOutput = clearing
  }

  /// Takes `event` if it belongs in the widget; an update of a display not shown here, and a
  /// comm message, are left for the presenter.
  func take(_ event: DisplayEvent) -> Bool {
    switch event {
    case .display(let bundle, let id):
      append(displayData(bundle), id: id)
    case .result(let bundle):
      append(displayData(bundle), id: nil)
    case .error(let ename, let evalue, let traceback):
      append(
        [
          "output_type": "error", "ename": .string(ename), "evalue": .string(evalue),
          "traceback": .array(traceback.map(JSONValue.string)),
        ], id: nil)
    case .update(let bundle, let id):
      let shownHere = displayIDs.indices.filter { displayIDs[$0] == id }
      guard !shownHere.isEmpty else { return false }
      for index in shownHere { outputs[index] = displayData(bundle) }
      changed = true
    case .clearOutput(let wait):
      if wait {
        clearsOnNextOutput = true
      } else {
        clear()
      }
    case .comm:
      return false
    }
    return true
  }

  /// Appends printed text to the last output when it is standard output too, else as a new one.
  func takePrinted(_ text: String) {
    guard !text.isEmpty else { return }
    if !clearsOnNextOutput, let last = outputs.last, last["name"]?.stringValue == "stdout",
      let shown = last["text"]?.stringValue
    {
      outputs[outputs.count - 1] = stream(CapturedOutputs.limited(shown + text))
      changed = true
    } else {
      append(stream(CapturedOutputs.limited(text)), id: nil)
    }
  }

  /// Whether the outputs changed since the last call.
  func takeChanges() -> Bool {
    defer { changed = false }
    return changed
  }

  private func append(_ output: JSONValue, id: String?) {
    if clearsOnNextOutput { clear() }
    outputs.append(output)
    displayIDs.append(id)
    changed = true
  }

  private func clear() {
    clearsOnNextOutput = false
    changed = changed || !outputs.isEmpty
    outputs = []
    displayIDs = []
  }

  private func displayData(_ bundle: MimeBundle) -> JSONValue {
    [
      "output_type": "display_data", "data": .object(bundle.jupyterData),
      "metadata": .object(bundle.jupyterMetadata),
    ]
  }

  private func stream(_ text: String) -> JSONValue {
    ["output_type": "stream", "name": "stdout", "text": .string(text)]
  }

  /// `text`, or its last `streamLimit` bytes after a line that says how much was cut.
  static func limited(_ text: String) -> String {
    let bytes = Array(text.utf8)
    guard bytes.count > streamLimit else { return text }
    let kept = String(decoding: bytes.suffix(streamLimit), as: UTF8.self)
    return "[\(bytes.count - streamLimit) earlier bytes of output not kept]\n" + kept
  }
}

// MARK: - Standard output

/// Sends what the process prints (descriptor 1) to a temporary file while an `Output`
/// captures, so that it can be shown in the widget instead of under the message.
///
/// Descriptor 1 belongs to the process: while a capture runs, what other threads print goes
/// into the widget too.
final class PrintedTextCapture {
  private let file: Int32
  private let savedStandardOutput: Int32
  private var offset: off_t = 0

  /// Redirects descriptor 1; nil when no temporary file or descriptor can be had (printing
  /// then goes where it went).
  init?() {
    var template = Array("\(NSTemporaryDirectory())/realnvp-output-XXXXXX".utf8CString)
    let file = mkstemp(&template)
    guard file >= 0 else { return nil }
    unlink(template)
    fflush(stdout)
    let saved = dup(STDOUT_FILENO)
    guard saved >= 0, dup2(file, STDOUT_FILENO) >= 0 else {
      if saved >= 0 { close(saved) }
      close(file)
      return nil
    }
    self.file = file
    savedStandardOutput = saved
  }

  /// What was printed since the last call.
  func take() -> String {
    fflush(stdout)
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = buffer.withUnsafeMutableBytes { pread(file, $0.baseAddress, $0.count, offset) }
      guard count > 0 else { break }
      bytes += buffer.prefix(count)
      offset += off_t(count)
      // Keep the memory bounded for a callback that prints without end.
      if bytes.count > 2 * CapturedOutputs.streamLimit {
        bytes.removeFirst(bytes.count - CapturedOutputs.streamLimit)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Puts descriptor 1 back and returns what was printed since the last `take`.
  func finish() -> String {
    let rest = take()
    dup2(savedStandardOutput, STDOUT_FILENO)
    close(savedStandardOutput)
    close(file)
    return rest
  }
}
