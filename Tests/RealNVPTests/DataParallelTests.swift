import Foundation
import TensorCore
import XCTest

@testable import RealNVP

/// Data-parallel training without MPI: a group of one process, and ranks on threads of one
/// process that sum through shared memory.
final class DataParallelTests: XCTestCase {
  private let options = TrainingOptions(epochs: 3, batchSize: 32, learningRate: 2e-3, maxGradientNorm: 100)
  private let data = Datasets.moons(count: 320, noise: 0.05, seed: 0)

  private func makeModel() -> RealNVP2D { RealNVP2D(couplings: 4, hidden: 16, batchNorm: true, seed: 0) }

  /// Everything training leaves: parameters, running statistics and every step's loss.
  private func outcome(_ model: RealNVP2D, _ history: TrainingHistory) -> [[Float]] {
    model.namedTensors.map(\.value.scalars) + [history.stepLosses]
  }

  func testAGroupOfOneTrainsExactlyAsNoGroup() throws {
    let plain = makeModel()
    let plainHistory = try train(plain, on: data, options: options, journal: nil)
    let grouped = makeModel()
    let groupedHistory = try train(
      grouped, on: data, options: options, journal: nil, group: SingleProcessGroup())
    XCTAssertEqual(outcome(grouped, groupedHistory), outcome(plain, plainHistory))
  }

  /// Two ranks with 16 samples each end where one process with 32 does, to float rounding
  /// (the sums run in another order); a batch of 16 in one process ends far away.
  func testTwoRanksMatchOneProcessWithTheWholeBatch() throws {
    let whole = makeModel()
    let wholeHistory = try train(whole, on: data, options: options, journal: nil)
    let results = onTwoThreadRanks { group in
      let model = self.makeModel()
      let history = try train(model, on: self.data, options: self.options, journal: nil, group: group)
      return self.outcome(model, history)
    }
    var half = options
    half.batchSize = 16
    let halfModel = makeModel()
    let halfHistory = try train(halfModel, on: data, options: half, journal: nil)

    let expected = outcome(whole, wholeHistory)
    let (first, second) = (try results[0].get(), try results[1].get())
    XCTAssertEqual(worstDifference(first, second), 0, "every rank holds the same state")
    XCTAssertLessThan(worstDifference(first, expected), 1e-4)
    XCTAssertGreaterThan(
      worstDifference(Array(outcome(halfModel, halfHistory).dropLast()), Array(expected.dropLast())), 1e-2)
  }

  /// Two ranks evaluate alternate batches, and both return exactly the one-process number.
  func testTwoRanksShareTheValidationAndAgreeWithOneProcess() throws {
    let model = MultiScaleRealNVP(
      Architecture(channels: 1, height: 4, width: 4, scales: 1, residualBlocks: 1, hidden: 4), seed: 0)
    XCTAssertTrue(model.isQuantized, "the noise must be drawn for every batch on every rank")
    var rng = RandomGenerator(seed: 5)
    let pixels = Tensor.uniform([40, 1, 4, 4], low: 0, high: 256, using: &rng).scalars.map {
      $0.rounded(.down)
    }
    let validation = Dataset(Tensor(shape: [40, 1, 4, 4], scalars: pixels))
    let expected = evaluateBitsPerDimension(model, on: validation, batchSize: 8, seed: 3)
    let results = onTwoThreadRanks { group in
      let shares = batchNegativeLogLikelihoods(
        model, on: validation, batchSize: 8, total: 40, seed: 3, group: group)
      let bits = evaluateBitsPerDimension(model, on: validation, batchSize: 8, seed: 3, group: group)
      return (shares, bits)
    }
    for rank in 0..<2 {
      let (shares, bits) = try results[rank].get()
      XCTAssertEqual(bits, expected, "rank \(rank)")
      XCTAssertEqual(shares.count, 5)
      for (index, share) in shares.enumerated() {
        if index % 2 == rank { XCTAssertGreaterThan(share, 0) } else { XCTAssertEqual(share, 0) }
      }
    }
  }

  /// With small buckets, allreduces start while the backward pass runs, no bucket is larger
  /// than asked, every float is sent once, and the averages are the gradients themselves when
  /// both (simulated) ranks hold the same ones.
  func testGradientBucketsStartDuringTheBackwardPass() {
    let model = makeModel()
    let parameters = model.parameters
    let group = RecordingGroup()
    let exchange = GradientExchange(
      group: group, elementCounts: parameters.map(\.value.scalarCount), bucketElements: 100)
    var rng = RandomGenerator(seed: 1)
    let batch = data.batch(Array(0..<32))
    let (_, gradients) = valueAndGradient(at: parameters, onGradient: exchange.add) {
      model.negativeLogLikelihood(batch, training: true, using: &rng).mean()
    }
    let startedDuringBackward = group.bucketSizes.count
    let averaged = exchange.finish()
    let total = parameters.reduce(0) { $0 + $1.value.scalarCount }
    XCTAssertGreaterThan(startedDuringBackward, total / 100 / 2)
    XCTAssertLessThanOrEqual(group.bucketSizes.max() ?? 0, 100)
    XCTAssertEqual(group.bucketSizes.reduce(0, +), total)
    XCTAssertEqual(averaged.map(\.shape), gradients.map(\.shape))
    for (a, b) in zip(averaged, gradients) { XCTAssertEqual(a.scalars, b.scalars) }
  }

