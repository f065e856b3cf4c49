import CellExecutor
import ExecutorWire
import Foundation
import JupyterProtocol

// MARK: - The interpreter behind the kernel

/// Makes the interpreter the kernel runs cells with: Swift cells compiled against the library
/// built next to this binary. If the executor cannot start, every request gets an error
/// reply that says why, instead of a dead kernel.
func makeInterpreter() -> KernelInterpreter {
  let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    .deletingLastPathComponent().path
  do {
    let configuration = try ExecutorConfiguration.fromBuildDirectory(buildDirectory)
    let version = ToolchainVersion(toolchainPath: configuration.toolchainPath)
    return SwiftInterpreter(executor: try CellExecutor(configuration: configuration), version: version)
  } catch ExecutorError.missingToolchain(let path, let missing) {
    let reason = "\(ExecutorError.missingToolchain(path: path, missing: missing))"
    KernelLog.log("cannot compile cells: \(reason)")
    return UnavailableInterpreter(ename: "ToolchainMissing", reason: reason, fix: nil)
  } catch ExecutorError.invalidMemoryLimit(let text) {
    let reason = "\(ExecutorError.invalidMemoryLimit(text))"
    KernelLog.log("cannot start the Swift executor: \(reason)")
    return UnavailableInterpreter(ename: "ExecutorUnavailable", reason: reason, fix: nil)
  } catch {
    KernelLog.log("cannot start the Swift executor: \(error)")
    return UnavailableInterpreter(
      ename: "ExecutorUnavailable", reason: "\(error)", fix: "Run scripts/setup.sh to build it.")
  }
}

/// Kernel info shared by both interpreters; `swiftVersion` is the toolchain's (`6.3.1`).
func swiftKernelInfo(banner: String, swiftVersion: String) -> KernelInfo {
  KernelInfo(
    implementation: "realnvp-kernel", implementationVersion: "0.1.0",
    languageInfo: LanguageInfo(version: swiftVersion), banner: banner,
    helpLinks: HelpLinks.all)
}

// MARK: - Swift cells

/// Adapts the cell executor (which knows Swift, not Jupyter) to the kernel core.
final class SwiftInterpreter: KernelInterpreter {
  private let executor: CellExecutor
  private let version: ToolchainVersion

  init(executor: CellExecutor, version: ToolchainVersion) {
    self.executor = executor
    self.version = version
  }

  func kernelInfo() -> KernelInfo {
    swiftKernelInfo(
      banner:
        "Swift (Real NVP): cells are compiled Swift with TensorCore, RealNVP, NotebookDisplay and "
        + "Widgets imported.",
      swiftVersion: version.version())
  }

  func execute(_ request: ExecuteRequest, publish: @escaping (OutputEvent) -> Void) -> ExecuteOutcome {
    if let name = helpRequest(in: request.code) { return page(for: name) }
    let readInput = request.allowStdin ? request.readInput : nil
    let outcome = executor.execute(request.code, parentID: request.messageID, readInput: readInput) {
      publish(Self.output($0))
    }
    switch outcome {
    case .success:
      return .ok
    case .compileError(let e), .runtimeError(let e), .rolledBack(let e), .uncaughtError(let e),
      .interrupted(let e?):
      return .error(ename: e.ename, evalue: e.evalue, traceback: e.traceback)
    case .interrupted(nil):
      return .error(
        ename: "Interrupted", evalue: "the cell stopped at the interrupt; state is kept",
        traceback: ["Interrupted: the cell returned at the interrupt; variables from earlier cells are kept."]
      )
    }
  }

  /// Hands a comm message to the executor (widgets); a handler that crashed was rolled back and
  /// its error shown by the restored executor.
  func handleComm(
    _ message: CommMessage, parentID: String, publish: @escaping (OutputEvent) -> Void
  ) -> CommHandling {
    switch executor.deliver(message, parentID: parentID, onEvent: { publish(Self.output($0)) }) {
    case .handled: return .handled
    case .unknown: return .unknown
    case .rolledBack(let error): return .rolledBack(ename: error.ename, evalue: error.evalue)
    case .noExecutor:
      // Also when the kernel shuts down while a frontend's message is on its way (nbclient).
      KernelLog.log("no executor to take \(message.msgType) for comm \(message.commID): it has ended")
      if case .open(let id, _, _) = message { publish(.comm(.close(commID: id, CommPayload()))) }
      return .unknown
    }
  }

