import Foundation
import TensorCore

/// log N(z; 0, I) per sample for z of shape [N, ...].
public func standardNormalLogDensity(_ z: Tensor) -> Tensor {
  let dims = Float(z.scalarCount / z.shape[0])
  return sumPerSample(-0.5 * z.squared()) - 0.5 * Float(Foundation.log(2 * Double.pi)) * dims
}

/// Converts a negative log-likelihood in nats per sample into bits per dimension.
public func bitsPerDimension(negativeLogLikelihood nats: Float, dimensions: Int) -> Float {
  nats / (Float(dimensions) * Float(M_LN2))
}

/// The post's weight on the L2 penalty of the coupling scales.
public let couplingScaleRegularization: Float = 5e-5
