import Foundation

// MARK: - Pending input

/// An input_request waiting for its input_reply.
final class PendingInput: @unchecked Sendable {
  /// Signalled when the reply arrives or the request is cancelled.
  let semaphore = DispatchSemaphore(value: 0)
  /// The text the user typed; nil when cancelled (written under the core's lock before signalling).
  var value: String?
}

// MARK: - Stdin channel

extension KernelCore {
  /// Sends input_request on stdin to the client that sent `parent` and waits for its reply.
  ///
  /// Returns nil when interrupted or shutting down. Called from the interpreter on the shell worker.
  func requestInput(prompt: String, password: Bool, parent: Message) -> String? {
    let pending = PendingInput()
    lock.lock()
    guard shutdownRequested == nil, pendingInput == nil else {
      lock.unlock()
      return nil
    }
    pendingInput = pending
    lock.unlock()

    let message = Message(
      identities: parent.identities, header: MessageHeader(msgType: "input_request", session: session),
      parentHeader: parent.header.echoed, content: ["prompt": .string(prompt), "password": .bool(password)])
    transport.send(message, on: .stdin)
    pending.semaphore.wait()
    return pending.value
  }

  /// Hands an input_reply to the waiting input request.
  func receiveInputReply(_ message: Message) {
    guard message.msgType == "input_reply" else {
      KernelLog.log("ignored \(message.msgType) on stdin; expected input_reply")
      return
    }
    lock.lock()
    let pending = pendingInput
    pendingInput = nil
    pending?.value = message.content["value"]?.stringValue ?? ""
    lock.unlock()
    guard let pending else {
      KernelLog.log("ignored input_reply: no input request is waiting")
      return
    }
    pending.semaphore.signal()
  }

  /// Wakes a waiting input request with no value (interrupt, shutdown).
  func cancelPendingInput() {
    lock.lock()
    let pending = pendingInput
    pendingInput = nil
    lock.unlock()
    pending?.semaphore.signal()
  }
}
