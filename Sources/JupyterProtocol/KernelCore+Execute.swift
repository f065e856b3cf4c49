import ExecutorWire
import Foundation

// MARK: - Execute

extension KernelCore {
  func execute(_ request: Request) {
    let content = request.message.content
    let code = content["code"]?.stringValue ?? ""
    let silent = content["silent"]?.boolValue ?? false
    let storeHistory = !silent && (content["store_history"]?.boolValue ?? true)
    let allowStdin = content["allow_stdin"]?.boolValue ?? true
    let stopOnError = content["stop_on_error"]?.boolValue ?? true
    var userExpressions: [String: String] = [:]
    if case .object(let entries)? = content["user_expressions"] {
      for (name, value) in entries { if let text = value.stringValue { userExpressions[name] = text } }
    }
    let started = ISO8601Timestamp.now()
    let parent = request.message

    if isAborted(request) {
      replyError(
        to: request, ename: "ExecutionAborted",
        evalue: "not run: an earlier cell failed while stop_on_error was set", traceback: [], started: started
      )
      return
    }
    // As IPython counts: only cells that enter the history advance the counter.
    if storeHistory { executionCount += 1 }
    let count = executionCount
    if !silent {
      publish(
        "execute_input", content: ["code": .string(code), "execution_count": .int(count)], parent: parent)
    }

    let gate = OutputGate()
    let executeRequest = ExecuteRequest(
      code: code, silent: silent, storeHistory: storeHistory, allowStdin: allowStdin,
      stopOnError: stopOnError,
      executionCount: count, messageID: parent.header.msgID,
      readInput: { [weak self] prompt, password in
        guard allowStdin, let self else { return nil }
        return self.requestInput(prompt: prompt, password: password, parent: parent)
      })
    let outcome = interpreter.execute(executeRequest) { [weak self] event in
      guard let self else { return }
      let passed = gate.pass {
        self.publishOutput(event, parent: parent, count: count, silent: silent, gate: gate)
      }
      if !passed {
        KernelLog.log(
          "dropped output published after its cell returned: \(String(describing: event).prefix(80))")
      }
    }
    gate.close()
    if storeHistory { history.append(line: count, input: code, output: gate.resultText) }

    switch outcome {
    case .ok, .okWithPage:
      var payload: [JSONValue] = []
      if case .okWithPage(let page) = outcome {
        let data = JSONValue.object(page.mapValues(JSONValue.string))
        payload.append(["source": "page", "data": data, "start": 0])
      }
      let evaluated = userExpressions.isEmpty ? [:] : interpreter.evaluate(userExpressions: userExpressions)
      reply(
        to: request, "execute_reply",
        content: [
          "status": "ok", "execution_count": .int(count),
          "user_expressions": .object(evaluated.mapValues(\.json)), "payload": .array(payload),
        ],
        metadata: replyMetadata(status: "ok", started: started))
    case .error(let ename, let evalue, let traceback):
      let tracebackJSON = JSONValue.array(traceback.map(JSONValue.string))
      publish(
        "error", content: ["ename": .string(ename), "evalue": .string(evalue), "traceback": tracebackJSON],
        parent: parent)
      // Mark what is queued before replying: a client may send its next request the moment it
      // reads this reply, and that request came after the error, so it must run.
      if stopOnError && !silent { abortQueuedExecutes() }
      replyError(to: request, ename: ename, evalue: evalue, traceback: traceback, started: started)
    case .aborted:
      replyError(
        to: request, ename: "ExecutionAborted", evalue: "execution was aborted", traceback: [],
        started: started)
    }
  }

  private func publishOutput(
    _ event: OutputEvent, parent: Message, count: Int, silent: Bool, gate: OutputGate
  ) {
    switch event {
    case .stream, .displayData, .updateDisplayData, .clearOutput, .comm, .error:
      publish(event, parent: parent)
    case .executeResult(let output):
      guard !silent else { return }
      gate.resultText = output.data["text/plain"]?.stringValue
      publish(
        "execute_result",
        content: [
          "execution_count": .int(count), "data": .object(output.data), "metadata": .object(output.metadata),
        ],
        parent: parent)
    }
  }

  private func replyMetadata(status: String, started: String) -> [String: JSONValue] {
    [
      "started": .string(started), "dependencies_met": true, "engine": .string(session),
      "status": .string(status),
    ]
  }

  private func replyError(
    to request: Request, ename: String, evalue: String, traceback: [String], started: String
  ) {
    reply(
      to: request, "execute_reply",
      content: [
        "status": "error", "execution_count": .int(executionCount), "ename": .string(ename),
        "evalue": .string(evalue), "traceback": .array(traceback.map(JSONValue.string)),
      ],
      metadata: replyMetadata(status: "error", started: started))
  }

  // MARK: - stop_on_error

  /// Marks every execute request that has arrived so far as aborted.
  private func abortQueuedExecutes() {
    lock.lock()
    abortBelowSequence = shellArrivals
    lock.unlock()
  }

  private func isAborted(_ request: Request) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    return request.sequence <= abortBelowSequence
  }
}

// MARK: - Output gate

/// Lets a cell's outputs through until its execute call returns, so nothing follows the reply.
final class OutputGate: @unchecked Sendable {
  private let lock = NSLock()
  private var isOpen = true
  /// The `text/plain` of the cell's execute_result, kept for history (guarded by the gate's lock).
  var resultText: String?

  /// Runs `body` under the gate's lock if still open; returns whether it ran.
  func pass(_ body: () -> Void) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    guard isOpen else { return false }
    body()
    return true
  }

  /// Shuts the gate; waits for an output being published right now.
  func close() {
    lock.lock()
    isOpen = false
    lock.unlock()
  }
}
