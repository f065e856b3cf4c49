// MARK: - Method forms of the free functions

/// Method spellings (`x.exp()`) of the element-wise and image functions, for chaining.
extension Tensor {
  /// Element-wise e^x (same as `exp(x)`).
  public func exp() -> Tensor { TensorCore.exp(self) }
  /// Element-wise natural logarithm (same as `log(x)`).
  public func log() -> Tensor { TensorCore.log(self) }
  /// Element-wise log(1 + x) (same as `log1p(x)`).
  public func log1p() -> Tensor { TensorCore.log1p(self) }
  /// Element-wise square root (same as `sqrt(x)`).
  public func sqrt() -> Tensor { TensorCore.sqrt(self) }
  /// Element-wise x^p (same as `pow(x, p)`).
  public func pow(_ p: Float) -> Tensor { TensorCore.pow(self, p) }
  /// Element-wise absolute value (same as `abs(x)`).
  public func abs() -> Tensor { TensorCore.abs(self) }
  /// Element-wise hyperbolic tangent (same as `tanh(x)`).
  public func tanh() -> Tensor { TensorCore.tanh(self) }
  /// Element-wise logistic function (same as `sigmoid(x)`).
  public func sigmoid() -> Tensor { TensorCore.sigmoid(self) }
  /// Element-wise max(x, 0) (same as `relu(x)`).
  public func relu() -> Tensor { TensorCore.relu(self) }
  /// Element-wise log(1 + e^x) (same as `softplus(x)`).
  public func softplus() -> Tensor { TensorCore.softplus(self) }
  /// Element-wise log(sigmoid(x)) (same as `logSigmoid(x)`).
  public func logSigmoid() -> Tensor { TensorCore.logSigmoid(self) }
  /// The matrix product with `other` (same as `matmul(self, other)`).
  public func matmul(_ other: Tensor) -> Tensor { TensorCore.matmul(self, other) }
  /// Space-to-depth by `factor` in PyTorch's order (same as `pixelUnshuffle(x, factor)`).
  public func pixelUnshuffled(_ factor: Int = 2) -> Tensor { TensorCore.pixelUnshuffle(self, factor) }
  /// Depth-to-space by `factor` in PyTorch's order (same as `pixelShuffle(x, factor)`).
  public func pixelShuffled(_ factor: Int = 2) -> Tensor { TensorCore.pixelShuffle(self, factor) }
}
