/// The shape of a Real NVP for 2D points: everything needed to build the same model again.
/// The defaults are the post's toy settings.
public struct Toy2DArchitecture: Equatable, Codable, Sendable {
  /// Coupling layers, alternating which coordinate they transform.
  public var couplings: Int
  /// Units per hidden layer of the s/t networks.
  public var hidden: Int
  /// Hidden ReLU layers per s/t network.
  public var hiddenLayers: Int
  /// Whether s and t come from separate MLPs (the post's) or one MLP with both outputs.
  public var couplingNetworks: Architecture.CouplingNetworks
  /// Whether t passes through tanh too, as the post's networks end in tanh for both.
  public var boundedShift: Bool
  /// Batch norm between couplings.
  public var batchNorm: Bool

  /// Creates an architecture; the defaults are the post's: 32 couplings, separate s and t
  /// MLPs of 3 hidden layers of 20 units, t through tanh, no batch norm.
  public init(
    couplings: Int = 32, hidden: Int = 20, hiddenLayers: Int = 3,
    couplingNetworks: Architecture.CouplingNetworks = .separate, boundedShift: Bool = true,
    batchNorm: Bool = false
  ) {
    (self.couplings, self.hidden, self.hiddenLayers) = (couplings, hidden, hiddenLayers)
    (self.couplingNetworks, self.boundedShift, self.batchNorm) = (couplingNetworks, boundedShift, batchNorm)
  }
}
