import TensorCore

/// Instance normalization over H x W per sample and channel, with a learned scale and offset.
public final class InstanceNorm2d: Module {
  /// The per-channel scale: [C], starting at 1.
  public let scale: Parameter
  /// The per-channel offset: [C], starting at 0.
  public let offset: Parameter
  /// Added to the variance before the square root.
  public let epsilon: Float

  /// Creates the layer for `channels` channels.
  public init(channels: Int, epsilon: Float = 1e-5) {
    scale = Parameter(.ones([channels]))
    offset = Parameter(.zeros([channels]))
    self.epsilon = epsilon
  }

  /// Normalizes `x` ([N, C, H, W]).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    instanceNorm(x, scale: scale.value, offset: offset.value, epsilon: epsilon)
  }

  /// relu(self(x)) in one fused kernel.
  public func withReLU(_ x: Tensor) -> Tensor {
    instanceNorm(x, scale: scale.value, offset: offset.value, epsilon: epsilon, fusedReLU: true)
  }
}
