import Foundation
import TensorCore

// MARK: - Point sets

/// A set of 2D points stored flat and row-major ([count, 2]), with a label per point.
struct PointSet: Sendable, Equatable {
  /// Number of points.
  let count: Int
  /// Coordinates x0, y0, x1, y1, ... (`count * 2` values).
  let points: [Float]
  /// The component each point came from (moon, circle or blob index; 0 for uniform points).
  let labels: [Int]

  /// A point set over flat `points` ([count, 2]) and one label per point.
  init(points: [Float], labels: [Int]) {
    precondition(points.count % 2 == 0, "PointSet needs an even number of coordinates, got \(points.count)")
    precondition(
      labels.count == points.count / 2,
      "PointSet expects \(points.count / 2) labels, got \(labels.count)")
    self.count = points.count / 2
    self.points = points
    self.labels = labels
  }

  /// The shape of `points` as a tensor: [count, 2].
  var shape: [Int] { [count, 2] }

  /// Point `index` as (x, y).
  subscript(index: Int) -> (x: Float, y: Float) {
    precondition(index >= 0 && index < count, "point index \(index) out of range 0..<\(count)")
    return (points[2 * index], points[2 * index + 1])
  }
}

// MARK: - Generators

/// Seeded 2D toy datasets with the semantics and parameters of scikit-learn's generators.
///
/// Like scikit-learn, points are shuffled and Gaussian noise of standard deviation `noise` is added
/// to every coordinate; the random streams differ from NumPy's, so only the distributions match.
enum Toy2D {
  /// Two interleaving half circles (`make_moons`): count/2 on the upper moon (label 0), the rest
  /// on the lower one (label 1).
  static func moons(count: Int, noise: Float = 0, seed: UInt64 = 0) -> PointSet {
    let outer = count / 2
    let inner = count - outer
    var points = [Float]()
    for angle in linspace(0, Double.pi, outer, endpoint: true) {
      points += [Float(cos(angle)), Float(sin(angle))]
    }
    for angle in linspace(0, Double.pi, inner, endpoint: true) {
      points += [Float(1 - cos(angle)), Float(1 - sin(angle) - 0.5)]
    }
    return finish(
      points, labels: Array(repeating: 0, count: outer) + Array(repeating: 1, count: inner),
      noise: noise, seed: seed)
  }

  /// A large circle (label 0) around a smaller one of radius `factor` (label 1) (`make_circles`).
  static func circles(count: Int, factor: Float = 0.8, noise: Float = 0, seed: UInt64 = 0) -> PointSet {
    precondition(factor >= 0 && factor < 1, "circles needs 0 <= factor < 1, got \(factor)")
    let outer = count / 2
    let inner = count - outer
    var points = [Float]()
    for angle in linspace(0, 2 * Double.pi, outer, endpoint: false) {
      points += [Float(cos(angle)), Float(sin(angle))]
    }
    for angle in linspace(0, 2 * Double.pi, inner, endpoint: false) {
      points += [Float(cos(angle)) * factor, Float(sin(angle)) * factor]
    }
    return finish(
      points, labels: Array(repeating: 0, count: outer) + Array(repeating: 1, count: inner),
      noise: noise, seed: seed)
  }

  /// Isotropic Gaussian blobs (`make_blobs`) around `centers` random centers drawn uniformly from
  /// `centerBox` squared; the first `count % centers` blobs get one extra point.
  static func blobs(
    count: Int, centers: Int = 3, std: Float = 1, centerBox: ClosedRange<Float> = -10...10, seed: UInt64 = 0
  ) -> PointSet {
    precondition(centers > 0, "blobs needs at least one center, got \(centers)")
    var random = RandomGenerator(seed: seed, stream: 0xB10B)
    let width = Double(centerBox.upperBound - centerBox.lowerBound)
    let drawn = (0..<centers).map { _ in
      (
        Float(Double(centerBox.lowerBound) + width * random.nextDouble()),
        Float(Double(centerBox.lowerBound) + width * random.nextDouble())
      )
    }
    return blobs(count: count, centers: drawn, std: std, seed: seed)
  }

  /// Isotropic Gaussian blobs of standard deviation `std` around the given centers.
  static func blobs(count: Int, centers: [(x: Float, y: Float)], std: Float = 1, seed: UInt64 = 0)
    -> PointSet
  {
    precondition(!centers.isEmpty, "blobs needs at least one center")
    var points = [Float]()
    var labels = [Int]()
    for (index, center) in centers.enumerated() {
      let size = count / centers.count + (index < count % centers.count ? 1 : 0)
      for _ in 0..<size { points += [center.x, center.y] }
      labels += Array(repeating: index, count: size)
    }
    return finish(points, labels: labels, noise: std, seed: seed)
  }

  /// Points uniform on the square `range` x `range` (scikit-learn's demo uses `np.random.rand`,
  /// i.e. [0, 1)).
  static func uniform(count: Int, range: ClosedRange<Float> = 0...1, seed: UInt64 = 0) -> PointSet {
    var random = RandomGenerator(seed: seed)
    let width = Double(range.upperBound - range.lowerBound)
    let points = (0..<(2 * count)).map { _ in Float(Double(range.lowerBound) + width * random.nextDouble()) }
    return PointSet(points: points, labels: Array(repeating: 0, count: count))
  }

  // MARK: - Helpers

  /// NumPy's `linspace(start, stop, count, endpoint:)`.
  static func linspace(_ start: Double, _ stop: Double, _ count: Int, endpoint: Bool) -> [Double] {
    guard count > 0 else { return [] }
    if count == 1 { return [start] }
    let step = (stop - start) / Double(endpoint ? count - 1 : count)
    return (0..<count).map { start + Double($0) * step }
  }

  /// Shuffles the points (with their labels) and adds Gaussian noise of standard deviation `noise`.
  private static func finish(_ points: [Float], labels: [Int], noise: Float, seed: UInt64) -> PointSet {
    precondition(noise >= 0, "noise must be non-negative, got \(noise)")
    var random = RandomGenerator(seed: seed)
    let order = random.permutation(labels.count)
    var shuffled = [Float]()
    shuffled.reserveCapacity(points.count)
    for index in order {
      shuffled.append(points[2 * index] + noise * Float(random.nextGaussian()))
      shuffled.append(points[2 * index + 1] + noise * Float(random.nextGaussian()))
    }
    return PointSet(points: shuffled, labels: order.map { labels[$0] })
  }
}
