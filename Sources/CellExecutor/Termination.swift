import Foundation

// MARK: - How a process ended

/// How the executor process ended: an exit status or a signal.
enum Termination: Equatable, Sendable {
  /// It called `exit` (or returned from `main`) with this status.
  case exited(Int32)
  /// A signal ended it.
  case signaled(Int32)

  /// Decodes a `waitpid` status.
  init(waitStatus status: Int32) {
    let signalNumber = status & 0x7F
    self = signalNumber == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signalNumber)
  }

  /// A phrase for error messages, e.g. "the cell called exit(3)".
  var phrase: String {
    switch self {
    case .exited(let code): return "the cell called exit(\(code))"
    case .signaled(let number): return "the executor stopped with signal \(number) (\(Self.name(of: number)))"
    }
  }

  /// The signal's name and what it usually means.
  static func name(of number: Int32) -> String {
    switch number {
    case SIGILL: return "SIGILL, a trap"
    case SIGTRAP: return "SIGTRAP, a trap"
    case SIGSEGV: return "SIGSEGV, bad memory access"
    case SIGBUS: return "SIGBUS, bad memory access"
    case SIGFPE: return "SIGFPE, arithmetic error"
    case SIGABRT: return "SIGABRT, abort"
    case SIGKILL: return "SIGKILL, killed"
    case SIGTERM: return "SIGTERM, terminated"
    default: return "signal \(number)"
    }
  }
}
