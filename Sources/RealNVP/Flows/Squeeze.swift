import TensorCore

/// The squeeze step: 2x2 space-to-depth in PyTorch's PixelUnshuffle order
/// ([N, C, H, W] -> [N, 4C, H/2, W/2]); a permutation, so log|det J| = 0.
public final class Squeeze: Module, Flow {
  /// Creates the layer.
  public override init() {}

  /// Space to depth.
  public func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
    precondition(
      x.rank == 4 && x.shape[2] % 2 == 0 && x.shape[3] % 2 == 0,
      "Squeeze needs [N, C, H, W] with even H and W, got \(x.shape)")
    return (pixelUnshuffle(x, 2), .zeros([x.shape[0]]))
  }

  /// Depth to space.
  public func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
    (pixelShuffle(z, 2), .zeros([z.shape[0]]))
  }
}
