// MARK: - Space-to-depth

/// Rearranges [N, C, H, W] into [N, C*f*f, H/f, W/f] in PyTorch's PixelUnshuffle order:
/// output channel c*f*f + i*f + j at (h, w) takes input[c, f*h + i, f*w + j].
public func pixelUnshuffle(_ x: Tensor, _ factor: Int = 2) -> Tensor {
  precondition(
    x.rank == 4 && x.shape[2] % factor == 0 && x.shape[3] % factor == 0,
    "pixelUnshuffle(\(factor)) expects [N, C, H, W] with H and W divisible by \(factor), got \(x.shape)")
  let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2] / factor, x.shape[3] / factor)
  return x.reshaped([n, c, h, factor, w, factor])
    .permuted([0, 1, 3, 5, 2, 4])
    .reshaped([n, c * factor * factor, h, w])
}

/// The inverse of `pixelUnshuffle`: [N, C*f*f, H, W] to [N, C, H*f, W*f] (PyTorch PixelShuffle).
public func pixelShuffle(_ x: Tensor, _ factor: Int = 2) -> Tensor {
  precondition(
    x.rank == 4 && x.shape[1] % (factor * factor) == 0,
    "pixelShuffle(\(factor)) expects [N, C*\(factor * factor), H, W], got \(x.shape)")
  let (n, c, h, w) = (x.shape[0], x.shape[1] / (factor * factor), x.shape[2], x.shape[3])
  return x.reshaped([n, c, factor, factor, h, w])
    .permuted([0, 1, 4, 2, 5, 3])
    .reshaped([n, c, h * factor, w * factor])
}

// MARK: - Weight norm

/// The weight-norm parametrization w = g * v / ||v||, with the norm taken per output channel
/// (over every axis but the first); `g` holds one value per output channel.
public func weightNormalized(_ v: Tensor, _ g: Tensor) -> Tensor {
  precondition(
    v.rank >= 2 && g.scalarCount == v.shape[0],
    "weightNormalized expects v [O, ...] and g with O = \(v.shape.first ?? 0) values, "
      + "got \(v.shape) and \(g.shape)"
  )
  let axes = Array(1..<v.rank)
  let norm = sqrt(v.squared().sum(axes: axes, keepDims: true))
  let gain = g.reshaped([v.shape[0]] + Array(repeating: 1, count: v.rank - 1))
  return v * (gain / norm)
}
