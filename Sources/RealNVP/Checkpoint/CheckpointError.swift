import Foundation

// MARK: - Checkpoint errors

/// A checkpoint that cannot be written or read, naming the path and what was wrong.
public enum CheckpointError: Error, Equatable, Sendable {
  /// No checkpoint file at `path`.
  case missingFile(path: String)
  /// A file shorter than its header says it should be.
  case truncatedFile(path: String, expectedBytes: Int, foundBytes: Int)
  /// A header that is not the JSON object safetensors requires.
  case corruptHeader(path: String, detail: String)
  /// A tensor stored with a data type this library does not read (only F32).
  case unsupportedDType(path: String, tensor: String, found: String)
  /// A tensor whose shape and byte range disagree, or whose bytes lie outside the data section.
  case invalidTensor(path: String, tensor: String, detail: String)
  /// A tensor handed to `write` that cannot be stored (bad name, shape not matching its scalars).
  case invalidInput(tensor: String, detail: String)
  /// The operating system refused a step of the atomic write; the previous file is untouched.
  case writeFailed(path: String, detail: String)
}

// MARK: - Descriptions

extension CheckpointError: CustomStringConvertible {
  /// A sentence naming the path, what was expected and what was found.
  public var description: String {
    switch self {
    case .missingFile(let path):
      return "No checkpoint at \(path) (expected a .safetensors file)."
    case .truncatedFile(let path, let expectedBytes, let foundBytes):
      return "Truncated checkpoint \(path): expected \(expectedBytes) bytes, found \(foundBytes)."
    case .corruptHeader(let path, let detail):
      return "Corrupt safetensors header in \(path): \(detail)."
    case .unsupportedDType(let path, let tensor, let found):
      return "Unsupported dtype in \(path): tensor \"\(tensor)\" is \(found), expected F32."
    case .invalidTensor(let path, let tensor, let detail):
      return "Invalid tensor \"\(tensor)\" in \(path): \(detail)."
    case .invalidInput(let tensor, let detail):
      return "Cannot write tensor \"\(tensor)\": \(detail)."
    case .writeFailed(let path, let detail):
      return "Could not write checkpoint \(path): \(detail) (any previous file there is unchanged)."
    }
  }
}

extension CheckpointError: LocalizedError {
  /// The same text as `description`, for `localizedDescription`.
  public var errorDescription: String? { description }
}
