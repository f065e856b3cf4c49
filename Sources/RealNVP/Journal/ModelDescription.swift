import Foundation

/// Which model a run trained, with enough detail to build it again.
public enum ModelDescription: Equatable, Sendable {
  /// `RealNVP2D(architecture, seed:)`.
  case toy2D(Toy2DArchitecture, seed: UInt64)
  /// `MultiScaleRealNVP(architecture, seed:)`.
  case multiScale(Architecture, seed: UInt64)
  /// Any other model: its type's name and the settings it records (a `ConfigurableModel`'s
  /// configuration, from which a registered type is built again).
  case custom(CustomModelDescription)

  /// Builds a fresh model (same initialization as the recorded run). A custom model's type
  /// must have been registered (`ConfigurableModel.register()`); otherwise, and when its
  /// settings do not decode, this throws `ModelDescriptionError`.
  public func makeModel() throws -> DensityModel {
    switch self {
    case .toy2D(let architecture, let seed): return RealNVP2D(architecture, seed: seed)
    case .multiScale(let architecture, let seed): return MultiScaleRealNVP(architecture, seed: seed)
    case .custom(let description): return try ModelRegistry.build(description)
    }
  }

  /// The seed the parameters are drawn from (a custom model's "seed" setting, 0 without one);
  /// setting it keeps everything else.
  public var seed: UInt64 {
    get {
      switch self {
      case .toy2D(_, let seed), .multiScale(_, let seed): return seed
      case .custom(let description): return description.settings["seed"].flatMap { UInt64($0) } ?? 0
      }
    }
    set {
      switch self {
      case .toy2D(let architecture, _): self = .toy2D(architecture, seed: newValue)
      case .multiScale(let architecture, _): self = .multiScale(architecture, seed: newValue)
      case .custom(var description):
        description.settings["seed"] = "\(newValue)"
        self = .custom(description)
      }
    }
  }

  /// The multi-scale architecture, or nil for other models.
  public var architecture: Architecture? {
    if case .multiScale(let architecture, _) = self { return architecture }
    return nil
  }

  /// Hyperparameters as flat name/value pairs, for comparison tables.
  public var settings: [String: String] {
    switch self {
    case .toy2D(let a, let seed):
      return [
        "model": "RealNVP2D", "couplings": "\(a.couplings)", "hidden": "\(a.hidden)",
        "hiddenLayers": "\(a.hiddenLayers)", "couplingNetworks": a.couplingNetworks.rawValue,
        "boundedShift": "\(a.boundedShift)", "batchNorm": "\(a.batchNorm)", "modelSeed": "\(seed)",
      ]
    case .multiScale(let a, let seed):
      return [
        "model": "MultiScaleRealNVP", "input": "\(a.channels)x\(a.height)x\(a.width)",
        "scales": "\(a.scales)",
        "residualBlocks": "\(a.residualBlocks)", "hidden": "\(a.hidden)", "weightNorm": "\(a.weightNorm)",
        "batchNorm": "\(a.batchNorm)", "batchNormMomentum": "\(a.batchNormMomentum)",
        "preprocessing": "\(a.preprocessing)", "couplingNetworks": a.couplingNetworks.rawValue,
        "modelSeed": "\(seed)",
      ]
    case .custom(let description):
      return description.settings.merging(["model": description.name]) { _, name in name }
    }
  }

  /// The settings in which `other` differs from this one, each as "name: this vs other".
  public func differences(from other: ModelDescription) -> [String] {
    let (mine, theirs) = (settings, other.settings)
    return Set(mine.keys).union(theirs.keys).sorted().compactMap { key in
      mine[key] == theirs[key] ? nil : "\(key): \(mine[key] ?? "-") vs \(theirs[key] ?? "-")"
    }
  }
}

// MARK: - Coding

/// As JSON: `{"toy2D": {"_0": ARCHITECTURE, "seed": N}}`, `{"multiScale": {...}}` or
/// `{"custom": {"name": NAME, "settings": {...}}}`. Records
/// written before the 2D architecture had a type hold `{"toy2D": {"couplings", "hidden",
/// "batchNorm", "seed"}}`, which reads as the shared MLP of those sizes.
extension ModelDescription: Codable {
  private enum Kind: String, CodingKey {
    case toy2D, multiScale, custom
  }

  private enum PayloadKeys: String, CodingKey {
    case architecture = "_0"
    case seed, couplings, hidden, batchNorm
  }

  /// Reads either kind, including 2D records in the earlier flat form.
  public init(from decoder: Decoder) throws {
    let kinds = try decoder.container(keyedBy: Kind.self)
    if kinds.contains(.custom) {
      self = .custom(try kinds.decode(CustomModelDescription.self, forKey: .custom))
      return
    }
    if kinds.contains(.multiScale) {
      let payload = try kinds.nestedContainer(keyedBy: PayloadKeys.self, forKey: .multiScale)
      self = .multiScale(
        try payload.decode(Architecture.self, forKey: .architecture),
        seed: try payload.decode(UInt64.self, forKey: .seed))
      return
    }
    let payload = try kinds.nestedContainer(keyedBy: PayloadKeys.self, forKey: .toy2D)
    let seed = try payload.decode(UInt64.self, forKey: .seed)
    if payload.contains(.architecture) {
      self = .toy2D(try payload.decode(Toy2DArchitecture.self, forKey: .architecture), seed: seed)
    } else {
      self = .toy2D(
        Toy2DArchitecture(
          couplings: try payload.decode(Int.self, forKey: .couplings),
          hidden: try payload.decode(Int.self, forKey: .hidden), hiddenLayers: 2, couplingNetworks: .shared,
          boundedShift: false, batchNorm: try payload.decode(Bool.self, forKey: .batchNorm)),
        seed: seed)
    }
  }

  /// Writes `{"KIND": {"_0": ARCHITECTURE, "seed": N}}`.
  public func encode(to encoder: Encoder) throws {
    var kinds = encoder.container(keyedBy: Kind.self)
    switch self {
    case .toy2D(let architecture, let seed):
      var payload = kinds.nestedContainer(keyedBy: PayloadKeys.self, forKey: .toy2D)
      try payload.encode(architecture, forKey: .architecture)
      try payload.encode(seed, forKey: .seed)
    case .multiScale(let architecture, let seed):
      var payload = kinds.nestedContainer(keyedBy: PayloadKeys.self, forKey: .multiScale)
      try payload.encode(architecture, forKey: .architecture)
      try payload.encode(seed, forKey: .seed)
    case .custom(let description):
      try kinds.encode(description, forKey: .custom)
    }
  }
}
