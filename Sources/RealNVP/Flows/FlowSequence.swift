import TensorCore

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

  /// Inverts every layer in reverse order and sums their log-determinants.
  public func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    var h = z
    var total = Tensor.zeros([z.shape[0]])
    for layer in layers.reversed() {
      let (next, logDet) = layer.inverse(h)
      h = next
      total = total + logDet
    }
    return (h, total)
  }

  /// All layers' parameters, in layer order.
  public var parameters: [Parameter] { layers.flatMap(\.parameters) }

  /// All layers' buffers, in layer order.
  public var buffers: [Parameter] { layers.flatMap(\.buffers) }

  /// The layers.
  public var sublayers: [Flow] { layers }
}
