import CZeroMQ
import Foundation

// MARK: - Errors

/// A libzmq call that failed, with the call, errno and libzmq's message.
public struct ZMQError: Error, CustomStringConvertible {
  /// The failing call and its argument, e.g. `zmq_bind(tcp://127.0.0.1:5555)`.
  public var call: String
  /// The errno value.
  public var code: Int32

  /// Captures `zmq_errno()` after a failed `call`.
  init(_ call: String) {
    self.call = call
    self.code = zmq_errno()
  }

  /// A received message larger than the kernel accepts.
  static func messageTooLarge(bytes: Int, limit: Int) -> ZMQError {
    var error = ZMQError("receive of \(bytes) bytes (limit \(limit))")
    error.code = EMSGSIZE
    return error
  }

  /// `call failed: message (errno N)`.
  public var description: String {
    "\(call) failed: \(String(cString: zmq_strerror(code))) (errno \(code))"
  }
}

// MARK: - ZMQContext

/// A libzmq context: owns the I/O threads behind the sockets.
final class ZMQContext {
  let handle: UnsafeMutableRawPointer

  init() throws {
    guard let handle = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
    self.handle = handle
  }

  /// Makes blocking calls on every socket of this context return ETERM.
  func shutdown() { zmq_ctx_shutdown(handle) }

  /// Waits until every socket is closed, then frees the context.
  func terminate() {
    while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
  }
}

// MARK: - ZMQSocket

/// One libzmq socket. Not thread-safe: each socket is used by one thread at a time.
final class ZMQSocket {
  let handle: UnsafeMutableRawPointer
  private var isClosed = false

  init(context: ZMQContext, type: Int32) throws {
    guard let handle = zmq_socket(context.handle, type) else { throw ZMQError("zmq_socket(\(type))") }
    self.handle = handle
  }

  /// Sets an integer socket option.
  func setOption(_ option: Int32, _ value: Int32) {
    var value = value
    zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size)
  }

  /// Sets a 64-bit integer socket option (e.g. `ZMQ_MAXMSGSIZE`).
  func setOption(_ option: Int32, int64 value: Int64) {
    var value = value
    zmq_setsockopt(handle, option, &value, MemoryLayout<Int64>.size)
  }

  /// Binds to an endpoint; returns the endpoint actually bound (port 0 becomes a real port).
  @discardableResult
  func bind(_ endpoint: String) throws -> String {
    guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError("zmq_bind(\(endpoint))") }
    var buffer = [CChar](repeating: 0, count: 512)
    var size = buffer.count
    guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return endpoint }
    return String(cString: buffer)
  }

  /// Connects to an endpoint (clients and tests).
  func connect(_ endpoint: String) throws {
    guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError("zmq_connect(\(endpoint))") }
  }

  /// Sends frames as one multipart message.
  func send(_ frames: [Data]) throws {
    for (index, frame) in frames.enumerated() {
      let flags = index + 1 < frames.count ? ZMQ_SNDMORE : 0
      let sent = frame.withUnsafeBytes { bytes in
        while true {
          let rc = zmq_send(handle, bytes.baseAddress, bytes.count, flags)
          if rc >= 0 || zmq_errno() != EINTR { return rc }
        }
      }
      guard sent >= 0 else { throw ZMQError("zmq_send") }
    }
  }

  /// Receives one multipart message; nil when none is waiting (`dontWait`) or the call was
  /// interrupted. A message over `maximumBytes` is read to its end without copying and throws.
  func receive(dontWait: Bool, maximumBytes: Int = .max) throws -> [Data]? {
    var frames: [Data] = []
    var total = 0
    var tooLarge = false
    var more = true
    while more {
      var message = zmq_msg_t()
      zmq_msg_init(&message)
      defer { zmq_msg_close(&message) }
      let flags = dontWait && frames.isEmpty ? ZMQ_DONTWAIT : 0
      guard zmq_msg_recv(&message, handle, flags) >= 0 else {
        let code = zmq_errno()
        if frames.isEmpty && (code == EAGAIN || code == EINTR) { return nil }
        if code == EINTR { continue }
        throw ZMQError("zmq_msg_recv")
      }
      let size = zmq_msg_size(&message)
      total += size
      tooLarge = tooLarge || total > maximumBytes
      // An empty stand-in keeps `frames.isEmpty` meaning "nothing received yet".
      frames.append(tooLarge ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
      more = zmq_msg_more(&message) != 0
    }
    if tooLarge { throw ZMQError.messageTooLarge(bytes: total, limit: maximumBytes) }
    return frames
  }

  /// Closes the socket, waiting up to `lingerMilliseconds` for unsent messages.
  func close(lingerMilliseconds: Int32 = 1000) {
    guard !isClosed else { return }
    isClosed = true
    setOption(ZMQ_LINGER, lingerMilliseconds)
    zmq_close(handle)
  }
}
