import TensorCore

/// The network inside a coupling layer: maps the kept variables b*x to a raw scale and a shift.
public protocol CouplingNetwork: Module {
  /// Returns the raw scale (before tanh) and the shift, each shaped like `maskedInput`.
  func callAsFunction(_ maskedInput: Tensor) -> (rawScale: Tensor, shift: Tensor)
}

/// A layer whose parameters carry a penalty that training adds to the loss.
public protocol Regularized: Module {
  /// The penalty, a scalar that gradients flow through.
  var penalty: Tensor { get }
}

/// The affine coupling layer of Real NVP:
/// y = b*x + (1-b) * (x * exp(s(b*x)) + t(b*x)), with s = scale * tanh(raw s).
///
/// log|det J| sums s over the transformed (1-b) positions only; the kept positions have s = 0.
/// With `batchNorm`, the coupling's output is normalized on the coupling path, as Real NVP's
/// image models do, and that layer's log-determinant is added.
public final class AffineCoupling: Module, Flow, Regularized {
  /// Which variables are kept (b = 1) and which are transformed.
  public let mask: CouplingMask
  /// The learned per-channel factor on tanh(s), shaped [1, C, 1, 1] or [1, D].
  public let scale: Parameter
  /// The network computing s and t from the kept variables.
  @Key("net") public private(set) var network: CouplingNetwork
  /// Batch norm on the output, if any.
  public let batchNorm: FlowBatchNorm?
  /// The mask tensors b and 1 - b, built once per input shape (without the batch axis).
  private var masks: [[Int]: (kept: Tensor, free: Tensor)] = [:]

  /// Creates a coupling for inputs with `channels` channels (or dimensions, for vectors).
  public init(mask: CouplingMask, network: CouplingNetwork, channels: Int, batchNorm: FlowBatchNorm? = nil) {
    self.mask = mask
    self.batchNorm = batchNorm
    let shape: [Int]
    if case .vector = mask { shape = [1, channels] } else { shape = [1, channels, 1, 1] }
    self.scale = Parameter(.ones(shape))
    super.init()
    self.network = network
  }

  /// "coupling": a sequence names these coupling0, coupling1, ...
  public static var layerName: String { "coupling" }

  /// The post's penalty: 5e-5 * sum of squared scales.
  public var penalty: Tensor { scale.value.squared().sum() * couplingScaleRegularization }

  /// The masked log-scale s and shift t for input `x` (only b*x is read).
  private func scaleAndShift(_ x: Tensor) -> (s: Tensor, t: Tensor) {
    let key = Array(x.shape.dropFirst())
    let (b, free): (Tensor, Tensor)
    if let cached = masks[key] {
      (b, free) = cached
    } else {
      let kept = withoutGradients { mask.tensor(for: x.shape) }
      (b, free) = (kept, withoutGradients { 1 - kept })
      masks[key] = (b, free)
    }
    let (rawScale, shift) = network(x * b)
    let s = scale.value * tanh(rawScale) * free
    return (s, shift * free)
  }

  /// y = x * exp(s) + t on the transformed positions, identity on the kept ones, then the
  /// batch norm if any.
  public func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
    let (s, t) = scaleAndShift(x)
    let (y, logDet) = (x * exp(s) + t, sumPerSample(s))
    guard let batchNorm else { return (y, logDet) }
    let (normalized, normLogDet) = batchNorm.forward(y, training: training)
    return (normalized, logDet + normLogDet)
  }

  /// x = (y - t) * exp(-s); s and t depend only on the kept positions, which y shares with x,
  /// so log|det| is minus the sum of the same s.
  public func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    let (y, normLogDet) = batchNorm?.inverse(z) ?? (z, nil)
    let (s, t) = scaleAndShift(y)
    let logDet = -sumPerSample(s)
    return ((y - t) * exp(-s), normLogDet.map { logDet + $0 } ?? logDet)
  }
}
