import Foundation
import TensorCore

// What the shell and environment cell commands run: the kernel rewrites `%system`, `%%bash`,
// `%%sh`, `%env`, `%cd`, `%pwd` and `%%writefile` into calls of these functions, which run in
// the cell's process, so that a directory or variable they set is the one later cells see.

// MARK: - %system, %%bash, %%sh

/// Runs `script` with `shell` (`/bin/sh -c` for `%system` and `%%sh`, `bash -c` for `%%bash`);
/// its output goes into the cell as it comes. Standard input is empty. An interrupt stops the
/// command (SIGINT to its process group, SIGKILL 2 s later); a command that fails says so on
/// standard error with its exit status, and the cell goes on, as in IPython.
public func _shell(_ shell: String, _ script: String) {
  fflush(stdout)
  var attributes = posix_spawnattr_t()
  posix_spawnattr_init(&attributes)
  defer { posix_spawnattr_destroy(&attributes) }
  posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
  posix_spawnattr_setpgroup(&attributes, 0)  // its own group, so an interrupt reaches its children
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  let words: [String] = [shell, "-c", script]
  let arguments = words.map { strdup($0) } + [nil]
  defer { arguments.forEach { free($0) } }
  var pid: pid_t = 0
  let spawned = posix_spawnp(&pid, shell, &actions, &attributes, arguments, environ)
  guard spawned == 0 else {
    FileHandle.standardError.write(Data("cannot run \(shell): \(String(cString: strerror(spawned)))\n".utf8))
    return
  }
  var status: Int32 = 0
  var interruptedAt: Date?
  while true {
    let waited = waitpid(pid, &status, WNOHANG)
    if waited == pid || (waited == -1 && errno != EINTR) { break }
    if Interruption.isRequested, interruptedAt == nil {
      interruptedAt = Date()
      killpg(pid, SIGINT)
    } else if let interruptedAt, Date().timeIntervalSince(interruptedAt) > 2 {
      killpg(pid, SIGKILL)
    }
    usleep(10_000)
  }
  let exitStatus = (status >> 8) & 0xff
  let signal = status & 0x7f
  if signal != 0 {
    FileHandle.standardError.write(Data("\(shell) stopped by signal \(signal)\n".utf8))
  } else if exitStatus != 0 {
    FileHandle.standardError.write(Data("\(shell) exited with status \(exitStatus)\n".utf8))
  }
}

// MARK: - %env, %cd, %pwd

/// `%env`: with no argument prints every variable; with `NAME` prints its value; with
/// `NAME=VALUE` (or `NAME VALUE`) sets it for this process and the commands it starts.
public func _env(_ argument: String) {
  let argument = argument.trimmingCharacters(in: .whitespaces)
  let environment = ProcessInfo.processInfo.environment
  if argument.isEmpty {
    for name in environment.keys.sorted() { print("\(name)=\(environment[name]!)") }
    return
  }
  let separator = argument.firstIndex { $0 == "=" || $0 == " " }
  guard let separator else {
    if let value = environment[argument] {
      print(value)
    } else {
      FileHandle.standardError.write(Data("env: \(argument) is not set\n".utf8))
    }
    return
  }
  let name = String(argument[..<separator])
  let value = String(argument[argument.index(after: separator)...]).trimmingCharacters(in: .whitespaces)
  setenv(name, value, 1)
  print("env: \(name)=\(value)")
}

/// `%cd`: changes the working directory of the cell's process (to the home directory without
/// an argument, `~` expanded) and prints the new one.
public func _cd(_ path: String) {
  let trimmed = path.trimmingCharacters(in: .whitespaces)
  let target = trimmed.isEmpty ? NSHomeDirectory() : NSString(string: trimmed).expandingTildeInPath
  guard chdir(target) == 0 else {
    FileHandle.standardError.write(Data("cd: \(target): \(String(cString: strerror(errno)))\n".utf8))
    return
  }
  print(FileManager.default.currentDirectoryPath)
}

/// `%pwd`: the working directory of the cell's process (the cell's result when it is last).
@discardableResult
public func _pwd() -> String {
  FileManager.default.currentDirectoryPath
}

// MARK: - %%writefile

/// `%%writefile [-a] FILE`: writes (or with `append` adds) `text` to `path` and says which.
public func _writefile(_ path: String, append: Bool, _ text: String) {
  let url = URL(fileURLWithPath: NSString(string: path).expandingTildeInPath)
  let exists = FileManager.default.fileExists(atPath: url.path)
  do {
    if append && exists {
      let handle = try FileHandle(forWritingTo: url)
      defer { try? handle.close() }
      try handle.seekToEnd()
      try handle.write(contentsOf: Data(text.utf8))
      print("Appending to \(path)")
    } else {
      try Data(text.utf8).write(to: url)
      print("\(exists ? "Overwriting" : "Writing") \(path)")
    }
  } catch {
    FileHandle.standardError.write(
      Data("writefile: cannot write \(path): \(error.localizedDescription)\n".utf8))
  }
}
