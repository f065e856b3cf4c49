import CProcessControl
import Foundation

// MARK: - A language server process

/// A `sourcekit-lsp` child process spoken to in JSON-RPC over its standard input and output.
///
/// Requests wait at most a deadline; an answer that comes later is dropped. The server's own
/// requests (progress, registrations) are answered with `null`. When the process exits, every
/// waiting and later request gets nil.
final class LanguageServer: @unchecked Sendable {
  private let pid: pid_t
  private let input: Int32
  private let output: Int32
  private let lock = NSLock()
  /// Keeps whole messages together on the server's input (apart from `lock`, so that a full
  /// pipe never stops the reader from taking answers).
  private let writeLock = NSLock()
  private var nextID = 1
  private var pending: [Int: Pending] = [:]
  private var alive = true

  /// One request waiting for its answer.
  private final class Pending {
    let done = DispatchSemaphore(value: 0)
    var response: [String: Any]?
  }

  /// Starts `executable` (no arguments); throws when it cannot be spawned.
  init(executable: String) throws {
    var toServer: [Int32] = [0, 0]
    var fromServer: [Int32] = [0, 0]
    // Close-on-exec from the start: no program another thread starts may inherit these ends.
    guard realnvp_cloexec_pipe(&toServer) == 0, realnvp_cloexec_pipe(&fromServer) == 0 else {
      throw ExecutorError.startFailed("pipe() failed for \(executable) (errno \(errno))")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, toServer[0], 0)
    posix_spawn_file_actions_adddup2(&actions, fromServer[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addclose(&actions, toServer[0])
    posix_spawn_file_actions_addclose(&actions, fromServer[1])
    var child: pid_t = 0
    let argv = [strdup(executable), nil]
    defer { argv.forEach { free($0) } }
    let status = posix_spawn(&child, executable, &actions, nil, argv, environ)
    close(toServer[0])
    close(fromServer[1])
    guard status == 0 else {
      close(toServer[1])
      close(fromServer[0])
      throw ExecutorError.startFailed("cannot run \(executable): errno \(status)")
    }
    pid = child
    input = toServer[1]
    output = fromServer[0]
    Thread.detachNewThread { [self] in readMessages() }
  }

  deinit { stop() }

  /// Kills the server and wakes every waiting request.
  func stop() {
    lock.lock()
    let wasAlive = alive
    alive = false
    let waiting = pending.values
    pending = [:]
    lock.unlock()
    waiting.forEach { $0.done.signal() }
    guard wasAlive else { return }
    writeLock.lock()
    close(input)
    writeLock.unlock()
    kill(pid, SIGKILL)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
  }

  /// Whether the process still answers.
  var isAlive: Bool {
    lock.lock()
    defer { lock.unlock() }
    return alive
  }

  /// Sends a request and waits up to `timeout` seconds; returns its `result` (NSNull when the
  /// result is null), or nil on an error, a timeout, or a dead server.
  func request(_ method: String, _ params: [String: Any], timeout: Double) -> Any? {
    let waiter = Pending()
    lock.lock()
    guard alive else {
      lock.unlock()
      return nil
    }
    let id = nextID
    nextID += 1
    pending[id] = waiter
    lock.unlock()
    send(["jsonrpc": "2.0", "id": id, "method": method, "params": params])
    let answered = waiter.done.wait(timeout: .now() + timeout) == .success
    lock.lock()
    pending[id] = nil
    lock.unlock()
    guard answered, let response = waiter.response else {
      if !answered { notify("$/cancelRequest", ["id": id]) }
      return nil
    }
    return response["result"]
  }

  /// Sends a notification.
  func notify(_ method: String, _ params: [String: Any]) {
    send(["jsonrpc": "2.0", "method": method, "params": params])
  }

  // MARK: - Framing

  private func send(_ message: [String: Any]) {
    guard let body = try? JSONSerialization.data(withJSONObject: message) else { return }
    var bytes = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
    bytes.append(contentsOf: body)
    writeLock.lock()
    defer { writeLock.unlock() }
    guard isAlive else { return }
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { Glibc.write(input, $0.baseAddress!, $0.count) }
      if written < 0 && errno == EINTR { continue }
      if written <= 0 { return }
      offset += written
    }
  }

  /// Reads `Content-Length`-framed messages until the server closes its output.
  private func readMessages() {
    var buffer: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    let separator = Array("\r\n\r\n".utf8)
    while true {
      while let headerEnd = buffer.firstRange(of: separator) {
        let header = String(decoding: buffer[..<headerEnd.lowerBound], as: UTF8.self)
        let length =
          header.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
          .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        guard buffer.count >= headerEnd.upperBound + length else { break }
        let body = Data(buffer[headerEnd.upperBound..<(headerEnd.upperBound + length)])
        buffer.removeSubrange(..<(headerEnd.upperBound + length))
        if let message = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
          handle(message)
        }
      }
      let count = read(output, &chunk, chunk.count)
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { break }
      buffer.append(contentsOf: chunk[0..<count])
    }
    close(output)
    stop()
  }

  private func handle(_ message: [String: Any]) {
    let id = (message["id"] as? NSNumber)?.intValue
    if message["method"] != nil {
      // A request from the server: say yes to it; notifications need nothing.
      if let rawID = message["id"] { send(["jsonrpc": "2.0", "id": rawID, "result": NSNull()]) }
      return
    }
    guard let id else { return }
    lock.lock()
    let waiter = pending.removeValue(forKey: id)
    lock.unlock()
    guard let waiter else { return }
    waiter.response = message["error"] == nil ? message : nil
    waiter.done.signal()
  }
}
