import TensorCore

// MARK: - The flow abstraction

/// An invertible transform with a tractable log-determinant (nflows style).
///
/// `forward` maps data toward the latent space and `inverse` maps back; both return the output
/// and log|det J| of the map they compute, one value per sample, so the log-density of a sample
/// drawn through `inverse` is available too. In inference mode `inverse(forward(x))` gives `x`
/// back and the two log-determinants cancel (`checkFlow` verifies it, and the log-determinant,
/// for any flow). Flows are modules: their parameters, buffers and checkpoint names come from
/// their stored properties.
///
/// ```swift
/// final class Shift: Module, Flow {
///   let offset = Parameter(.zeros([1, 2]))
///   func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
///     (x + offset.value, .zeros([x.shape[0]]))
///   }
///   func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
///     (z - offset.value, .zeros([z.shape[0]]))
///   }
/// }
/// ```
public protocol Flow: Module {
  /// Maps `x` toward the latent space; returns the output and log|det d output / dx| per sample.
  ///
  /// With `training`, layers with running statistics update them and normalize with them.
  func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor)

  /// Maps `z` back toward the data space (inference mode); returns the output and
  /// log|det d output / dz| per sample, the negative of `forward`'s at that output.
  func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor)

  /// What a `FlowSequence` calls layers of this type, before their count among the sequence's
  /// layers of that name ("coupling" gives coupling0, coupling1, ...). By default the type's
  /// name with a lowercase first letter.
  static var layerName: String { get }

  /// For a flow that only arranges other flows (a sequence, a multi-scale split), those flows,
  /// which an enclosing `FlowSequence` names as its own layers; nil for a layer (the default).
  var arrangedFlows: [Flow]? { get }
}

extension Flow {
  /// The type's name with a lowercase first letter, without generic arguments.
  public static var layerName: String {
    let name = String(describing: Self.self).prefix { $0 != "<" }
    return name.prefix(1).lowercased() + name.dropFirst()
  }

  /// A layer arranges nothing.
  public var arrangedFlows: [Flow]? { nil }

  /// Inference-mode forward pass.
  public func forward(_ x: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    forward(x, training: false)
  }
}

/// Sums every dimension but the first: per-sample totals of an [N, ...] tensor.
public func sumPerSample(_ x: Tensor) -> Tensor {
  x.rank == 1 ? x : x.sum(axes: Array(1..<x.rank))
}

/// A per-sample log-determinant that is the same for every sample of a batch of `n`.
public func constantLogAbsDet(_ value: Tensor, count n: Int) -> Tensor {
  Tensor.zeros([n]) + value
}
