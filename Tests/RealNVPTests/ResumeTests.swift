import Foundation
import TensorCore
import XCTest

@testable import RealNVP

/// N steps, a saved resume point, then M more steps in a fresh model give the same bits as N + M
/// steps without a stop.
final class ResumeTests: XCTestCase {
  private func images() -> Dataset {
    var rng = RandomGenerator(seed: 21)
    let pixels = (0..<(40 * 16)).map { _ in Float(rng.nextInt(below: 256)) }
    return Dataset(Tensor(shape: [40, 1, 4, 4], scalars: pixels))
  }

  private func model() -> MultiScaleRealNVP {
    MultiScaleRealNVP(
      Architecture(
        channels: 1, height: 4, width: 4, scales: 1, residualBlocks: 1, hidden: 4, batchNorm: true),
      seed: 5)
  }

  func testResumingMidEpochFromAFileMatchesAnUninterruptedRunBitForBit() throws {
    let options = TrainingOptions(
      epochs: 3, batchSize: 8, learningRate: 2e-3, maxGradientNorm: 100, seed: 9, horizontalFlips: true)
    let folder = try TemporaryFolder()
    let file = folder.url.appendingPathComponent("resume.safetensors")

    // The uninterrupted run saves its resume point after step 7 (the middle of epoch 2).
    let straight = model()
    var saved: Error?? = nil
    let full = try train(
      straight, on: images(), options: options, journal: nil, checkpointEvery: 7,
      onCheckpoint: { point in
        guard saved == nil else { return }
        do {
          try straight.saveTrainingCheckpoint(to: file, resume: point)
          saved = .some(nil)
        } catch {
          saved = .some(error)
        }
      })
    XCTAssertNotNil(saved, "no resume point was handed out")
    if let failure = saved ?? nil { throw failure }

    let resumed = model()
    let point = try resumed.loadTrainingCheckpoint(from: file)
    XCTAssertEqual(point.position.epoch, 2)
    XCTAssertEqual(point.position.batch, 2)
    XCTAssertEqual(point.optimizer.step, 7)
    let rest = try train(resumed, on: images(), options: options, journal: nil, resume: point)

    XCTAssertEqual(rest.stepLosses, full.stepLosses, "the step losses after the resume")
    XCTAssertEqual(rest.epochs.map(\.trainLoss), full.epochs.map(\.trainLoss))
    for (a, b) in zip(resumed.namedTensors, straight.namedTensors) {
      XCTAssertEqual(a.value.scalars, b.value.scalars, "\(a.name) differs after the resume")
    }
  }

  func testAPlainCheckpointIsNotAResumePoint() throws {
    let folder = try TemporaryFolder()
    let file = folder.url.appendingPathComponent("plain.safetensors")
    try model().saveCheckpoint(to: file)
    XCTAssertThrowsError(try model().loadTrainingCheckpoint(from: file)) { error in
      XCTAssertTrue("\(error)".contains("no training position"), "\(error)")
    }
  }

  func testAResumedRunIsOneJournalEntryWithASegmentAndKeepsItsBestCheckpoint() throws {
    let options = TrainingOptions(epochs: 3, batchSize: 8, learningRate: 2e-3, maxGradientNorm: 100, seed: 4)
    let folder = try TemporaryFolder()
    let journal = Journal(directory: folder.url.appendingPathComponent("runs"))
    let resumeFile = folder.url.appendingPathComponent("resume.safetensors")
    let best = folder.url.appendingPathComponent("best.safetensors")
    let first = model()
    Interruption.clear()
    var steps = 0
    var firstBits: [Float] = []
    // Stop the first segment after 7 steps (mid epoch 2), as SIGINT would.
    let stopped = try train(
      first, on: images(), validation: images(), options: options, journal: journal, checkpointEvery: 7,
      bestCheckpoint: best,
      onCheckpoint: { point in
        steps = point.optimizer.step
        try? first.saveTrainingCheckpoint(to: resumeFile, resume: point)
        Interruption.request()
      })
    Interruption.clear()
    firstBits = stopped.epochs.compactMap(\.testBitsPerDim)
    XCTAssertEqual(steps, 7)
    XCTAssertEqual(stopped.stopReason, .interrupted)

    let second = model()
    let point = try second.loadTrainingCheckpoint(from: resumeFile)
    let runID = try XCTUnwrap(point.runID, "the resume point names its run")
    let finished = try train(
      second, on: images(), validation: images(), options: options, journal: journal, resume: point,
      bestCheckpoint: best)

    let runs = journal.runs
    XCTAssertEqual(runs.count, 1, "a resumed run continues its journal entry")
    let run = try XCTUnwrap(runs.first)
    XCTAssertEqual(run.id, runID)
    XCTAssertEqual(run.status, .completed)
    XCTAssertEqual(run.segments?.map(\.fromStep), [7])
    XCTAssertEqual(run.epochs.map(\.epoch), [1, 2, 3])
    XCTAssertEqual(run.epochs.map(\.testBitsPerDim), finished.epochs.map(\.testBitsPerDim))
    XCTAssertEqual(firstBits, [run.epochs[0].testBitsPerDim!])

    // The best checkpoint holds the epoch with the lowest validation bits/dim.
    let allBits = run.epochs.compactMap(\.testBitsPerDim)
    let bestEpoch = try XCTUnwrap(allBits.indices.min { allBits[$0] < allBits[$1] }) + 1
    XCTAssertNotNil(run.epochs[bestEpoch - 1].bestCheckpoint)
    let contents = try SafeTensors.read(from: best)
    XCTAssertEqual(contents.metadata["epoch"], "\(bestEpoch)")
    for later in run.epochs where later.epoch > bestEpoch { XCTAssertNil(later.bestCheckpoint) }
  }

  func testResumingIntoAnotherModelListsTheDifferingSettings() throws {
    let folder = try TemporaryFolder()
    let file = folder.url.appendingPathComponent("resume.safetensors")
    let original = model()
    var position = TrainingPosition(seed: 1)
    position.epoch = 1
    let state = Adam(parameters: original.parameters, learningRate: 1e-3).state
    try original.saveTrainingCheckpoint(
      to: file, resume: TrainingResume(position: position, optimizer: state))
    let other = MultiScaleRealNVP(
      Architecture(
        channels: 1, height: 4, width: 4, scales: 1, residualBlocks: 1, hidden: 4, batchNorm: true,
        batchNormMomentum: 0.01),
      seed: 6)
    XCTAssertThrowsError(try other.loadTrainingCheckpoint(from: file)) { error in
      let text = "\(error)"
      XCTAssertTrue(text.contains("batchNormMomentum: 0.005 vs 0.01"), text)
      XCTAssertTrue(text.contains("modelSeed: 5 vs 6"), text)
      XCTAssertFalse(text.contains("hidden:"), "only differing settings are listed: \(text)")
    }
  }
}
