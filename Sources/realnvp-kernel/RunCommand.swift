import ArgumentParser
import Foundation
import JupyterProtocol

// MARK: - realnvp-kernel [run] -f FILE

/// Runs the kernel on the sockets a connection file describes, until shutdown.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Run the kernel (what Jupyter does, with {connection_file}).")

  @Option(name: [.customShort("f"), .long], help: "The connection file Jupyter wrote for this kernel.")
  var connectionFile: String

  func run() throws {
    let connection = try ConnectionInfo(contentsOf: connectionFile)
    // Jupyter interrupts through interrupt_request; a stray SIGINT (Ctrl-C in the terminal
    // that started the server) must not kill the kernel. A handler, not SIG_IGN, so that
    // child processes start with the default disposition.
    signal(SIGINT) { _ in }

    let server = try KernelServer(connection: connection)
    let interpreter = makeInterpreter()
    let core = KernelCore(interpreter: interpreter, transport: server) { restart in
      KernelLog.log(restart ? "shutting down for restart" : "shutting down")
      server.stop()
    }
    KernelLog.log(
      "listening: \(server.endpoints.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " "))"
    )
    core.announceStarting()
    server.run { message, channel in core.receive(message, on: channel) }
  }
}
