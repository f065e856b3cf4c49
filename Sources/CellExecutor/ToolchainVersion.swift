import Foundation

// MARK: - The toolchain's Swift version

/// The Swift version of the toolchain that compiles cells, read once from
/// `swift-frontend --version` on a background thread so that start-up does not wait for it.
public final class ToolchainVersion: @unchecked Sendable {
  private let lock = NSCondition()
  private var read: String?
  private var finished = false

  /// Starts reading the version of the `swift-frontend` under `toolchainPath` (a `usr` folder).
  public init(toolchainPath: String) {
    let frontend = toolchainPath + "/bin/swift-frontend"
    Thread.detachNewThread { [self] in
      let found = Self.run(frontend)
      lock.lock()
      read = found
      finished = true
      lock.broadcast()
      lock.unlock()
    }
  }

  /// The version number, e.g. `6.3.1`; waits at most `timeout` seconds for the toolchain to
  /// answer, then falls back to the version of the compiler that built the kernel.
  public func version(timeout: Double = 2) -> String {
    lock.lock()
    defer { lock.unlock() }
    let deadline = Date().addingTimeInterval(timeout)
    while !finished && lock.wait(until: deadline) {}
    return read ?? Self.builtWith
  }

  /// The number in the first line of `swift-frontend --version`
  /// (`Swift version 6.3.1 (swift-6.3.1-RELEASE)`), or nil.
  static func parse(_ output: String) -> String? {
    guard let range = output.range(of: "Swift version ") else { return nil }
    let number = output[range.upperBound...].prefix { $0.isNumber || $0 == "." }
    return number.isEmpty ? nil : String(number)
  }

  private static func run(_ frontend: String) -> String? {
    guard FileManager.default.isExecutableFile(atPath: frontend) else { return nil }
    let result = ToolRunner.run(frontend, ["--version"])
    return result.status == 0 ? parse(result.output) : nil
  }

  /// The language version of the compiler that built this binary (a fallback).
  public static var builtWith: String {
    #if compiler(>=6.3)
      return "6.3"
    #elseif compiler(>=6.2)
      return "6.2"
    #elseif compiler(>=6.1)
      return "6.1"
    #else
      return "6.0"
    #endif
  }
}
