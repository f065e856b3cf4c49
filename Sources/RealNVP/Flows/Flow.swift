import TensorCore

// MARK: - The flow abstraction

/// An invertible transform with a tractable log-determinant (nflows style).
///
/// `forward` maps data toward the latent space and `inverse` maps back; both return the output
/// and log|det J| of the map they compute, one value per sample, so the log-density of a sample
/// drawn through `inverse` is available too. In inference mode `inverse(forward(x))` gives `x`
/// back and the two log-determinants cancel. Layers are classes: they hold `Parameter`s and, for
/// batch norm, running statistics that training updates in place.
public protocol Flow: AnyObject {
  /// Maps `x` toward the latent space; returns the output and log|det d output / dx| per sample.
  ///
  /// With `training`, layers with running statistics update them and normalize with them.
  func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor)

  /// Maps `z` back toward the data space (inference mode); returns the output and
  /// log|det d output / dz| per sample, the negative of `forward`'s at that output.
  func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor)

  /// The trainable parameters, listed plainly.
  var parameters: [Parameter] { get }

  /// Non-trainable state (running statistics) that a checkpoint must save, by name.
  var buffers: [Parameter] { get }

  /// The flows this one is made of (empty for a single layer).
  var sublayers: [Flow] { get }
}

extension Flow {
  /// Flows without running statistics have no buffers.
  public var buffers: [Parameter] { [] }

  /// A single layer has no sublayers.
  public var sublayers: [Flow] { [] }

  /// This flow and every flow inside it of type `T`, outermost first, in layer order.
  public func layers<T: Flow>(ofType type: T.Type) -> [T] {
    ((self as? T).map { [$0] } ?? []) + sublayers.flatMap { $0.layers(ofType: type) }
  }

  /// Inference-mode forward pass.
  public func forward(_ x: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    forward(x, training: false)
  }
}

/// Sums every dimension but the first: per-sample totals of an [N, ...] tensor.
func sumPerSample(_ x: Tensor) -> Tensor {
  x.rank == 1 ? x : x.sum(axes: Array(1..<x.rank))
}

/// A per-sample log-determinant that is the same for every sample of a batch of `n`.
func constantLogAbsDet(_ value: Tensor, count n: Int) -> Tensor {
  Tensor.zeros([n]) + value
}
