import Foundation
import TensorCore

/// A small square matrix in Double, for the set-up and the inverse of a 1x1 convolution.
struct Matrix {
  var size: Int
  var values: [Double]

  init(size: Int, values: [Double]) {
    precondition(values.count == size * size, "A \(size)x\(size) matrix needs \(size * size) values")
    (self.size, self.values) = (size, values)
  }

  /// The matrix of a [C, C] tensor.
  init(_ tensor: Tensor) {
    precondition(
      tensor.rank == 2 && tensor.shape[0] == tensor.shape[1], "Expected a square matrix, got \(tensor.shape)")
    self.init(size: tensor.shape[0], values: tensor.scalars.map(Double.init))
  }

  static func identity(_ size: Int) -> Matrix {
    var m = Matrix(size: size, values: Array(repeating: 0, count: size * size))
    for i in 0..<size { m[i, i] = 1 }
    return m
  }

  subscript(row: Int, column: Int) -> Double {
    get { values[row * size + column] }
    set { values[row * size + column] = newValue }
  }

  /// As a [C, C] Float tensor.
  var tensor: Tensor { Tensor(shape: [size, size], scalars: values.map(Float.init)) }

  /// The columns made orthonormal in order (Gram-Schmidt, twice for accuracy).
  static func orthonormalized(_ m: Matrix) -> Matrix {
    var q = m
    let n = m.size
    for j in 0..<n {
      for _ in 0..<2 {
        for k in 0..<j {
          let dot = (0..<n).reduce(0.0) { $0 + q[$1, j] * q[$1, k] }
          for i in 0..<n { q[i, j] -= dot * q[i, k] }
        }
      }
      let norm = (0..<n).reduce(0.0) { $0 + q[$1, j] * q[$1, j] }.squareRoot()
      precondition(norm > 0, "Orthonormalizing needs columns of full rank")
      for i in 0..<n { q[i, j] /= norm }
    }
    return q
  }

  /// P, L, U with self = P L U: P a permutation, L unit lower triangular, U upper triangular
  /// (partial pivoting).
  func luDecomposition() -> (p: Matrix, l: Matrix, u: Matrix) {
    let n = size
    var u = self
    var l = Matrix.identity(n)
    var rows = Array(0..<n)
    for column in 0..<n {
      let pivot = (column..<n).max { abs(u[$0, column]) < abs(u[$1, column]) }!
      if pivot != column {
        for k in 0..<n { (u[column, k], u[pivot, k]) = (u[pivot, k], u[column, k]) }
        for k in 0..<column { (l[column, k], l[pivot, k]) = (l[pivot, k], l[column, k]) }
        rows.swapAt(column, pivot)
      }
      precondition(u[column, column] != 0, "LU decomposition of a singular matrix")
      for row in (column + 1)..<n {
        let factor = u[row, column] / u[column, column]
        l[row, column] = factor
        for k in column..<n { u[row, k] -= factor * u[column, k] }
      }
    }
    // rows[i] is the original row now at i: (P^T self)[i] = self[rows[i]], so P[rows[i], i] = 1.
    var p = Matrix(size: n, values: Array(repeating: 0, count: n * n))
    for (i, original) in rows.enumerated() { p[original, i] = 1 }
    return (p, l, u)
  }

  /// The inverse, by Gauss-Jordan elimination with partial pivoting.
  func inverse() -> Matrix {
    let n = size
    var a = self
    var inverse = Matrix.identity(n)
    for column in 0..<n {
      let pivot = (column..<n).max { abs(a[$0, column]) < abs(a[$1, column]) }!
      precondition(a[pivot, column] != 0, "Inverting a singular matrix")
      for k in 0..<n {
        (a[column, k], a[pivot, k]) = (a[pivot, k], a[column, k])
        (inverse[column, k], inverse[pivot, k]) = (inverse[pivot, k], inverse[column, k])
      }
      let scale = 1 / a[column, column]
      for k in 0..<n {
        a[column, k] *= scale
        inverse[column, k] *= scale
      }
      for row in 0..<n where row != column {
        let factor = a[row, column]
        if factor == 0 { continue }
        for k in 0..<n {
          a[row, k] -= factor * a[column, k]
          inverse[row, k] -= factor * inverse[column, k]
        }
      }
    }
    return inverse
  }
}
