import CellExecutor
import Foundation
import JupyterProtocol

// MARK: - Cell outputs as Jupyter MIME bundles

extension MimeOutput {
  /// The Jupyter form of a cell's output: string payloads as strings, JSON payloads and JSON
  /// metadata as JSON values (text that does not parse stays a string).
  init(bundle: OutputBundle, displayID: String?) {
    self.init(strings: bundle.data, metadata: bundle.metadata, displayID: displayID)
    for (mime, text) in bundle.jsonData {
      data[mime] = Self.parse(text) ?? .string(text)
    }
    for (key, text) in bundle.jsonMetadata {
      if let value = Self.parse(text) { metadata[key] = value }
    }
  }

  private static func parse(_ text: String) -> JSONValue? {
    try? JSONValue.parse(Data(text.utf8))
  }
}
