import Foundation

// MARK: - A full disk, simulated

/// Runs `body` with this process's file size limit (RLIMIT_FSIZE) at `bytes` and SIGXFSZ
/// ignored, so that writes past it fail with EFBIG as writes to a full disk fail with ENOSPC;
/// restores both afterwards.
func withFileSizeLimit<T>(_ bytes: Int, _ body: () throws -> T) rethrows -> T {
  var saved = rlimit()
  precondition(getrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved) == 0, "getrlimit(RLIMIT_FSIZE) failed")
  let previousHandler = signal(SIGXFSZ, SIG_IGN)
  var limited = saved
  limited.rlim_cur = rlim_t(bytes)
  precondition(
    setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limited) == 0, "setrlimit(RLIMIT_FSIZE, \(bytes)) failed")
  defer {
    precondition(setrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved) == 0, "restoring RLIMIT_FSIZE failed")
    signal(SIGXFSZ, previousHandler)
  }
  return try body()
}
