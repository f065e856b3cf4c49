import CZeroMQ
import Foundation
import XCTest

@testable import JupyterProtocol

/// The server over real ZeroMQ sockets on free local ports: heartbeat, signatures, shutdown.
final class KernelServerTests: XCTestCase {
  private let key = "test-key"

  func testServesSignedRequestsDropsForgedOnesAndStopsOnShutdown() throws {
    let connection = ConnectionInfo(
      shellPort: 0, controlPort: 0, iopubPort: 0, stdinPort: 0, hbPort: 0, key: key)
    let server = try KernelServer(connection: connection)
    let core = KernelCore(interpreter: MockInterpreter(), transport: server) { _ in server.stop() }
    let finished = DispatchSemaphore(value: 0)
    Thread {
      server.run { message, channel in core.receive(message, on: channel) }
      finished.signal()
    }.start()

    let context = try ZMQContext()
    defer { context.terminate() }
    let heartbeat = try client(context, ZMQ_REQ, server.endpoints["hb"]!)
    let shell = try client(context, ZMQ_DEALER, server.endpoints["shell"]!)
    let control = try client(context, ZMQ_DEALER, server.endpoints["control"]!)
    defer { [heartbeat, shell, control].forEach { $0.close(lingerMilliseconds: 0) } }

    // Heartbeat: bytes come back unchanged.
    try heartbeat.send([Data("ping".utf8)])
    XCTAssertEqual(try heartbeat.receive(dontWait: false), [Data("ping".utf8)])

    // A forged request gets no answer; the signed one after it does.
    let forger = WireCodec(signer: MessageSigner(key: "wrong"))
    let codec = WireCodec(signer: MessageSigner(key: key))
    let forged = makeRequest("kernel_info_request")
    try shell.send(Array(forger.encode(forged).dropFirst()))
    try shell.send([Data("garbage".utf8)])
    let genuine = makeRequest("kernel_info_request")
    try shell.send(Array(codec.encode(genuine).dropFirst()))
    let reply = try codec.decode(XCTUnwrap(shell.receive(dontWait: false)))
    XCTAssertEqual(reply.msgType, "kernel_info_reply")
    XCTAssertEqual(reply.parentHeader["msg_id"]?.stringValue, genuine.header.msgID)

    // Shutdown on control: reply, then run() returns.
    let shutdown = makeRequest("shutdown_request", ["restart": false])
    try control.send(Array(codec.encode(shutdown).dropFirst()))
    let shutdownReply = try codec.decode(XCTUnwrap(control.receive(dontWait: false)))
    XCTAssertEqual(shutdownReply.msgType, "shutdown_reply")
    XCTAssertEqual(finished.wait(timeout: .now() + 10), .success, "run() did not return after shutdown")
  }

  func testBindingATakenPortFailsWithZMQError() throws {
    let first = try KernelServer(
      connection: ConnectionInfo(
        shellPort: 0, controlPort: 0, iopubPort: 0, stdinPort: 0, hbPort: 0, key: key))
    let taken = Int(first.endpoints["shell"]!.split(separator: ":").last!)!
    XCTAssertThrowsError(
      try KernelServer(
        connection: ConnectionInfo(
          shellPort: taken, controlPort: 0, iopubPort: 0, stdinPort: 0, hbPort: 0, key: key))
    ) { error in
      XCTAssertTrue("\(error)".contains("zmq_bind(tcp://127.0.0.1:\(taken))"), "\(error)")
    }
  }

  /// A connected client socket with a 10 s receive timeout.
  private func client(_ context: ZMQContext, _ type: Int32, _ endpoint: String) throws -> ZMQSocket {
    let socket = try ZMQSocket(context: context, type: type)
    socket.setOption(ZMQ_RCVTIMEO, 10_000)
    try socket.connect(endpoint)
    return socket
  }
}
