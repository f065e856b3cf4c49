import ExecutorWire
import Foundation

// MARK: - Channel

/// The kernel's sockets, as the messaging spec names them.
public enum Channel: String, Sendable, CaseIterable {
  /// Requests from clients (ROUTER).
  case shell
  /// Interrupt and shutdown, served even while a cell runs (ROUTER).
  case control
  /// Broadcast of status and outputs (PUB).
  case iopub
  /// Input requests from kernel to client (ROUTER).
  case stdin
}

// MARK: - Header

/// A message header: who sent what, when, under which protocol version.
public struct MessageHeader: Equatable, Sendable {
  /// Unique id of this message.
  public var msgID: String
  /// Id of the sender's session.
  public var session: String
  /// The user name of the sender.
  public var username: String
  /// ISO-8601 timestamp.
  public var date: String
  /// The message type, e.g. `execute_request`.
  public var msgType: String
  /// The protocol version, "5.3" for messages this kernel sends.
  public var version: String
  /// The header object exactly as it arrived (every field, also ones this type does not
  /// model); nil for headers this kernel made. Not part of equality.
  public var asReceived: JSONValue?

  /// The protocol version this kernel speaks.
  public static let protocolVersion = "5.3"

  /// A fresh header with a new UUID and the current time.
  public init(msgType: String, session: String, username: String = "kernel") {
    self.msgID = UUID().uuidString.lowercased()
    self.session = session
    self.username = username
    self.date = ISO8601Timestamp.now()
    self.msgType = msgType
    self.version = MessageHeader.protocolVersion
  }

  /// Reads a header object; `msg_id` and `msg_type` are required, the rest default to "".
  public init(json: JSONValue) throws {
    guard let object = json.objectValue else { throw WireError.badHeader("header is not a JSON object") }
    guard let msgID = object["msg_id"]?.stringValue else {
      throw WireError.badHeader("header has no string \"msg_id\"")
    }
    guard let msgType = object["msg_type"]?.stringValue else {
      throw WireError.badHeader("header has no string \"msg_type\"")
    }
    self.msgID = msgID
    self.msgType = msgType
    self.session = object["session"]?.stringValue ?? ""
    self.username = object["username"]?.stringValue ?? ""
    self.date = object["date"]?.stringValue ?? ""
    self.version = object["version"]?.stringValue ?? ""
    self.asReceived = json
  }

  /// What a reply's `parent_header` carries: the header as the client sent it.
  public var echoed: JSONValue { asReceived ?? json }

  /// Headers are equal when their modelled fields are.
  public static func == (lhs: MessageHeader, rhs: MessageHeader) -> Bool {
    lhs.msgID == rhs.msgID && lhs.session == rhs.session && lhs.username == rhs.username
      && lhs.date == rhs.date && lhs.msgType == rhs.msgType && lhs.version == rhs.version
  }

  /// The header as the JSON object that goes on the wire.
  public var json: JSONValue {
    [
      "msg_id": .string(msgID), "session": .string(session), "username": .string(username),
      "date": .string(date), "msg_type": .string(msgType), "version": .string(version),
    ]
  }
}

// MARK: - Message

/// One Jupyter message: routing identities, header, parent header, metadata, content, buffers.
public struct Message: Equatable, Sendable {
  /// ZeroMQ routing identities (ROUTER sockets) or the topic (IOPub).
  public var identities: [Data]
  /// This message's header.
  public var header: MessageHeader
  /// The header of the request this message answers, or an empty object.
  public var parentHeader: JSONValue
  /// Free-form metadata.
  public var metadata: [String: JSONValue]
  /// The message body.
  public var content: [String: JSONValue]
  /// Extra binary frames.
  public var buffers: [Data]

  /// Creates a message from its parts.
  public init(
    identities: [Data] = [], header: MessageHeader, parentHeader: JSONValue = .object([:]),
    metadata: [String: JSONValue] = [:], content: [String: JSONValue] = [:], buffers: [Data] = []
  ) {
    self.identities = identities
    self.header = header
    self.parentHeader = parentHeader
    self.metadata = metadata
    self.content = content
    self.buffers = buffers
  }

  /// The message type from the header.
  public var msgType: String { header.msgType }
}

// MARK: - Timestamps

/// ISO-8601 timestamps in UTC with microseconds, as ipykernel writes them.
public enum ISO8601Timestamp {
  /// The current time, e.g. `2026-11-22T12:32:21.123456Z`.
  public static func now() -> String {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return format(seconds: Int(spec.tv_sec), microseconds: Int(spec.tv_nsec) / 1000)
  }

  /// Formats seconds since 1970 plus microseconds.
  public static func format(seconds: Int, microseconds: Int) -> String {
    var time = time_t(seconds)
    var parts = tm()
    gmtime_r(&time, &parts)
    let fields = [
      String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday)),
      String(format: "T%02d:%02d:%02d", Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec)),
      String(format: ".%06dZ", microseconds),
    ]
    return fields.joined()
  }
}
