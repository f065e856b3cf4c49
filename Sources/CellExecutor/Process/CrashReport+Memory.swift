import Foundation

// MARK: - Out of memory

extension CrashReport {
  /// How the Swift runtime, the C library and C++ say that memory ran out, in lower case
  /// ("Fatal error: failed to allocate 4000000000 bytes of memory with alignment 0", strerror's
  /// "Cannot allocate memory", an uncaught `std::bad_alloc`).
  static let allocationFailurePhrases = [
    "failed to allocate", "could not allocate memory", "cannot allocate memory", "out of memory", "bad_alloc",
  ]

  /// A failed allocation that ended the process: the runtime's fatal error when it says so, else
  /// one of the last five lines of stderr; with the size that failed when the line gives it.
  static func allocationFailure(in lines: [String]) -> (line: String, bytes: UInt64?)? {
    let fatal = lines.first { $0.contains("Fatal error") }
    let candidates = fatal.map { [$0] } ?? Array(lines.filter { !$0.isEmpty }.suffix(5))
    guard
      let line = candidates.first(where: { line in
        allocationFailurePhrases.contains { line.lowercased().contains($0) }
      })
    else { return nil }
    let size = line.range(of: "failed to allocate ").flatMap { after in
      UInt64(line[after.upperBound...].prefix { $0.isASCII && $0.isNumber })
    }
    return (line.trimmingCharacters(in: .whitespaces), size)
  }

  /// The `MemoryError` of a cell whose allocation failed: what it tried to allocate and the
  /// executor's limit, when they are known.
  static func outOfMemory(
    _ failure: (line: String, bytes: UInt64?), limit: MemoryLimit?, restored: Bool
  ) -> CellError {
    let what =
      failure.bytes.map { "allocating \(MemoryLimit.format(bytes: $0)) failed" } ?? "an allocation failed"
    var evalue = "the cell ran out of memory: \(what)"
    var traceback = [failure.line, ""]
    if let limit {
      evalue += " (the executor may use \(limit) of address space)"
      traceback.append(
        "The executor's address space is limited to \(limit) by \(MemoryLimit.variable); "
          + "unset it or raise it to let cells use more.")
    }
    evalue += restored ? "; the cell was rolled back" : "; earlier state is lost"
    traceback.append(restored ? rolledBack : stateLost)
    return CellError(ename: "MemoryError", evalue: evalue, traceback: traceback)
  }
}
