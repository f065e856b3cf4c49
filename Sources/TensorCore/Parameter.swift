// MARK: - Parameters

/// A trainable tensor with a name. Models list their parameters plainly as `[Parameter]`.
public final class Parameter {
  /// A human-readable name such as "coupling3.conv1.weight".
  public let name: String
  /// The current value; optimizers replace or update it.
  public var value: Tensor

  /// Creates a parameter holding `value`.
  public init(_ value: Tensor, name: String) {
    self.value = value.detached()
    self.name = name
  }
}