  /// Ranks that would start from different resume points refuse to train, each naming itself.
  func testRanksStartingFromDifferentPointsRefuse() throws {
    var point: TrainingResume?
    try train(makeModel(), on: data, options: options, journal: nil, checkpointEvery: 2) {
      point = point ?? $0
    }
    let results = onTwoThreadRanks { group in
      try train(
        self.makeModel(), on: self.data, options: self.options, journal: nil,
        resume: group.rank == 1 ? point : nil, group: group)
    }
    for (rank, result) in results.enumerated() {
      XCTAssertThrowsError(try result.get()) { error in
        guard case TrainingError.ranksDisagree(let named, let step, _, _) = error else {
          return XCTFail("rank \(rank): got \(error)")
        }
        XCTAssertEqual(named, rank)
        XCTAssertEqual(step, rank == 1 ? 2 : 0)
      }
    }
  }

  /// Sending the buckets after the backward pass instead of during it changes nothing but the
  /// order the floats travel in: both ranks end bit for bit where overlapping ranks end.
  func testBucketsAfterTheBackwardPassGiveTheSameResult() throws {
    let outcomes = [true, false].map { overlap in
      onTwoThreadRanks(overlapping: overlap) { group in
        let model = self.makeModel()
        let history = try train(model, on: self.data, options: self.options, journal: nil, group: group)
        return self.outcome(model, history)
      }
    }
    XCTAssertEqual(try outcomes[1][0].get(), try outcomes[0][0].get())
    XCTAssertEqual(try outcomes[1][1].get(), try outcomes[0][1].get())
  }

  /// Runs `body` on two threads, each a rank of one group, and returns what each returned.
  private func onTwoThreadRanks<T>(
    overlapping: Bool = true, _ body: @escaping (any ReplicaGroup) throws -> T
  ) -> [Result<T, Error>] {
    let exchange = SharedMemoryExchange(size: 2)
    let results = RankResults<T>()
    let done = DispatchGroup()
    for rank in 0..<2 {
      done.enter()
      let thread = Thread {
        results.set(
          rank, Result { try body(ThreadRank(rank: rank, exchange: exchange, overlaps: overlapping)) })
        done.leave()
      }
      thread.stackSize = 16 << 20
      thread.start()
    }
    done.wait()
    return [results.get(0)!, results.get(1)!]
  }

  private func worstDifference(_ a: [[Float]], _ b: [[Float]]) -> Float {
    XCTAssertEqual(a.map(\.count), b.map(\.count))
    return zip(a, b).flatMap { zip($0, $1).map { abs($0 - $1) / (1 + abs($1)) } }.max() ?? 0
  }
}

/// What each rank's thread returned.
final class RankResults<T>: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [Int: Result<T, Error>] = [:]

  func set(_ rank: Int, _ value: Result<T, Error>) { lock.withLock { values[rank] = value } }
  func get(_ rank: Int) -> Result<T, Error>? { lock.withLock { values[rank] } }
}

/// Sums buffers across threads: each caller adds its values and waits until all have.
final class SharedMemoryExchange: @unchecked Sendable {
  private let condition = NSCondition()
  let size: Int
  private var sum: [Float] = []
  private var result: [Float] = []
  private var arrived = 0
  private var generation = 0

  init(size: Int) { self.size = size }

  func allreduceSum(_ values: [Float]) -> [Float] {
    condition.lock()
    defer { condition.unlock() }
    if arrived == 0 { sum = values } else { for i in sum.indices { sum[i] += values[i] } }
    arrived += 1
    let round = generation
    if arrived == size {
      (result, arrived, generation) = (sum, 0, generation + 1)
      condition.broadcast()
    } else {
      while generation == round { condition.wait() }
    }
    return result
  }
}

/// One rank of a group whose ranks are threads of this process.
final class ThreadRank: ReplicaGroup, @unchecked Sendable {
  let rank: Int
  let exchange: SharedMemoryExchange
  var worldSize: Int { exchange.size }

  let overlapsGradientExchange: Bool

  init(rank: Int, exchange: SharedMemoryExchange, overlaps: Bool = true) {
    (self.rank, self.exchange, overlapsGradientExchange) = (rank, exchange, overlaps)
  }

  func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, purpose: CollectivePurpose) {
    let summed = exchange.allreduceSum(Array(buffer))
    for i in buffer.indices { buffer[i] = summed[i] }
  }
}

/// A group of two identical ranks in one process: every sum doubles; records bucket sizes.
final class RecordingGroup: ReplicaGroup, @unchecked Sendable {
  let rank = 0
  let worldSize = 2
  private(set) var bucketSizes: [Int] = []

  func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, purpose: CollectivePurpose) {
    if purpose == .gradients { bucketSizes.append(buffer.count) }
    for i in buffer.indices { buffer[i] *= 2 }
  }
}
