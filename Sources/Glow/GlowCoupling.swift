import RealNVP
import TensorCore

/// Glow's affine coupling with either mask: the kept variables b*x go through a network that
/// gives a raw scale h and a shift t, and the others become (x + t) * sigmoid(h + 2); the kept
/// ones pass unchanged. log|det J| sums log sigmoid(h + 2) over the transformed positions.
/// (Glow's own code bounds the scale with this sigmoid rather than Real NVP's tanh; its
/// zero-initialized last layer makes a fresh coupling scale by sigmoid(2), close to 1.)
public final class GlowCoupling: Module, Flow {
  /// Which variables are kept (b = 1) and which are transformed.
  public let mask: CouplingMask
  /// The network giving the raw scale and the shift from the kept variables.
  @Key("net") public private(set) var network: CouplingNetwork

  /// A coupling with `mask` and `network`.
  public init(mask: CouplingMask, network: CouplingNetwork) {
    self.mask = mask
    super.init()
    self.network = network
  }

  /// log sigmoid(h + 2) and t on the transformed positions, 0 on the kept ones.
  private func logScaleAndShift(_ x: Tensor) -> (logScale: Tensor, shift: Tensor) {
    let kept = withoutGradients { mask.tensor(for: x.shape) }
    let free = withoutGradients { 1 - kept }
    let (rawScale, shift) = network(x * kept)
    return (logSigmoid(rawScale + 2) * free, shift * free)
  }

  /// y = b*x + (1-b) * (x + t) * sigmoid(h + 2).
  public func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
    let (logScale, shift) = logScaleAndShift(x)
    return ((x + shift) * exp(logScale), sumPerSample(logScale))
  }

  /// x = y / sigmoid(h + 2) - t on the transformed positions; h and t read only the kept ones.
  public func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    let (logScale, shift) = logScaleAndShift(z)
    return (z * exp(-logScale) - shift, -sumPerSample(logScale))
  }
}
