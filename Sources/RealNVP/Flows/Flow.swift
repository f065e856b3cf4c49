import TensorCore

// MARK: - The flow abstraction

/// An invertible transform with a tractable log-determinant (nflows style).
///
/// `forward` maps data toward the latent space and returns one log|det J| per sample;
/// `inverse` maps back. Layers are classes: they hold `Parameter`s and, for batch norm,
/// running statistics that training updates in place.
public protocol Flow: AnyObject {
  /// Maps `x` toward the latent space; returns the output and log|det dz/dx| per sample ([N]).
  ///
  /// With `training`, layers with running statistics update them and normalize with them.
  func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor)

  /// Maps `z` back toward the data space (the exact inverse of `forward` in inference mode).
  func inverse(_ z: Tensor) -> Tensor

  /// The trainable parameters, listed plainly.
  var parameters: [Parameter] { get }

  /// Non-trainable state (running statistics) that a checkpoint must save, by name.
  var buffers: [Parameter] { get }
}

extension Flow {
  /// Flows without running statistics have no buffers.
  public var buffers: [Parameter] { [] }

  /// Inference-mode forward pass.
  public func forward(_ x: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    forward(x, training: false)
  }
}

// MARK: - Composition

/// Flows applied in order; log-determinants add up and the inverse runs in reverse order.
public final class FlowSequence: Flow {
  /// The layers, applied first to last by `forward`.
  public let layers: [Flow]

  /// Composes `layers`.
  public init(_ layers: [Flow]) {
    self.layers = layers
  }

  /// Applies every layer in order and sums their log-determinants.
  public func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
    var h = x
    var total = Tensor.zeros([x.shape[0]])
    for layer in layers {
      let (next, logDet) = layer.forward(h, training: training)
      h = next
      total = total + logDet
    }
    return (h, total)
  }

  /// Inverts every layer in reverse order.
  public func inverse(_ z: Tensor) -> Tensor {
    layers.reversed().reduce(z) { $1.inverse($0) }
  }

  /// All layers' parameters, in layer order.
  public var parameters: [Parameter] { layers.flatMap(\.parameters) }

  /// All layers' buffers, in layer order.
  public var buffers: [Parameter] { layers.flatMap(\.buffers) }
}

/// Sums every dimension but the first: per-sample totals of an [N, ...] tensor.
func sumPerSample(_ x: Tensor) -> Tensor {
  x.rank == 1 ? x : x.sum(axes: Array(1..<x.rank))
}
