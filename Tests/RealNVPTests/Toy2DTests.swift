import Foundation
import XCTest

@testable import RealNVP

final class Toy2DTests: XCTestCase {
  private func points(_ set: PointSet, label: Int) -> [(x: Double, y: Double)] {
    (0..<set.count).filter { set.labels[$0] == label }.map { (Double(set[$0].x), Double(set[$0].y)) }
  }

  private func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

  // MARK: - Moons

  func testMoonsWithoutNoiseLieOnTwoInterleavedHalfCircles() {
    let moons = Toy2D.moons(count: 1001, noise: 0, seed: 1)
    XCTAssertEqual(moons.shape, [1001, 2])
    let upper = points(moons, label: 0)
    let lower = points(moons, label: 1)
    XCTAssertEqual(upper.count, 500)
    XCTAssertEqual(lower.count, 501)
    for point in upper {
      XCTAssertEqual(point.x * point.x + point.y * point.y, 1, accuracy: 1e-5)
      XCTAssertGreaterThanOrEqual(point.y, -1e-6)
    }
    for point in lower {
      XCTAssertEqual((point.x - 1) * (point.x - 1) + (point.y - 0.5) * (point.y - 0.5), 1, accuracy: 1e-5)
      XCTAssertLessThanOrEqual(point.y, 0.5 + 1e-6)
    }
    // The mean height of a unit half circle is 2/pi; the moons interleave around (0.5, 0.25).
    XCTAssertEqual(mean(upper.map(\.y)), 2 / Double.pi, accuracy: 0.005)
    XCTAssertEqual(mean(lower.map(\.y)), 0.5 - 2 / Double.pi, accuracy: 0.005)
    XCTAssertEqual(mean(upper.map(\.x)), 0, accuracy: 1e-4)
    XCTAssertEqual(mean(lower.map(\.x)), 1, accuracy: 1e-4)
    // Shuffled: the labels are not in generation order.
    XCTAssertNotEqual(moons.labels, moons.labels.sorted())
  }

  func testNoisyMoonsKeepTheirMeanAndRadius() {
    let moons = Toy2D.moons(count: 20_000, noise: 0.1, seed: 2)
    let all = (0..<moons.count).map { moons[$0] }
    XCTAssertEqual(mean(all.map { Double($0.x) }), 0.5, accuracy: 0.01)
    XCTAssertEqual(mean(all.map { Double($0.y) }), 0.25, accuracy: 0.01)
    let radii = points(moons, label: 0).map { ($0.x * $0.x + $0.y * $0.y).squareRoot() }
    XCTAssertEqual(mean(radii), 1, accuracy: 0.02)
    let spread = mean(radii.map { ($0 - 1) * ($0 - 1) }).squareRoot()
    XCTAssertEqual(spread, 0.1, accuracy: 0.01)
  }

  // MARK: - Circles

  func testCirclesRadiiRatioIsTheFactor() {
    let exact = Toy2D.circles(count: 400, factor: 0.3, noise: 0, seed: 0)
    let outer = points(exact, label: 0).map { ($0.x * $0.x + $0.y * $0.y).squareRoot() }
    let inner = points(exact, label: 1).map { ($0.x * $0.x + $0.y * $0.y).squareRoot() }
    XCTAssertEqual(outer.count, 200)
    XCTAssertTrue(outer.allSatisfy { abs($0 - 1) < 1e-5 })
    XCTAssertTrue(inner.allSatisfy { abs($0 - 0.3) < 1e-5 })
    // endpoint=false: no point repeats (0 and 2pi would coincide).
    XCTAssertEqual(Set(points(exact, label: 0).map { "\(Float($0.x)),\(Float($0.y))" }).count, 200)

    let noisy = Toy2D.circles(count: 20_000, factor: 0.5, noise: 0.05, seed: 3)
    let ratio =
      mean(points(noisy, label: 1).map { ($0.x * $0.x + $0.y * $0.y).squareRoot() })
      / mean(points(noisy, label: 0).map { ($0.x * $0.x + $0.y * $0.y).squareRoot() })
    XCTAssertEqual(ratio, 0.5, accuracy: 0.01)
  }

  // MARK: - Blobs and uniform

  func testBlobsSplitCountsAndSpread() {
    let blobs = Toy2D.blobs(count: 30_001, centers: 3, std: 0.5, seed: 4)
    for label in 0..<3 {
      let cluster = points(blobs, label: label)
      XCTAssertEqual(cluster.count, label == 0 ? 10_001 : 10_000)
      let center = (mean(cluster.map(\.x)), mean(cluster.map(\.y)))
      XCTAssertTrue((-10.1...10.1).contains(center.0) && (-10.1...10.1).contains(center.1))
      let std = mean(cluster.map { ($0.x - center.0) * ($0.x - center.0) }).squareRoot()
      XCTAssertEqual(std, 0.5, accuracy: 0.02)
    }
    let placed = Toy2D.blobs(count: 4000, centers: [(x: -3, y: 2), (x: 4, y: 4)], std: 1, seed: 5)
    XCTAssertEqual(mean(points(placed, label: 1).map(\.x)), 4, accuracy: 0.1)
    XCTAssertEqual(mean(points(placed, label: 0).map(\.y)), 2, accuracy: 0.1)
  }

  func testUniformFillsTheSquare() {
    let uniform = Toy2D.uniform(count: 50_000, seed: 6)
    XCTAssertTrue(uniform.points.allSatisfy { $0 >= 0 && $0 <= 1 })
    let values = uniform.points.map(Double.init)
    let average = mean(values)
    XCTAssertEqual(average, 0.5, accuracy: 0.005)
    XCTAssertEqual(mean(values.map { ($0 - average) * ($0 - average) }), 1.0 / 12, accuracy: 0.002)
    XCTAssertTrue(
      Toy2D.uniform(count: 100, range: -2...(-1), seed: 0).points.allSatisfy { $0 >= -2 && $0 <= -1 })
  }

  func testSeedsReproduce() {
    XCTAssertEqual(Toy2D.moons(count: 100, noise: 0.1, seed: 1), Toy2D.moons(count: 100, noise: 0.1, seed: 1))
    XCTAssertNotEqual(
      Toy2D.moons(count: 100, noise: 0.1, seed: 1), Toy2D.moons(count: 100, noise: 0.1, seed: 2))
    guard case .points(let moons) = Datasets.moons(count: 50, noise: 0.1, seed: 3).samples,
      case .points(let circles) = Datasets.circles(count: 50, noise: 0, seed: 3).samples
    else { return XCTFail("toy datasets hold points") }
    XCTAssertEqual(moons, Toy2D.moons(count: 50, noise: 0.1, seed: 3))
    XCTAssertEqual(circles, Toy2D.circles(count: 50, factor: 0.5, seed: 3))
    XCTAssertEqual(Toy2D.linspace(0, 1, 5, endpoint: true), [0, 0.25, 0.5, 0.75, 1])
    XCTAssertEqual(Toy2D.linspace(0, 1, 4, endpoint: false), [0, 0.25, 0.5, 0.75])
  }
}
