// MARK: - Parameters and buffers

/// A trainable tensor. A `Module` finds its parameters among its stored properties and names
/// them after the path to them ("coupling3.net.in.weight").
public final class Parameter {
  /// The current value; optimizers replace or update it.
  public var value: Tensor

  /// Creates a parameter holding `value`.
  public init(_ value: Tensor) {
    self.value = value.detached()
  }
}

/// A tensor of state that is saved with the parameters but not trained: running statistics,
/// or a flag that says a layer has initialized itself from data.
public final class Buffer {
  /// The current value.
  public var value: Tensor

  /// Creates a buffer holding `value`.
  public init(_ value: Tensor) {
    self.value = value.detached()
  }
}
