import JupyterProtocol

// MARK: - EchoInterpreter (temporary)

/// TEMPORARY stand-in interpreter: echoes each cell's code to stdout and knows no Swift.
///
/// It exists so the protocol layer can be exercised end to end before the CellExecutor
/// adapter lands; `makeInterpreter()` in Interpreter.swift is the one line to change.
final class EchoInterpreter: KernelInterpreter {
  func kernelInfo() -> KernelInfo {
    KernelInfo(
      implementation: "realnvp-kernel", implementationVersion: "0.1.0",
      languageInfo: LanguageInfo(version: "6.3.1"),
      banner: "Swift (Real NVP) kernel - echo interpreter (temporary: cells are echoed, not run)",
      helpLinks: [HelpLink(text: "Swift", url: "https://www.swift.org/documentation/")])
  }

  func execute(_ request: ExecuteRequest, publish: @escaping (OutputEvent) -> Void) -> ExecuteOutcome {
    if !request.code.isEmpty { publish(.stream(.stdout, request.code + "\n")) }
    return .ok
  }

  func isComplete(_ code: String) -> IsCompleteResult { .unknown }

  func complete(_ code: String, cursorPos: Int) -> CompletionResult {
    CompletionResult(matches: [], cursorStart: cursorPos, cursorEnd: cursorPos)
  }

  func inspect(_ code: String, cursorPos: Int, detailLevel: Int) -> [String: String]? { nil }

  func interrupt() {}

  func shutdown(restart: Bool) {}
}
