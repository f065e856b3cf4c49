import ExecutorWire
import Foundation

// MARK: - The address-space limit

/// Applies `--address-space-limit BYTES` from the command line: the soft `RLIMIT_AS`, so that an
/// allocation past it fails (and the Swift runtime reports "failed to allocate N bytes") where a
/// machine without a limit would start swapping or call the out-of-memory killer.
enum AddressSpaceLimit {
  /// Sets the limit when the option is given; exits with a message when its value is not a
  /// number of bytes or the limit cannot be set.
  static func apply(arguments: [String] = CommandLine.arguments) {
    guard let index = arguments.firstIndex(of: ExecutorOption.addressSpaceLimit) else { return }
    let value = index + 1 < arguments.count ? arguments[index + 1] : ""
    guard let bytes = UInt64(value), bytes > 0 else {
      fail("\(ExecutorOption.addressSpaceLimit) expects a number of bytes, not '\(value)'")
    }
    var limit = rlimit()
    getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)
    limit.rlim_cur = rlim_t(min(bytes, UInt64(limit.rlim_max)))
    guard setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0 else {
      fail("cannot limit the address space to \(bytes) bytes: \(String(cString: strerror(errno)))")
    }
  }

  private static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("realnvp-executor: \(message)\n".utf8))
    exit(2)
  }
}
