/// The shape of a multi-scale Real NVP: everything needed to build the same model again.
public struct Architecture: Equatable, Codable, Sendable {
  /// Input channels (1 for MNIST, 3 for CIFAR-10 and CelebA).
  public var channels: Int
  /// Input height and width.
  public var height: Int
  /// Input width.
  public var width: Int
  /// Coupling-squeeze-coupling scales before the final one (each factors out half).
  public var scales: Int
  /// Residual blocks in every s/t network.
  public var residualBlocks: Int
  /// Hidden channels of the first scale's s/t networks; doubles at each scale.
  public var hidden: Int
  /// Weight normalization on the s/t convolutions.
  public var weightNorm: Bool
  /// Batch norm on the coupling path after every coupling.
  public var batchNorm: Bool
  /// Momentum of that batch norm's running averages.
  public var batchNormMomentum: Float
  /// The map from pixels to flow inputs.
  public var preprocessing: Preprocessing

  /// Creates an architecture; the defaults follow the post.
  public init(
    channels: Int, height: Int, width: Int, scales: Int, residualBlocks: Int, hidden: Int,
    weightNorm: Bool = true, batchNorm: Bool = true, batchNormMomentum: Float = 0.005,
    preprocessing: Preprocessing = .paperLogit
  ) {
    self.channels = channels
    self.height = height
    self.width = width
    self.scales = scales
    self.residualBlocks = residualBlocks
    self.hidden = hidden
    self.weightNorm = weightNorm
    self.batchNorm = batchNorm
    self.batchNormMomentum = batchNormMomentum
    self.preprocessing = preprocessing
  }

  /// Dimensions of one image.
  public var dimensions: Int { channels * height * width }
}
