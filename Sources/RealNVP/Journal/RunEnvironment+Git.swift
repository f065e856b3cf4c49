import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - The repository's commit

extension RunEnvironment {
  /// `git rev-parse HEAD` in the working directory: the commit's hex name, or nil outside a
  /// repository or without git.
  ///
  /// Runs git with posix_spawn and waitpid rather than Foundation's `Process`, whose
  /// `waitUntilExit` waits on a run loop that a process forked from a multithreaded one does not
  /// have: a notebook's executor restored from its snapshot hung there at the start of `train`.
  static func gitCommit() -> String? {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { return nil }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addclose(&actions, ends[0])
    let words: [String] = ["git", "rev-parse", "HEAD"]
    let arguments = words.map { strdup($0) } + [nil]
    defer { arguments.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, "git", &actions, nil, arguments, environ)
    close(ends[1])
    defer { close(ends[0]) }
    guard spawned == 0 else { return nil }
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 256)
    while true {
      let count = read(ends[0], &buffer, buffer.count)
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { break }
      output += buffer[0..<count]
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // The output is checked rather than the status: where SIGCHLD is ignored there is none.
    let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    let isName = [40, 64].contains(text.count) && text.allSatisfy(\.isHexDigit)
    return isName ? text : nil
  }
}
