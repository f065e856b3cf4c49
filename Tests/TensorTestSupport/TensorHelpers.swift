import Foundation
import TensorCore
import XCTest

/// Moves every parameter off its initial value so that couplings are not the identity.
public func perturb(_ parameters: [Parameter], scale: Float = 0.2, seed: UInt64 = 7) {
  var rng = RandomGenerator(seed: seed)
  for p in parameters {
    p.value = p.value + Tensor.normal(p.value.shape, std: scale, using: &rng)
  }
}

/// Largest absolute difference between two tensors of the same shape.
public func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
  XCTAssertEqual(a.shape, b.shape)
  return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
}
