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

  /// Maps flow inputs back to pixel values in [0, 256); returns them and log|dx/dy| per sample.
  public func inverse(_ y: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    let perSampleDims = Float(y.scalarCount / y.shape[0])
    switch self {
    case .scale:
      let logDet: Float = Foundation.log(256) * perSampleDims
      return (y * 256, constantLogAbsDet(Tensor(logDet), count: y.shape[0]))
    case .logit(let alpha):
      // dx/dy = 256 / (1 - 2 alpha) * sigmoid(y) * sigmoid(-y).
      let constant = Foundation.log(256 / (1 - 2 * alpha)) * perSampleDims
      let logDet = sumPerSample(logSigmoid(y) + logSigmoid(-y)) + constant
      return ((sigmoid(y) - alpha) / (1 - 2 * alpha) * 256, logDet)
    }
  }
}

/// A `Preprocessing` as a flow layer: the first step of an image model's flow.
public final class PreprocessingFlow: Module, Flow {
  /// The transform.
  public let preprocessing: Preprocessing

  /// Wraps `preprocessing`.
  public init(_ preprocessing: Preprocessing) {
    self.preprocessing = preprocessing
  }

  /// Dequantized pixels to flow inputs.
  public func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) { preprocessing(x) }

  /// Flow inputs to pixel values.
  public func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) { preprocessing.inverse(z) }
}

/// Uniform dequantization: integer pixels plus U[0, 1) noise, a continuous density whose
/// likelihood lower-bounds the discrete one.
public func dequantize(_ pixels: Tensor, using rng: inout RandomGenerator) -> Tensor {
  pixels + Tensor.uniform(pixels.shape, using: &rng)
}
