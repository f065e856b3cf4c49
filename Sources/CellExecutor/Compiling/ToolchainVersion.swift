import Foundation

// MARK: - The toolchain's Swift version

/// The Swift version of the toolchain that compiles cells, read from `swift-frontend --version`
/// on a background thread so that start-up does not wait for it, and remembered in a cache file
/// (`~/.cache/realnvp-kernel/toolchain-version`) keyed by the binary's path, size and date.
public final class ToolchainVersion: @unchecked Sendable {
  private let lock = NSCondition()
  private var read: String?
  private var finished = false

  /// Starts reading the version of the `swift-frontend` under `toolchainPath` (a `usr` folder).
  public init(toolchainPath: String, cacheFile: String = ToolchainVersion.defaultCacheFile) {
    let frontend = toolchainPath + "/bin/swift-frontend"
    let key = Self.cacheKey(frontend)
    if let key, let cached = try? String(contentsOfFile: cacheFile, encoding: .utf8),
      let newline = cached.firstIndex(of: "\n"), cached[..<newline] == key
    {
      read = String(cached[cached.index(after: newline)...]).trimmingCharacters(in: .whitespacesAndNewlines)
      finished = true
      return
    }
    Thread.detachNewThread { [self] in
      let found = Self.run(frontend)
      if let key, let found {
        try? FileManager.default.createDirectory(
          atPath: (cacheFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? (key + "\n" + found + "\n").write(toFile: cacheFile, atomically: true, encoding: .utf8)
      }
      lock.lock()
      read = found
      finished = true
      lock.broadcast()
      lock.unlock()
    }
  }

  /// `$XDG_CACHE_HOME/realnvp-kernel/toolchain-version`, or under `~/.cache`.
  public static var defaultCacheFile: String {
    let environment = ProcessInfo.processInfo.environment
    let cache =
      environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
    return cache + "/realnvp-kernel/toolchain-version"
  }

  /// `path size modification-time` of the resolved binary, or nil when it is not there.
  static func cacheKey(_ frontend: String) -> String? {
    let resolved = URL(fileURLWithPath: frontend).resolvingSymlinksInPath().path
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved),
      let size = attributes[.size] as? NSNumber, let date = attributes[.modificationDate] as? Date
    else { return nil }
    return "\(resolved) \(size) \(date.timeIntervalSince1970)"
  }

  /// The version number, e.g. `6.3.1`; waits at most `timeout` seconds for the toolchain to
  /// answer, then falls back to the version of the compiler that built the kernel.
  public func version(timeout: Double = 5) -> String {
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
