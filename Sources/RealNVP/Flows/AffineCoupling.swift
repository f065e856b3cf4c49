import TensorCore

/// The network inside a coupling layer: maps the kept variables b*x to a raw scale and a shift.
public protocol CouplingNetwork: AnyObject {
  /// Returns the raw scale (before tanh) and the shift, each shaped like `maskedInput`.
  func callAsFunction(_ maskedInput: Tensor) -> (rawScale: Tensor, shift: Tensor)

  /// The trainable parameters, listed plainly.
  var parameters: [Parameter] { get }
}

/// The affine coupling layer of Real NVP:
/// y = b*x + (1-b) * (x * exp(s(b*x)) + t(b*x)), with s = scale * tanh(raw s).
///
/// log|det J| sums s over the transformed (1-b) positions only; the kept positions have s = 0.
public final class AffineCoupling: Flow {
  /// Which variables are kept (b = 1) and which are transformed.
  public let mask: CouplingMask
  /// The network computing s and t from the kept variables.
  public let network: CouplingNetwork
  /// The learned per-channel factor on tanh(s), shaped [1, C, 1, 1] or [1, D].
  public let scale: Parameter
  /// The mask tensors b and 1 - b, built once per input shape (without the batch axis).
  private var masks: [[Int]: (kept: Tensor, free: Tensor)] = [:]

  /// Creates a coupling for inputs with `channels` channels (or dimensions, for vectors).
  public init(mask: CouplingMask, network: CouplingNetwork, channels: Int, name: String) {
    self.mask = mask
    self.network = network
    let shape: [Int]
    if case .vector = mask { shape = [1, channels] } else { shape = [1, channels, 1, 1] }
    self.scale = Parameter(.ones(shape), name: "\(name).scale")
  }

  /// The masked log-scale s and shift t for input `x` (only b*x is read).
  private func scaleAndShift(_ x: Tensor) -> (b: Tensor, s: Tensor, t: Tensor) {
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
    return (b, s, shift * free)
  }

  /// y = x * exp(s) + t on the transformed positions, identity on the kept ones.
  public func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
    let (_, s, t) = scaleAndShift(x)
    return (x * exp(s) + t, sumPerSample(s))
  }

  /// x = (y - t) * exp(-s); s and t depend only on the kept positions, which y shares with x,
  /// so log|det| is minus the sum of the same s.
  public func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    let (_, s, t) = scaleAndShift(z)
    return ((z - t) * exp(-s), -sumPerSample(s))
  }

  /// The scale factor followed by the network's parameters.
  public var parameters: [Parameter] { [scale] + network.parameters }
}
