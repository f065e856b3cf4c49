import XCTest

@testable import CellExecutor
import ExecutorWire

/// The executor's memory limit and the error of a cell that ran out of memory, without a process.
final class MemoryLimitTests: XCTestCase {
  func testSizesWithAndWithoutUnits() {
    XCTAssertEqual(MemoryLimit(parsing: "2147483648")?.bytes, 2_147_483_648)
    XCTAssertEqual(MemoryLimit(parsing: "512M")?.bytes, 512 << 20)
    XCTAssertEqual(MemoryLimit(parsing: "4g")?.bytes, 4 << 30)
    XCTAssertEqual(MemoryLimit(parsing: "1.5GiB")?.bytes, 3 << 29)
    XCTAssertEqual(MemoryLimit(parsing: "64KB")?.bytes, 64 << 10)
    for invalid in ["", "G", "-1G", "0", "four", "4 X", "1e3", "4GG"] {
      XCTAssertNil(MemoryLimit(parsing: invalid), invalid)
    }
  }

  func testTheEnvironmentSetsTheLimitOrNamesWhatIsWrong() throws {
    XCTAssertNil(try MemoryLimit.fromEnvironment([:]))
    XCTAssertNil(try MemoryLimit.fromEnvironment([MemoryLimit.variable: ""]))
    XCTAssertEqual(try MemoryLimit.fromEnvironment([MemoryLimit.variable: "3G"])?.description, "3.0 GiB")
    XCTAssertThrowsError(try MemoryLimit.fromEnvironment([MemoryLimit.variable: "lots"])) { error in
      XCTAssertEqual(error as? ExecutorError, .invalidMemoryLimit("lots"))
      XCTAssertTrue("\(error)".contains("REALNVP_EXECUTOR_MEMORY=lots is not a size"), "\(error)")
    }
  }

  func testTheRuntimesAllocationFailureIsAMemoryError() {
    let stderr = "loading\nFatal error: failed to allocate 8589934592 bytes of memory with alignment 0\n"
    let error = CrashReport.error(
      stderr: stderr, termination: .signaled(SIGABRT), restored: true,
      memoryLimit: MemoryLimit(bytes: 2 << 30))
    XCTAssertEqual(error.ename, "MemoryError")
    XCTAssertEqual(
      error.evalue,
      "the cell ran out of memory: allocating 8.0 GiB failed (the executor may use 2.0 GiB of address space); "
        + "the cell was rolled back")
    XCTAssertEqual(
      error.traceback.first, "Fatal error: failed to allocate 8589934592 bytes of memory with alignment 0")
    XCTAssertEqual(error.traceback.last, CrashReport.rolledBack)
  }

  func testOtherWordsForOutOfMemoryAndOtherCrashes() {
    let badAlloc =
      "terminate called after throwing an instance of 'std::bad_alloc'\n  what():  std::bad_alloc\n"
    let lost = CrashReport.error(stderr: badAlloc, termination: .signaled(SIGABRT), restored: false)
    XCTAssertEqual(lost.ename, "MemoryError")
    XCTAssertEqual(lost.evalue, "the cell ran out of memory: an allocation failed; earlier state is lost")
    XCTAssertEqual(lost.traceback.last, CrashReport.stateLost)
    // The executor's note on a trap that came right after an allocation failed.
    let noted = CrashReport.error(
      stderr: "started\n" + ExecutorCrashNote.allocationFailed + "\n", termination: .signaled(SIGILL),
      restored: true)
    XCTAssertEqual(noted.ename, "MemoryError")
    XCTAssertEqual(noted.traceback.first, ExecutorCrashNote.allocationFailed)
    // A trap that is not about memory stays a RuntimeError, even after output that mentions memory.
    let trap = CrashReport.error(
      stderr: "out of memory? no\nFatal error: Index out of range\n", termination: .signaled(SIGILL),
      restored: true)
    XCTAssertEqual(trap.ename, "RuntimeError")
    XCTAssertEqual(trap.evalue, "Fatal error: Index out of range; the cell was rolled back")
    let killed = CrashReport.error(stderr: "", termination: .signaled(SIGKILL), restored: true)
    XCTAssertTrue(killed.evalue.contains("when memory ran out"), killed.evalue)
  }
}
