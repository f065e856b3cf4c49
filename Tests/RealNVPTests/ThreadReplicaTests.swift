import Foundation
import TensorCore
import XCTest

@testable import RealNVP

/// `ThreadReplicaGroup` and `runOnReplicaThreads`: data-parallel ranks on threads of one process.
final class ThreadReplicaTests: XCTestCase {
  /// Buffer lengths of successive sums: empty, shorter than the group, uneven slices, large.
  private let lengths = [0, 1, 2, 3, 7, 64, 1000, 5, 4097, 1]

  /// Rank `rank`'s values for call `call`: of mixed signs and magnitudes, so that the order of
  /// the additions shows in the bits.
  private func values(rank: Int, call: Int, count: Int) -> [Float] {
    var rng = RandomGenerator(seed: UInt64(1000 * call + rank))
    return (0..<count).map { _ in (rng.nextFloat() - 0.5) * Float(1 << (3 * rank)) }
  }

  /// Every rank's results of `rounds` rounds of sums, one group of `ranks` threads.
  private func sums(ranks: Int, rounds: Int) -> [[[Float]]] {
    let results = RankResults<[[Float]]>()
    runOnReplicaThreads(ranks) { group in
      var outputs: [[Float]] = []
      for round in 0..<rounds {
        for (index, count) in lengths.enumerated() {
          var buffer = values(rank: group.rank, call: round * lengths.count + index, count: count)
          buffer.withUnsafeMutableBufferPointer { group.allreduceSum($0, purpose: .gradients) }
          outputs.append(buffer)
        }
      }
      results.set(group.rank, .success(outputs))
    }
    return (0..<ranks).map { try! results.get($0)!.get() }
  }

  func testSumsAreAddedInRankOrderOnEveryRankAndEveryRun() {
    for ranks in [2, 3] {
      let rounds = 20
      let first = sums(ranks: ranks, rounds: rounds)
      var expected: [[Float]] = []
      for call in 0..<(rounds * lengths.count) {
        let count = lengths[call % lengths.count]
        var sum = values(rank: 0, call: call, count: count)
        for rank in 1..<ranks {
          for (i, value) in values(rank: rank, call: call, count: count).enumerated() { sum[i] += value }
        }
        expected.append(sum)
      }
      for rank in 0..<ranks { XCTAssertEqual(first[rank], expected, "\(ranks) ranks: rank \(rank)") }
      XCTAssertEqual(sums(ranks: ranks, rounds: rounds), first, "\(ranks) ranks: a second run")
    }
  }

  func testAGroupOfOneLeavesBuffersAsTheyAre() {
    let group = ThreadReplicaGroup.makeRanks(1)[0]
    var buffer: [Float] = [1, 2, 3]
    buffer.withUnsafeMutableBufferPointer { group.allreduceSum($0, purpose: .loss) }
    XCTAssertEqual(buffer, [1, 2, 3])
    XCTAssertEqual(group.worldSize, 1)
    XCTAssertFalse(group.overlapsGradientExchange)
  }

  func testRanksRunOnOneThreadEachAndRankZerosResultComesBack() {
    let saved = ComputeThreads.count
    defer { ComputeThreads.count = saved }
    ComputeThreads.count = 3
    let counts = RankResults<Int>()
    let rank = runOnReplicaThreads(3) { group -> Int in
      counts.set(group.rank, .success(ComputeThreads.count))
      group.barrier()
      return group.rank
    }
    XCTAssertEqual(rank, 0)
    XCTAssertEqual((0..<3).map { try? counts.get($0)?.get() }, [1, 1, 1])
    XCTAssertEqual(ComputeThreads.count, 3)
  }

  func testTheLowestRankThatThrewIsRethrown() {
    struct Failure: Error, Equatable { let rank: Int }
    XCTAssertThrowsError(
      try runOnReplicaThreads(3) { group -> Int in
        group.barrier()
        if group.rank > 0 { throw Failure(rank: group.rank) }
        return 0
      }
    ) { error in
      XCTAssertEqual(error as? Failure, Failure(rank: 1))
    }
  }

  // MARK: - Training

  /// Everything training leaves: parameters, running statistics and every step's loss; but not
  /// the biases of the ResNets' input and block convolutions, which reach the output only through
  /// instance norms: their gradient is zero but for rounding, which Adam turns into moves of up
  /// to the learning rate per step in either direction.
  private func outcome(_ model: DensityModel, _ history: TrainingHistory) -> [[Float]] {
    let compared = model.namedTensors.filter {
      $0.name.range(of: #"\.(in|conv\d)\.bias$"#, options: .regularExpression) == nil
    }
    return compared.map(\.value.scalars) + [history.stepLosses, history.epochs.map(\.trainLoss)]
  }

  /// The largest difference relative to the magnitude of the expected value (at least 1).
  private func worstDifference(_ a: [[Float]], _ b: [[Float]]) -> Float {
    XCTAssertEqual(a.map(\.count), b.map(\.count))
    return zip(a, b).flatMap { zip($0, $1).map { abs($0 - $1) / max(1, abs($1)) } }.max() ?? 0
  }

  /// Two replicas, each with its own model built the same way, end where one process training
  /// the whole batch without a group ends, to float rounding; both replicas hold the same bits.
  private func assertReplicasMatchOneProcess(
    _ makeModel: @escaping () -> DensityModel, data: TrainingData, options: TrainingOptions,
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let whole = makeModel()
    let expected = outcome(whole, try train(whole, on: data, options: options, journal: nil))
    let results = RankResults<[[Float]]>()
    try runOnReplicaThreads(2) { group in
      let model = makeModel()
      let history = try train(model, on: data, options: options, journal: nil, group: group)
      results.set(group.rank, .success(outcome(model, history)))
    }
    let (first, second) = (try results.get(0)!.get(), try results.get(1)!.get())
    XCTAssertEqual(first, second, "every replica holds the same state", file: file, line: line)
    XCTAssertLessThan(worstDifference(first, expected), 1e-4, file: file, line: line)
  }

  func testTwoReplicasTrainAToyModelAsOneProcessDoes() throws {
    try assertReplicasMatchOneProcess(
      { RealNVP2D(couplings: 4, hidden: 16, batchNorm: true, seed: 0) },
      data: Datasets.moons(count: 320, noise: 0.05, seed: 0),
      options: TrainingOptions(epochs: 2, batchSize: 32, learningRate: 2e-3, maxGradientNorm: 100))
  }

  func testTwoReplicasTrainAMultiScaleModelAsOneProcessDoes() throws {
    var rng = RandomGenerator(seed: 7)
    let pixels = Tensor.uniform([64, 1, 4, 4], low: 0, high: 256, using: &rng).scalars.map {
      $0.rounded(.down)
    }
    try assertReplicasMatchOneProcess(
      {
        MultiScaleRealNVP(
          Architecture(channels: 1, height: 4, width: 4, scales: 1, residualBlocks: 1, hidden: 4), seed: 0)
      },
      data: Dataset(Tensor(shape: [64, 1, 4, 4], scalars: pixels)),
      options: TrainingOptions(
        epochs: 2, batchSize: 16, learningRate: 1e-3, maxGradientNorm: 100, maxStepsPerEpoch: 3))
  }
}
