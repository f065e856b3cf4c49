import Foundation
import XCTest

@testable import RealNVP

/// The environment a run records, read also in a forked process (a notebook's restored executor).
final class RunEnvironmentTests: XCTestCase {
  func testGitCommitIsTheRepositorysHead() throws {
    let git = Process()
    git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    git.arguments = ["git", "rev-parse", "HEAD"]
    let pipe = Pipe()
    git.standardOutput = pipe
    git.standardError = FileHandle(forWritingAtPath: "/dev/null")
    try git.run()
    git.waitUntilExit()
    let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    try XCTSkipIf(git.terminationStatus != 0, "the tests do not run inside a git repository")
    XCTAssertEqual(RunEnvironment.gitCommit(), expected)
  }

  func testGitCommitAnswersInAForkedProcess() throws {
    let expected = RunEnvironment.gitCommit()
    var ends: [Int32] = [0, 0]
    XCTAssertEqual(pipe(&ends), 0)
    let child = fork()
    if child == 0 {
      let answer = Array((RunEnvironment.gitCommit() ?? "none").utf8)
      _ = answer.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
      _exit(0)
    }
    close(ends[1])
    defer { close(ends[0]) }
    var reader = pollfd(fd: ends[0], events: Int16(POLLIN), revents: 0)
    let ready = poll(&reader, 1, 30_000)
    if ready <= 0 { kill(child, SIGKILL) }
    var status: Int32 = 0
    waitpid(child, &status, 0)
    XCTAssertEqual(ready, 1, "the forked process did not answer within 30 s")
    var buffer = [UInt8](repeating: 0, count: 128)
    let count = read(ends[0], &buffer, buffer.count)
    XCTAssertEqual(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self), expected ?? "none")
  }
}
