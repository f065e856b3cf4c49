import TensorCore

/// Flows applied in order; log-determinants add up and the inverse runs in reverse order.
///
/// Each layer is named after its kind and its count among the layers of that kind
/// (`Flow.layerName`): coupling0, batchNorm0, coupling1, ... Layers of flows that only arrange
/// others (a nested sequence, a `FactorOut`'s rest) are named as this sequence's own, so the
/// couplings of a multi-scale model are coupling0 to couplingN across its scales.
public final class FlowSequence: Module, Flow {
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

  /// The layers.
  public var arrangedFlows: [Flow]? { layers }

  /// The layers, named by kind and count, with arranging flows' layers taken in.
  public override var items: [ModuleItem] {
    var counts: [String: Int] = [:]
    var items: [ModuleItem] = []
    func name(_ layer: Flow) {
      if let arranged = layer.arrangedFlows {
        precondition(
          Module.reflectedItems(of: layer).allSatisfy { if case .module = $0 { true } else { false } },
          "\(type(of: layer)) arranges other flows and must hold no parameters or buffers of its own")
        arranged.forEach(name)
        return
      }
      let kind = type(of: layer).layerName
      items.append(.module("\(kind)\(counts[kind, default: 0])", layer))
      counts[kind, default: 0] += 1
    }
    layers.forEach(name)
    return items
  }
}
