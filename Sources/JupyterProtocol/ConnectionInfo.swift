import ExecutorWire
import Foundation

// MARK: - Errors

/// A connection file that could not be read or does not describe a kernel's sockets.
public enum ConnectionFileError: Error, CustomStringConvertible, Equatable {
  /// The file could not be read.
  case unreadable(path: String, reason: String)
  /// The file is not a JSON object.
  case notJSONObject(path: String, reason: String)
  /// A required field is absent.
  case missingField(path: String, field: String, expected: String)
  /// A field is present but has the wrong type or value.
  case badField(path: String, field: String, expected: String, found: String)

  /// A sentence naming the file, the field and what was expected.
  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      return "cannot read connection file \(path): \(reason)"
    case .notJSONObject(let path, let reason):
      return "connection file \(path) is not a JSON object (\(reason))"
    case .missingField(let path, let field, let expected):
      return "connection file \(path) has no field \"\(field)\"; expected \(expected)"
    case .badField(let path, let field, let expected, let found):
      return "connection file \(path): field \"\(field)\" should be \(expected), found \(found)"
    }
  }
}

// MARK: - ConnectionInfo

/// What a Jupyter connection file says: where to bind the five sockets and how to sign messages.
public struct ConnectionInfo: Equatable, Sendable {
  /// `tcp` or `ipc`.
  public var transport: String
  /// The address (tcp) or path prefix (ipc).
  public var ip: String
  /// Shell channel port (ROUTER).
  public var shellPort: Int
  /// Control channel port (ROUTER).
  public var controlPort: Int
  /// IOPub channel port (PUB).
  public var iopubPort: Int
  /// Stdin channel port (ROUTER).
  public var stdinPort: Int
  /// Heartbeat port (REP, echo).
  public var hbPort: Int
  /// The HMAC key; empty disables signing.
  public var key: String
  /// Always `hmac-sha256` here.
  public var signatureScheme: String

  /// Creates connection info from its parts.
  public init(
    transport: String = "tcp", ip: String = "127.0.0.1", shellPort: Int, controlPort: Int,
    iopubPort: Int, stdinPort: Int, hbPort: Int, key: String, signatureScheme: String = "hmac-sha256"
  ) {
    self.transport = transport
    self.ip = ip
    self.shellPort = shellPort
    self.controlPort = controlPort
    self.iopubPort = iopubPort
    self.stdinPort = stdinPort
    self.hbPort = hbPort
    self.key = key
    self.signatureScheme = signatureScheme
  }

  /// Reads and validates the connection file at `path`.
  public init(contentsOf path: String) throws {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw ConnectionFileError.unreadable(path: path, reason: error.localizedDescription)
    }
    try self.init(json: data, path: path)
  }

  /// Parses connection-file JSON; `path` only names the source in errors.
  public init(json data: Data, path: String = "<connection file>") throws {
    let root: [String: JSONValue]
    do {
      guard let object = try JSONValue.parse(data).objectValue else {
        throw ConnectionFileError.notJSONObject(path: path, reason: "top level is not an object")
      }
      root = object
    } catch let error as ConnectionFileError {
      throw error
    } catch {
      throw ConnectionFileError.notJSONObject(path: path, reason: "invalid JSON")
    }
    let fields = FieldReader(path: path, root: root)
    transport = try fields.string("transport", default: "tcp")
    guard transport == "tcp" || transport == "ipc" else {
      throw ConnectionFileError.badField(
        path: path, field: "transport", expected: "\"tcp\" or \"ipc\"", found: "\"\(transport)\"")
    }
    ip = try fields.string("ip", default: "127.0.0.1")
    shellPort = try fields.port("shell_port")
    controlPort = try fields.port("control_port")
    iopubPort = try fields.port("iopub_port")
    stdinPort = try fields.port("stdin_port")
    hbPort = try fields.port("hb_port")
    key = try fields.string("key", default: nil)
    signatureScheme = try fields.string("signature_scheme", default: "hmac-sha256")
    guard signatureScheme == "hmac-sha256" else {
      throw ConnectionFileError.badField(
        path: path, field: "signature_scheme", expected: "\"hmac-sha256\"", found: "\"\(signatureScheme)\"")
    }
  }

  /// The ZeroMQ endpoint for a port: `tcp://ip:port` (port 0 binds any free port) or `ipc://ip-port`.
  public func endpoint(port: Int) -> String {
    if transport == "ipc" { return "ipc://\(ip)-\(port)" }
    let host = ip.contains(":") && !ip.hasPrefix("[") ? "[\(ip)]" : ip
    return "tcp://\(host):\(port == 0 ? "*" : String(port))"
  }
}

// MARK: - Field reading

/// Reads typed fields from a connection file, throwing errors that name the file and field.
private struct FieldReader {
  let path: String
  let root: [String: JSONValue]

  func string(_ name: String, default fallback: String?) throws -> String {
    guard let value = root[name] else {
      if let fallback { return fallback }
      throw ConnectionFileError.missingField(path: path, field: name, expected: "a string")
    }
    guard let text = value.stringValue else {
      throw ConnectionFileError.badField(path: path, field: name, expected: "a string", found: value.jsonText)
    }
    return text
  }

  func port(_ name: String) throws -> Int {
    guard let value = root[name] else {
      throw ConnectionFileError.missingField(path: path, field: name, expected: "a port number 0-65535")
    }
    guard let port = value.intValue, (0...65535).contains(port) else {
      throw ConnectionFileError.badField(
        path: path, field: name, expected: "a port number 0-65535", found: value.jsonText)
    }
    return port
  }
}
