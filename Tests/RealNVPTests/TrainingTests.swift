import Foundation
import TensorCore
import TensorTestSupport
import XCTest

@testable import RealNVP

final class TrainingTests: XCTestCase {
  private var journalDirectory: URL!

  override func setUp() {
    journalDirectory = FileManager.default.temporaryDirectory
      .appendingPathComponent("realnvp-training-\(UUID().uuidString)")
  }

  override func tearDown() {
    try? FileManager.default.removeItem(at: journalDirectory)
    Interruption.clear()
  }

  /// A short run on noisy moons must beat the standard normal's fit (about 2.3 nats at start)
  /// by a wide margin: below 1.6 nats per point on held-out points.
  func testShortToyRunLowersTheNegativeLogLikelihood() throws {
    let data = Datasets.moons(count: 1000, noise: 0.05, seed: 0)
    let test = Datasets.moons(count: 500, noise: 0.05, seed: 1)
    let model = RealNVP2D(couplings: 6, hidden: 32, seed: 0)
    let before = evaluateBitsPerDimension(model, on: test) * 2 * Float(M_LN2)
    let history = try train(
      model, on: data, validation: test,
      options: TrainingOptions(epochs: 30, batchSize: 100, learningRate: 3e-3),
      journal: Journal(directory: journalDirectory))
    let after = evaluateBitsPerDimension(model, on: test) * 2 * Float(M_LN2)
    XCTAssertGreaterThan(before, 2.0, "a fresh model is a standard normal")
    XCTAssertLessThan(after, 1.6, "30 epochs should fit the moons; NLL went from \(before) to \(after)")
    XCTAssertEqual(history.epochs.count, 30)
    XCTAssertEqual(history.stepLosses.count, 300)
    XCTAssertEqual(history.stopReason, .completed)
  }

  func testInterruptReturnsWhatWasDoneAndMarksTheRun() throws {
    let journal = Journal(directory: journalDirectory)
    let model = RealNVP2D(couplings: 2, hidden: 8)
    let reporter = InterruptAfter(steps: 3)
    let history = try train(
      model, on: Datasets.moons(count: 200), options: TrainingOptions(epochs: 5, batchSize: 20),
      reporter: reporter, journal: journal)
    XCTAssertEqual(history.stopReason, .interrupted)
    XCTAssertEqual(history.stepLosses.count, 3)
    XCTAssertEqual(journal.runs.last?.status, .interrupted)
  }

  func testNonFiniteLossStopsWithTheStepAndKeepsParameters() throws {
    let model = RealNVP2D(couplings: 2, hidden: 8)
    let before = model.parameters.map(\.value.scalars)
    let points = Tensor(shape: [4, 2], scalars: [0, 0, 1, 1, .nan, 0, 2, 2])
    XCTAssertThrowsError(
      try train(
        model, on: Dataset(points), options: TrainingOptions(epochs: 1, batchSize: 4), journal: nil)
    ) { error in
      guard case TrainingError.nonFinite(let step, _, _) = error else { return XCTFail("got \(error)") }
      XCTAssertEqual(step, 1)
    }
    XCTAssertEqual(model.parameters.map(\.value.scalars), before)
  }

  func testCheckpointRoundTripReproducesOutputsExactly() throws {
    let architecture = Architecture(channels: 1, height: 4, width: 4, scales: 1, residualBlocks: 1, hidden: 4)
    let model = MultiScaleRealNVP(architecture, seed: 1)
    perturb(model.parameters)
    for b in model.buffers { b.value = b.value + 0.25 }
    let url = journalDirectory.appendingPathComponent("model.safetensors")
    try model.saveCheckpoint(to: url)
    let restored = MultiScaleRealNVP(architecture, seed: 99)
    try restored.loadCheckpoint(from: url)
    var rng = RandomGenerator(seed: 4)
    let x = Tensor.uniform([2, 1, 4, 4], low: 0, high: 255, using: &rng)
    XCTAssertEqual(model.encode(x).scalars, restored.encode(x).scalars)
  }
}

/// Requests an interrupt after a number of steps, as the notebook executor would.
private final class InterruptAfter: TrainingProgressReporter {
  let steps: Int
  init(steps: Int) { self.steps = steps }
  func report(_ progress: TrainingProgress) { if progress.step >= steps { Interruption.request() } }
  func finish(_ history: TrainingHistory) {}
}
