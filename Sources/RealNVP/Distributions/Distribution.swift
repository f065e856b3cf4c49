import Foundation
import TensorCore

/// A base distribution of a flow model: the density of the latent, and a way to draw from it.
public protocol Distribution {
  /// log p(z) per sample ([N]) for z shaped [N] + the sample shape.
  func logProbability(_ z: Tensor) -> Tensor

  /// Draws `count` samples; `temperature` scales the standard deviation (1 draws from p itself).
  func sample(count: Int, temperature: Float, using rng: inout RandomGenerator) -> Tensor
}

/// The standard normal N(0, I) over samples of a fixed shape.
public struct StandardNormal: Distribution {
  /// The shape of one sample, without the batch axis.
  public let shape: [Int]

  /// A standard normal over samples shaped `shape`.
  public init(shape: [Int]) {
    precondition(
      !shape.isEmpty && shape.allSatisfy { $0 > 0 }, "StandardNormal needs a positive shape, got \(shape)")
    self.shape = shape
  }

  /// Dimensions of one sample.
  public var dimensions: Int { shape.reduce(1, *) }

  /// log N(z; 0, I) = -1/2 |z|^2 - D/2 log 2 pi per sample.
  public func logProbability(_ z: Tensor) -> Tensor {
    precondition(
      Array(z.shape.dropFirst()) == shape, "StandardNormal over \(shape) got samples shaped \(z.shape)")
    return standardNormalLogDensity(z)
  }

  /// Samples from N(0, temperature^2 I).
  public func sample(count: Int, temperature: Float = 1, using rng: inout RandomGenerator) -> Tensor {
    Tensor.normal([count] + shape, std: temperature, using: &rng)
  }
}
