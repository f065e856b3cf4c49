import ExecutorWire
import Foundation

// MARK: - Comms

extension KernelCore {
  /// `comm_info_request`: the open comms, only those of `target_name` when it is given.
  func commInfo(_ request: Request) {
    let target = request.message.content["target_name"]?.stringValue
    let comms = comms.list(target: target).mapValues { JSONValue.object(["target_name": .string($0)]) }
    reply(to: request, "comm_info_reply", content: ["status": "ok", "comms": .object(comms)])
  }

  /// `comm_open` from the frontend: handed to the target registered behind the kernel; one that
  /// nothing takes is answered with comm_close, as the spec asks.
  func commOpen(_ request: Request) {
    let content = request.message.content
    guard let id = content["comm_id"]?.stringValue, let target = content["target_name"]?.stringValue else {
      KernelLog.log("dropped comm_open without a string comm_id and target_name")
      return
    }
    comms.opened(id, target: target)
    let outcome = deliver(.open(commID: id, targetName: target, payload(of: request.message)), request)
    if outcome == .unsupported || outcome == .unknown, comms.closed(id) {
      publish("comm_close", content: ["comm_id": .string(id), "data": [:]], parent: request.message)
    }
  }

  /// `comm_msg` from the frontend: handed to its comm; one for a closed or unknown comm is dropped.
  func commMessage(_ request: Request) {
    guard let id = openCommID(of: request, taking: comms.contains) else { return }
    _ = deliver(.message(commID: id, payload(of: request.message)), request)
  }

  /// `comm_close` from the frontend: the comm is forgotten, then its handler told.
  func commClose(_ request: Request) {
    guard let id = openCommID(of: request, taking: comms.closed) else { return }
    _ = deliver(.close(commID: id, payload(of: request.message)), request)
  }

  /// The comm id of a message from the frontend when it names a comm that `isOpen` (which may
  /// also forget it) says is open; else nil, and the log says why the message was dropped.
  private func openCommID(of request: Request, taking isOpen: (String) -> Bool) -> String? {
    let msgType = request.message.msgType
    guard let id = request.message.content["comm_id"]?.stringValue else {
      KernelLog.log("dropped \(msgType) without a string comm_id")
      return nil
    }
    guard isOpen(id) else {
      KernelLog.log("dropped \(msgType) for comm \(id), which is not open")
      return nil
    }
    return id
  }

  /// Hands `message` to the interpreter, publishing what its handler shows under the request.
  private func deliver(_ message: CommMessage, _ request: Request) -> CommHandling {
    let parent = request.message
    let outcome = interpreter.handleComm(message, parentID: parent.header.msgID) { [weak self] event in
      self?.publish(event, parent: parent)
    }
    switch outcome {
    case .handled, .unsupported:
      break
    case .unknown:
      KernelLog.log(
        "dropped \(message.msgType) for comm \(message.commID): nothing behind the kernel took it")
    case .rolledBack(let ename, let evalue):
      KernelLog.log(
        "the handler of \(message.msgType) for comm \(message.commID) was rolled back: \(ename): \(evalue)")
    }
    return outcome
  }

  /// The data, metadata and buffers of a comm message from the frontend.
  private func payload(of message: Message) -> CommPayload {
    CommPayload(
      data: message.content["data"]?.objectValue ?? [:], metadata: message.metadata, buffers: message.buffers)
  }

  // MARK: - Publishing

  /// Publishes one output as a child of `parent`; comm messages also update the table of open
  /// comms. A cell's result goes through `execute` instead.
  func publish(_ event: OutputEvent, parent: Message) {
    switch event {
    case .stream(let name, let text):
      publish("stream", content: ["name": .string(name.rawValue), "text": .string(text)], parent: parent)
    case .displayData(let output):
      publish("display_data", content: mimeContent(output), parent: parent)
    case .updateDisplayData(let output):
      guard output.displayID != nil else {
        KernelLog.log("dropped update_display_data without a display id")
        return
      }
      publish("update_display_data", content: mimeContent(output), parent: parent)
    case .clearOutput(let wait):
      publish("clear_output", content: ["wait": .bool(wait)], parent: parent)
    case .executeResult(let output):
      publish(
        "execute_result", content: ["data": .object(output.data), "metadata": .object(output.metadata)],
        parent: parent)
    case .comm(let message):
      publish(message, parent: parent)
    case .error(let ename, let evalue, let traceback):
      publish(
        "error",
        content: [
          "ename": .string(ename), "evalue": .string(evalue),
          "traceback": .array(traceback.map(JSONValue.string)),
        ],
        parent: parent)
    }
  }

  /// Publishes a comm message to the frontend and records opens and closes.
  private func publish(_ message: CommMessage, parent: Message) {
    var content: [String: JSONValue] = [
      "comm_id": .string(message.commID), "data": .object(message.payload.data),
    ]
    switch message {
    case .open(let id, let target, _):
      comms.opened(id, target: target)
      content["target_name"] = .string(target)
    case .close(let id, _):
      comms.closed(id)
    case .message:
      break
    }
    publish(
      message.msgType, content: content, parent: parent, metadata: message.payload.metadata,
      buffers: message.payload.buffers)
  }

  /// A rich output's content: data, metadata and its display id.
  func mimeContent(_ output: MimeOutput) -> [String: JSONValue] {
    let transient: JSONValue = output.displayID.map { ["display_id": .string($0)] } ?? [:]
    return ["data": .object(output.data), "metadata": .object(output.metadata), "transient": transient]
  }
}
