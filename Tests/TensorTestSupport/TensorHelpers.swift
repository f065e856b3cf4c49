import Foundation
import TensorCore
import XCTest

/// The full Jacobian d f(x) / d x of a per-sample map, for a batch of ONE sample, computed row by
/// row with reverse-mode autodiff (independent of the flows' own log-determinant formulas).
public func jacobian(of f: (Tensor) -> Tensor, at x: Tensor) -> [[Double]] {
  precondition(x.shape[0] == 1, "jacobian(of:at:) takes a batch of one sample")
  let d = x.scalarCount
  var rows: [[Double]] = []
  for i in 0..<d {
    var selector = [Float](repeating: 0, count: d)
    selector[i] = 1
    let pick = Tensor(shape: [d], scalars: selector)
    let (_, grads) = valueAndGradient(at: [x]) { xs in (f(xs[0]).reshaped([d]) * pick).sum() }
    rows.append(grads[0].scalars.map(Double.init))
  }
  return rows
}

/// log|det A| by LU decomposition with partial pivoting, in Double.
public func logAbsDeterminant(_ matrix: [[Double]]) -> Double {
  var a = matrix
  let n = a.count
  var logDet = 0.0
  for col in 0..<n {
    let pivot = (col..<n).max { abs(a[$0][col]) < abs(a[$1][col]) }!
    a.swapAt(col, pivot)
    let p = a[col][col]
    precondition(p != 0, "Singular Jacobian")
    logDet += log(abs(p))
    for row in (col + 1)..<n {
      let factor = a[row][col] / p
      if factor == 0 { continue }
      for k in col..<n { a[row][k] -= factor * a[col][k] }
    }
  }
  return logDet
}

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
