import Foundation
import TensorCore

/// The map from dequantized pixels in [0, 256) to the space the flow models, with its
/// log-Jacobian, so that likelihoods are densities over 256-level pixel space.
public enum Preprocessing: Equatable, Codable, Sendable {
  /// y = logit(alpha + (1 - 2 alpha) * x / 256): the paper's transform; alpha keeps the logit
  /// away from 0 and 1 (the post found that x near 256 blows up without it).
  case logit(alpha: Float)
  /// y = x / 256: plain scaling to [0, 1), which still changes the density by 256 per dimension.
  case scale

  /// The paper's choice, alpha = 0.05.
  public static let paperLogit = Preprocessing.logit(alpha: 0.05)

  /// Maps dequantized pixels to flow inputs; returns them and log|dy/dx| per sample.
  public func callAsFunction(_ pixels: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    let perSampleDims = Float(pixels.scalarCount / pixels.shape[0])
    switch self {
    case .scale:
      let logDet = -Foundation.log(256) * perSampleDims
      return (pixels / 256, Tensor.zeros([pixels.shape[0]]) + logDet)
    case .logit(let alpha):
      let p = alpha + (1 - 2 * alpha) * (pixels / 256)
      let y = log(p) - log(1 - p)
      // dy/dx = (1 - 2 alpha) / 256 * (1/p + 1/(1-p)) = (1 - 2 alpha) / (256 p (1 - p)).
      let constant = Foundation.log((1 - 2 * alpha) / 256) * perSampleDims
      let logDet = sumPerSample(-log(p) - log(1 - p)) + constant
      return (y, logDet)
    }
  }

  /// Maps flow outputs back to pixel values in [0, 256).
  public func inverse(_ y: Tensor) -> Tensor {
    switch self {
    case .scale:
      return y * 256
    case .logit(let alpha):
      return (sigmoid(y) - alpha) / (1 - 2 * alpha) * 256
    }
  }
}

/// Uniform dequantization: integer pixels plus U[0, 1) noise, a continuous density whose
/// likelihood lower-bounds the discrete one.
public func dequantize(_ pixels: Tensor, using rng: inout RandomGenerator) -> Tensor {
  pixels + Tensor.uniform(pixels.shape, using: &rng)
}
