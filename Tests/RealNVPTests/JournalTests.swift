import Foundation
import TensorCore
import XCTest

@testable import RealNVP

final class JournalTests: XCTestCase {
  private var directory: URL!
  private var journal: Journal!

  override func setUp() {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "realnvp-journal-\(UUID().uuidString)")
    journal = Journal(directory: directory)
  }

  override func tearDown() { try? FileManager.default.removeItem(at: directory) }

  private func shortRun(hidden: Int, note: String, tags: [String] = []) throws {
    let model = RealNVP2D(couplings: 2, hidden: hidden, seed: 3)
    try train(
      model, on: Datasets.moons(count: 200, noise: 0.1, seed: 2),
      validation: Datasets.moons(count: 100, seed: 5),
      options: TrainingOptions(epochs: 2, batchSize: 50, seed: 7), configuration: "toy2d", note: note,
      tags: tags, journal: journal)
  }

  func testRecordsRoundTripWithEverythingNeededToRepeatThem() throws {
    try shortRun(hidden: 8, note: "baseline", tags: ["first"])
    let run = try XCTUnwrap(journal.runs.first)
    XCTAssertEqual(run.status, .completed)
    XCTAssertEqual(run.epochs.count, 2)
    XCTAssertEqual(run.note, "baseline")
    XCTAssertEqual(run.tags, ["first"])
    XCTAssertEqual(run.model, RealNVP2D(couplings: 2, hidden: 8, batchNorm: false, seed: 3).modelDescription)
    XCTAssertEqual(run.options.seed, 7)
    XCTAssertEqual(run.dataset.source, .toy(kind: "moons", count: 200, noise: 0.1, seed: 2))
    XCTAssertEqual(run.dataset.count, 200)
    XCTAssertNotEqual(run.dataset.checksum, "-")
    XCTAssertEqual(run.environment.threads, ComputeThreads.count)
    XCTAssertNotNil(run.endedAt)
  }

  func testFiltersAndComparisonShowOnlyTheSettingsThatDiffer() throws {
    try shortRun(hidden: 8, note: "small")
    try shortRun(hidden: 16, note: "wider", tags: ["wide"])
    XCTAssertEqual(journal.runs(tag: "wide").map(\.note), ["wider"])
    XCTAssertEqual(journal.runs(configuration: "toy2d").count, 2)
    XCTAssertEqual(journal.runs(dataset: "moons").count, 2)
    XCTAssertEqual(journal.runs(configuration: "mnist").count, 0)
    let comparison = try journal.compare(journal.runs.map(\.id))
    XCTAssertTrue(comparison.columns.contains("hidden"))
    XCTAssertFalse(comparison.columns.contains("learningRate"), "equal settings are not shown")
    XCTAssertEqual(comparison.rows.count, 2)
    XCTAssertEqual(
      try journal.curves(journal.runs.map(\.id), metric: .testBitsPerDim).map(\.epochs), [[1, 2], [1, 2]])
  }

  func testCheckpointPathAndChecksumAreRecorded() throws {
    let url = directory.appendingPathComponent("checkpoints/toy.safetensors")
    try train(
      RealNVP2D(couplings: 2, hidden: 8), on: Datasets.moons(count: 100),
      options: TrainingOptions(epochs: 1, batchSize: 50),
      journal: journal, checkpoint: url)
    let recorded = try XCTUnwrap(journal.runs.last?.checkpoint)
    XCTAssertEqual(recorded.path, url.path)
    XCTAssertEqual(recorded.checksum, FNV1a64.ofFile(url.path))
    XCTAssertNotEqual(recorded.checksum, "-")
  }

  func testCorruptLineIsReportedWithItsNumberAndSkipped() throws {
    try shortRun(hidden: 8, note: "one")
    let handle = try FileHandle(forWritingTo: journal.fileURL)
    handle.seekToEndOfFile()
    handle.write(Data("{\"start\": {\"truncated\n".utf8))
    handle.closeFile()
    try shortRun(hidden: 8, note: "two")
    let (runs, problems) = journal.read()
    XCTAssertEqual(runs.map(\.note), ["one", "two"])
    XCTAssertEqual(problems.count, 1)
    XCTAssertEqual(problems.first?.line, 5, "start + 2 epochs + end, then the corrupt line")
  }

  func testRunWithoutItsEndReadsAsIncomplete() throws {
    let record = try XCTUnwrap(
      {
        try shortRun(hidden: 8, note: "x"); return journal.runs.first
      }())
    var crashed = record
    crashed.id = "crashed-run"
    let writer = try journal.begin(crashed)
    try writer.record(record.epochs[0])
    let found = try journal.run("crashed-run")
    XCTAssertEqual(found.status, .incomplete)
    XCTAssertEqual(found.epochs.count, 1)
  }

  func testReplayOfAShortToyRunMatchesExactly() throws {
    try shortRun(hidden: 8, note: "replay me")
    let report = try journal.replay(journal.runs[0].id)
    XCTAssertTrue(report.matches, report.summary)
    XCTAssertTrue(report.dataMatches)
    XCTAssertEqual(report.epochs.count, 2)
  }
}

// MARK: - Crashes and full disks

extension JournalTests {
  func testALineTornByACrashCostsOnlyItself() throws {
    try shortRun(hidden: 8, note: "one")
    let run = try XCTUnwrap(journal.runs.first)
    // A crash in the middle of a line (power loss; a single write(2) is not cut by SIGKILL).
    let handle = try FileHandle(forWritingTo: journal.fileURL)
    handle.seekToEndOfFile()
    handle.write(Data("{\"epoch\":{\"id\":\"\(run.id)\",\"rec".utf8))
    handle.closeFile()
    var crashed = run
    crashed.id = "after-the-tear"
    let writer = try journal.begin(crashed)
    try writer.record(run.epochs[0])
    let (runs, problems) = journal.read()
    XCTAssertEqual(runs.map(\.id), [run.id, "after-the-tear"])
    XCTAssertEqual(runs.last?.epochs.count, 1)
    XCTAssertEqual(problems.map(\.line), [5], "only the torn line is unreadable")
  }

  func testAFullDiskLeavesNoPartialLineAndNamesTheJournal() throws {
    try shortRun(hidden: 8, note: "before")
    let before = try Data(contentsOf: journal.fileURL)
    var record = try XCTUnwrap(journal.runs.first)
    record.id = "on-a-full-disk"
    record.note = String(repeating: "n", count: 400)
    do {
      _ = try withFileSizeLimit(before.count + 100) { try journal.begin(record) }
      XCTFail("appending past the limit succeeded")
    } catch JournalError.cannotWrite(let path, let reason) {
      XCTAssertEqual(path, journal.fileURL.path)
      XCTAssertTrue(reason.contains("File too large"), reason)
      XCTAssertTrue(reason.contains("the partial line was removed"), reason)
    }
    XCTAssertEqual(try Data(contentsOf: journal.fileURL), before, "the journal is as it was")
    _ = try journal.begin(record)
    let (runs, problems) = journal.read()
    XCTAssertEqual(runs.map(\.note), ["before", record.note])
    XCTAssertEqual(problems, [])
  }
}