  /// The kernel's form of an executor's output.
  static func output(_ event: ExecutorEvent) -> OutputEvent {
    switch event {
    case .stdout(let text): return .stream(.stdout, text)
    case .stderr(let text): return .stream(.stderr, text)
    case .display(let bundle, let id): return .displayData(MimeOutput(bundle, displayID: id))
    case .updateDisplay(let bundle, let id): return .updateDisplayData(MimeOutput(bundle, displayID: id))
    case .clearOutput(let wait): return .clearOutput(wait: wait)
    case .result(let bundle): return .executeResult(MimeOutput(bundle))
    case .comm(let message): return .comm(message)
    case .error(let ename, let evalue, let traceback):
      return .error(ename: ename, evalue: evalue, traceback: traceback)
    }
  }

  /// Runs each expression as its own cell and returns the MIME bundle of its value.
  func evaluate(userExpressions: [String: String]) -> [String: UserExpressionResult] {
    userExpressions.mapValues { expression in
      var value: [String: String]?
      let outcome = executor.execute(expression) { event in
        if case .result(let bundle) = event { value = bundle.data }
      }
      switch outcome {
      case .success, .interrupted(nil):
        return .ok(data: value ?? ["text/plain": "()"])
      case .compileError(let e), .runtimeError(let e), .rolledBack(let e), .uncaughtError(let e),
        .interrupted(let e?):
        return .error(ename: e.ename, evalue: e.evalue, traceback: e.traceback)
      }
    }
  }

  /// The name in a help cell, `?name` or `name?` (neither is valid Swift on its own).
  func helpRequest(in code: String) -> String? {
    var text = code.trimmingCharacters(in: .whitespacesAndNewlines)
    if text.hasPrefix("?") {
      text.removeFirst()
    } else if text.hasSuffix("?") {
      text.removeLast()
    } else {
      return nil
    }
    let isName = !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
    return isName ? text : nil
  }

  /// The documentation of `name` as a pager payload, or an error naming what was not found.
  func page(for name: String) -> ExecuteOutcome {
    guard let text = executor.inspection(for: name, cursor: name.unicodeScalars.count) else {
      return .error(
        ename: "NameError", evalue: "no documentation found for '\(name)'",
        traceback: [
          "NameError: no documentation found for '\(name)' (library symbols and cell globals are known)"
        ])
    }
    return .okWithPage(["text/plain": InspectionText.plain(fromMarkdown: text), "text/markdown": text])
  }

  func isComplete(_ code: String) -> IsCompleteResult {
    switch executor.isComplete(code) {
    case .complete: return .complete
    case .incomplete(let indent): return .incomplete(indent: indent)
    case .invalid: return .invalid
    }
  }

  func complete(_ code: String, cursorPos: Int) -> CompletionResult {
    let found = executor.completions(for: code, cursor: cursorPos)
    var metadata: [String: JSONValue] = [:]
    if !found.details.isEmpty {
      metadata["_jupyter_types_experimental"] = .array(
        found.details.map { detail in
          [
            "start": .int(found.cursorStart), "end": .int(found.cursorEnd), "text": .string(detail.text),
            "type": .string(detail.type), "signature": .string(detail.signature),
          ]
        })
    }
    return CompletionResult(
      matches: found.matches, cursorStart: found.cursorStart, cursorEnd: found.cursorEnd, metadata: metadata)
  }

  func inspect(_ code: String, cursorPos: Int, detailLevel: Int) -> [String: String]? {
    executor.inspection(for: code, cursor: cursorPos).map {
      ["text/plain": InspectionText.plain(fromMarkdown: $0), "text/markdown": $0]
    }
  }

  func interrupt() { executor.interrupt() }

  func shutdown(restart: Bool) { executor.shutdown() }
}

// MARK: - When the executor cannot start

/// Answers every execute with the reason the Swift executor could not start.
final class UnavailableInterpreter: KernelInterpreter {
  let ename: String
  let reason: String
  let fix: String?

  init(ename: String, reason: String, fix: String?) {
    self.ename = ename
    self.reason = reason
    self.fix = fix
  }

  func kernelInfo() -> KernelInfo {
    swiftKernelInfo(
      banner: "Swift (Real NVP): cells cannot run: \(reason)", swiftVersion: ToolchainVersion.builtWith)
  }

  func execute(_ request: ExecuteRequest, publish: @escaping (OutputEvent) -> Void) -> ExecuteOutcome {
    .error(ename: ename, evalue: reason, traceback: ["\(ename): \(reason)"] + (fix.map { [$0] } ?? []))
  }

  func isComplete(_ code: String) -> IsCompleteResult { .unknown }

  func complete(_ code: String, cursorPos: Int) -> CompletionResult {
    CompletionResult(matches: [], cursorStart: cursorPos, cursorEnd: cursorPos)
  }

  func inspect(_ code: String, cursorPos: Int, detailLevel: Int) -> [String: String]? { nil }

  func interrupt() {}

  func shutdown(restart: Bool) {}
}
