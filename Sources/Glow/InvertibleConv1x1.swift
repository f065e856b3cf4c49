import Foundation
import RealNVP
import TensorCore

/// Glow's invertible 1x1 convolution in its LU-decomposed form: the channel-mixing matrix is
/// W = P L (U + diag(sign * exp(logScale))), with P a fixed permutation, L unit lower
/// triangular, U strictly upper triangular and the signs fixed, so that
/// log|det J| = H * W * sum(logScale) costs nothing (Kingma and Dhariwal 2018).
///
/// W starts as a random rotation, decomposed. The inverse builds W's inverse in Double.
public final class InvertibleConv1x1: Module, Flow {
  /// The permutation P: [C, C].
  public let permutation: Buffer
  /// The signs of U's diagonal: [C].
  public let sign: Buffer
  /// L below its diagonal (the rest is not used): [C, C].
  public let lower: Parameter
  /// U above its diagonal (the rest is not used): [C, C].
  public let upper: Parameter
  /// log|diag U|: [C].
  public let logScale: Parameter
  private let lowerMask: Tensor
  private let upperMask: Tensor
  private let identity: Tensor

  /// A layer for `channels` channels, starting from a random rotation drawn from `rng`.
  public init(channels c: Int, using rng: inout RandomGenerator) {
    precondition(c > 0, "An invertible 1x1 convolution needs at least one channel, got \(c)")
    let rotation = Matrix.orthonormalized(Matrix(Tensor.normal([c, c], using: &rng)))
    let (p, l, u) = rotation.luDecomposition()
    permutation = Buffer(p.tensor)
    lower = Parameter(l.tensor)
    upper = Parameter(u.tensor)
    let diagonal = (0..<c).map { u[$0, $0] }
    sign = Buffer(Tensor(shape: [c], scalars: diagonal.map { $0 < 0 ? -1 : 1 }))
    logScale = Parameter(Tensor(shape: [c], scalars: diagonal.map { Float(Foundation.log(abs($0))) }))
    let cells = (0..<(c * c)).map { (row: $0 / c, column: $0 % c) }
    lowerMask = Tensor(shape: [c, c], scalars: cells.map { $0.row > $0.column ? 1 : 0 })
    upperMask = Tensor(shape: [c, c], scalars: cells.map { $0.row < $0.column ? 1 : 0 })
    identity = Tensor(shape: [c, c], scalars: cells.map { $0.row == $0.column ? 1 : 0 })
  }

  /// W = P L (U + diag(sign * exp(logScale))), differentiable in L, U and logScale.
  public var weight: Tensor {
    let c = identity.shape[0]
    let l = lower.value * lowerMask + identity
    let u = upper.value * upperMask + identity * (sign.value * exp(logScale.value)).reshaped([1, c])
    return matmul(permutation.value, matmul(l, u))
  }

  /// Mixes the channels with W at every pixel.
  public func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
    check(x)
    let c = identity.shape[0]
    let logDet = logScale.value.sum() * Float(x.shape[2] * x.shape[3])
    return (conv2d(x, weight.reshaped([c, c, 1, 1])), constantLogAbsDet(logDet, count: x.shape[0]))
  }

  /// Mixes the channels with W's inverse (computed in Double, without gradients).
  public func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    check(z)
    let c = identity.shape[0]
    let inverse = withoutGradients { Matrix(weight).inverse().tensor }
    let logDet = -logScale.value.sum() * Float(z.shape[2] * z.shape[3])
    return (conv2d(z, inverse.reshaped([c, c, 1, 1])), constantLogAbsDet(logDet, count: z.shape[0]))
  }

  private func check(_ x: Tensor) {
    precondition(
      x.rank == 4 && x.shape[1] == identity.shape[0],
      "InvertibleConv1x1 expects [N, \(identity.shape[0]), H, W], got \(x.shape)")
  }
}
