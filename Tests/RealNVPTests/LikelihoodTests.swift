import Foundation
import TensorCore
import XCTest

@testable import RealNVP

final class LikelihoodTests: XCTestCase {
  /// A fresh 2D model is the identity (zero-initialized s and t), so its NLL is the standard
  /// normal's: 1/2 |x|^2 + log(2 pi) nats, and bits/dim divides by 2 ln 2.
  func testFreshToyModelHasTheStandardNormalsLikelihood() {
    let model = RealNVP2D(couplings: 4, hidden: 8)
    let points = Tensor(shape: [2, 2], scalars: [0, 0, 1, -2])
    var rng = RandomGenerator(seed: 0)
    let nll = model.negativeLogLikelihood(points, training: false, using: &rng).scalars
    let log2pi = Float(log(2 * Double.pi))
    XCTAssertEqual(nll[0], log2pi, accuracy: 1e-5)
    XCTAssertEqual(nll[1], 0.5 * 5 + log2pi, accuracy: 1e-5)
    let bits = model.bitsPerDimension(points, using: &rng)
    XCTAssertEqual(bits, (nll[0] + nll[1]) / 2 / (2 * Float(M_LN2)), accuracy: 1e-5)
  }

  /// With plain scaling and an identity flow, bits/dim of pixels in 256-level space is
  /// (NLL of x/256 under N(0, 1) + D log 256) / (D ln 2): never negative for pixel data.
  func testBitsPerDimIsInPixelSpace() {
    let architecture = Architecture(
      channels: 1, height: 4, width: 4, scales: 1, residualBlocks: 1, hidden: 4, batchNorm: false,
      preprocessing: .scale)
    let model = MultiScaleRealNVP(architecture, seed: 0)
    let pixels = Tensor.zeros([1, 1, 4, 4])
    var rng = RandomGenerator(seed: 9)
    let noise = Tensor.uniform([1, 1, 4, 4], using: &rng)
    var replay = RandomGenerator(seed: 9)
    let nll = model.negativeLogLikelihood(pixels, training: false, using: &replay).item()
    let x = noise.scalars.map { Double($0) / 256 }
    let expected = x.reduce(0) { $0 + 0.5 * $1 * $1 + 0.5 * log(2 * Double.pi) } + 16 * log(256.0)
    XCTAssertEqual(Double(nll), expected, accuracy: 1e-3)
    XCTAssertGreaterThan(bitsPerDimension(negativeLogLikelihood: nll, dimensions: 16), 0)
  }
}
