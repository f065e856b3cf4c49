import Foundation

// MARK: - Comm messages (Jupyter custom messages)

/// What a comm message carries besides its comm id: the `data` of its content, the message's
/// `metadata` and its binary buffers.
public struct CommPayload: Equatable, Sendable, Codable {
  /// The content's `data` (a JSON object).
  public var data: [String: JSONValue]
  /// The message's `metadata`, e.g. `["version": "2.1.0"]` on a widget's comm_open.
  public var metadata: [String: JSONValue]
  /// Binary buffers after the message's JSON parts (base64 on the executor's wire).
  public var buffers: [Data]

  /// A payload; metadata and buffers default to none.
  public init(
    data: [String: JSONValue] = [:], metadata: [String: JSONValue] = [:], buffers: [Data] = []
  ) {
    self.data = data
    self.metadata = metadata
    self.buffers = buffers
  }
}

/// One comm message, from the frontend to the code behind the kernel or back: `comm_open`,
/// `comm_msg` or `comm_close` of the Jupyter messaging spec.
public enum CommMessage: Equatable, Sendable, Codable {
  /// Opens comm `commID` with the handler registered for `targetName` on the other side.
  case open(commID: String, targetName: String, CommPayload)
  /// A message on an open comm.
  case message(commID: String, CommPayload)
  /// Closes a comm; later messages on it are dropped.
  case close(commID: String, CommPayload)

  /// The comm this message belongs to.
  public var commID: String {
    switch self {
    case .open(let id, _, _), .message(let id, _), .close(let id, _): return id
    }
  }

  /// What the message carries.
  public var payload: CommPayload {
    switch self {
    case .open(_, _, let payload), .message(_, let payload), .close(_, let payload): return payload
    }
  }

  /// The Jupyter message type: `comm_open`, `comm_msg` or `comm_close`.
  public var msgType: String {
    switch self {
    case .open: return "comm_open"
    case .message: return "comm_msg"
    case .close: return "comm_close"
    }
  }
}

// MARK: - Handling a comm message in the executor

/// A comm message from the frontend as the executor receives it: the message, the token that
/// the executor's answers name, and the msg_id of the Jupyter message that carried it (outputs
/// of its handler are published as children of that message).
public struct CommDelivery: Equatable, Sendable, Codable {
  /// The message.
  public var message: CommMessage
  /// Names this delivery in `commStarted` and `commHandled`.
  public var token: Int
  /// The msg_id of the frontend's comm message.
  public var parentID: String

  /// A delivery.
  public init(message: CommMessage, token: Int, parentID: String) {
    self.message = message
    self.token = token
    self.parentID = parentID
  }
}

/// Why a comm's handler did not finish: it killed the process running it (the state from
/// before it was restored), reported by the kernel to the restored executor.
public struct CommFailure: Equatable, Sendable, Codable {
  /// The comm whose message was being handled.
  public var commID: String
  /// The error's name, e.g. `Fatal error`.
  public var ename: String
  /// The error's message.
  public var evalue: String
  /// Lines to show.
  public var traceback: [String]

  /// A failure report.
  public init(commID: String, ename: String, evalue: String, traceback: [String]) {
    self.commID = commID
    self.ename = ename
    self.evalue = evalue
    self.traceback = traceback
  }
}
