import Foundation
import XCTest

@testable import CellExecutor

/// The private folder cells are compiled in: fresh, 0700, and stale ones removed.
final class WorkFolderTests: XCTestCase {
  private var parent: String!

  override func setUpWithError() throws {
    parent = NSTemporaryDirectory() + "work-folder-tests-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
  }

  override func tearDown() {
    try? FileManager.default.removeItem(atPath: parent)
  }

  func testEachFolderIsNewPrivateAndNamesItsKernel() throws {
    let first = try WorkFolder.create(in: parent)
    let second = try WorkFolder.create(in: parent)
    XCTAssertNotEqual(first.path, second.path, "a folder is never reused")
    XCTAssertFalse(first.path.hasSuffix("-\(getpid())"), "the name must not be predictable")
    let attributes = try FileManager.default.attributesOfItem(atPath: first.path)
    XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o700)
    let owner = try String(contentsOfFile: first.path + "/kernel.pid", encoding: .utf8)
    XCTAssertEqual(owner.trimmingCharacters(in: .whitespacesAndNewlines), "\(getpid())")
    first.remove()
    XCTAssertFalse(FileManager.default.fileExists(atPath: first.path))
  }

  func testStaleFoldersOfDeadKernelsAreRemovedAndLiveOnesKept() throws {
    let dead = parent + "/realnvp-cells-dead01"
    let live = parent + "/realnvp-cells-live01"
    let unrelated = parent + "/something-else"
    for path in [dead, live, unrelated] {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }
    // pid 2^22 + 1 is above Linux's largest pid, so no process has it.
    try "4194305\n".write(toFile: dead + "/kernel.pid", atomically: true, encoding: .utf8)
    try "\(getppid())\n".write(toFile: live + "/kernel.pid", atomically: true, encoding: .utf8)
    let removed = WorkFolder.removeStale(in: parent)
    XCTAssertEqual(removed, [dead])
    XCTAssertFalse(FileManager.default.fileExists(atPath: dead))
    XCTAssertTrue(FileManager.default.fileExists(atPath: live))
    XCTAssertTrue(FileManager.default.fileExists(atPath: unrelated))
  }
}
