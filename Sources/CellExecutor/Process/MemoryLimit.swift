import Foundation

// MARK: - A limit on the executor's memory

/// The most address space the executor may take (its `RLIMIT_AS`), set with
/// `$REALNVP_EXECUTOR_MEMORY`: a cell that allocates past it fails as out of memory, as it would
/// on a machine with that much memory, and rolls back.
public struct MemoryLimit: Equatable, Sendable, CustomStringConvertible {
  /// The environment variable that sets the limit (`4G`, `512M`, a number of bytes).
  public static let variable = "REALNVP_EXECUTOR_MEMORY"

  /// The limit in bytes.
  public var bytes: UInt64

  /// A limit of `bytes`.
  public init(bytes: UInt64) { self.bytes = bytes }

  /// Parses a number of bytes, optionally with a unit of 1024: `K`, `M`, `G` or `T`, each
  /// optionally followed by `B` or `iB` (`512M`, `1.5GiB`, `2147483648`); nil for anything else.
  public init?(parsing text: String) {
    var number = text.trimmingCharacters(in: .whitespaces).uppercased()
    for suffix in ["IB", "B"] where number.hasSuffix(suffix) {
      number.removeLast(suffix.count)
      break
    }
    var scale = 1.0
    if let unit = number.last, let power = ["K", "M", "G", "T"].firstIndex(of: String(unit)) {
      scale = pow(1024, Double(power + 1))
      number.removeLast()
    }
    guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
      let value = Double(number), value > 0, value * scale < Double(UInt64.max)
    else { return nil }
    bytes = UInt64(value * scale)
  }

  /// The limit that `$REALNVP_EXECUTOR_MEMORY` sets: nil when it is unset or empty; throws
  /// `ExecutorError.invalidMemoryLimit` when it is not a size.
  public static func fromEnvironment(
    _ environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> MemoryLimit? {
    guard let text = environment[variable], !text.isEmpty else { return nil }
    guard let limit = MemoryLimit(parsing: text) else { throw ExecutorError.invalidMemoryLimit(text) }
    return limit
  }

  /// The size in the largest binary unit that keeps it at least 1, e.g. `1.5 GiB`.
  public var description: String { Self.format(bytes: bytes) }

  /// `bytes` in the largest binary unit that keeps it at least 1, one decimal, e.g. `3.7 GiB`.
  static func format(bytes: UInt64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f", value) + " " + units[unit]
  }
}
