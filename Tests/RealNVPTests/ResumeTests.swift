import Foundation
import TensorCore
import XCTest

@testable import RealNVP

/// N steps, a saved resume point, then M more steps in a fresh model give the same bits as N + M
/// steps without a stop.
final class ResumeTests: XCTestCase {
  private func images() -> TensorData {
    var rng = RandomGenerator(seed: 21)
    let pixels = (0..<(40 * 16)).map { _ in Float(rng.nextInt(below: 256)) }
    return TensorData(Tensor(shape: [40, 1, 4, 4], scalars: pixels))
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
    for (a, b) in zip(resumed.parameters + resumed.buffers, straight.parameters + straight.buffers) {
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
}
