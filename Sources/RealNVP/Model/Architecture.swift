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
  /// Whether s and t come from separate ResNets (the post's) or from one shared trunk.
  public var couplingNetworks: CouplingNetworks

  /// How a coupling's s and t are computed.
  public enum CouplingNetworks: String, Codable, Sendable {
    /// Two ResNets, one for s and one for t, as the post builds them.
    case separate
    /// One ResNet with 2C outputs split into s and t: half the parameters and work.
    case shared
  }

  /// Creates an architecture; the defaults follow the post.
  public init(
    channels: Int, height: Int, width: Int, scales: Int, residualBlocks: Int, hidden: Int,
    weightNorm: Bool = true, batchNorm: Bool = true, batchNormMomentum: Float = 0.005,
    preprocessing: Preprocessing = .paperLogit, couplingNetworks: CouplingNetworks = .separate
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
    self.couplingNetworks = couplingNetworks
  }

  /// Reads an architecture; one recorded before `couplingNetworks` existed had a shared trunk.
  public init(from decoder: Decoder) throws {
    let values = try decoder.container(keyedBy: CodingKeys.self)
    channels = try values.decode(Int.self, forKey: .channels)
    height = try values.decode(Int.self, forKey: .height)
    width = try values.decode(Int.self, forKey: .width)
    scales = try values.decode(Int.self, forKey: .scales)
    residualBlocks = try values.decode(Int.self, forKey: .residualBlocks)
    hidden = try values.decode(Int.self, forKey: .hidden)
    weightNorm = try values.decode(Bool.self, forKey: .weightNorm)
    batchNorm = try values.decode(Bool.self, forKey: .batchNorm)
    batchNormMomentum = try values.decode(Float.self, forKey: .batchNormMomentum)
    preprocessing = try values.decode(Preprocessing.self, forKey: .preprocessing)
    couplingNetworks = try values.decodeIfPresent(CouplingNetworks.self, forKey: .couplingNetworks) ?? .shared
  }

  /// Dimensions of one image.
  public var dimensions: Int { channels * height * width }
}
