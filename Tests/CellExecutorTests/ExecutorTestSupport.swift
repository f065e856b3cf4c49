import ExecutorWire
import Foundation
import XCTest

@testable import CellExecutor

// MARK: - Finding the built executor

/// Locates the SwiftPM build directory that holds `realnvp-executor` and the library modules.
enum BuiltProducts {
  /// The directory of the test bundle (`.build/debug`), or `<package>/.build/debug`.
  static func buildDirectory() throws -> String {
    var candidates: [String] = []
    let argument0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var dir = argument0.deletingLastPathComponent()
    for _ in 0..<4 {
      candidates.append(dir.path)
      dir = dir.deletingLastPathComponent()
    }
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(packageRoot.appendingPathComponent(".build/debug").path)
    for candidate in candidates
    where FileManager.default.isExecutableFile(atPath: candidate + "/realnvp-executor") {
      return candidate
    }
    throw MissingProductError(
      "realnvp-executor not found next to the tests (looked in \(candidates)); "
        + "run `swift build` before `swift test`")
  }

  /// A configuration whose executor makes its own private work folder.
  static func configuration(grace: Double = 3) throws -> ExecutorConfiguration {
    var configuration = try ExecutorConfiguration.fromBuildDirectory(try buildDirectory())
    configuration.interruptGracePeriod = grace
    return configuration
  }
}

/// Thrown when the built executor is missing: the test fails (never skips) with this message.
struct MissingProductError: Error, CustomStringConvertible {
  let description: String
  init(_ message: String) { description = message }
}

// MARK: - Running cells in tests

/// Collects the events of a cell together with its outcome.
struct CellRun {
  var outcome: CellOutcome
  var events: [ExecutorEvent]

  /// Everything written to stdout, concatenated.
  var stdout: String {
    events.map { if case .stdout(let text) = $0 { return text } else { return "" } }.joined()
  }

  /// The plain-text value of the cell's result, if any.
  var resultText: String? {
    for event in events { if case .result(let bundle) = event { return bundle.data["text/plain"] } }
    return nil
  }
}

extension CellExecutor {
  /// Runs `code` and collects its events; `onEvent` also sees each one as it arrives.
  func run(_ code: String, onEvent: ((ExecutorEvent) -> Void)? = nil) -> CellRun {
    let lock = NSLock()
    var events: [ExecutorEvent] = []
    let outcome = execute(code) { event in
      lock.lock()
      events.append(event)
      lock.unlock()
      onEvent?(event)
    }
    return CellRun(outcome: outcome, events: events)
  }

  /// Runs `code` and requests an interrupt as soon as the cell's first output arrives, so the
  /// request lands while the cell runs, however long compiling it took.
  func runInterruptingAtFirstOutput(_ code: String) -> CellRun {
    var requested = false
    return run(code) { _ in
      guard !requested else { return }
      requested = true
      DispatchQueue.global().async { self.interrupt() }
    }
  }
}
