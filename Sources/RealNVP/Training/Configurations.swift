import Foundation

/// A named experiment: which data, which model, which training options.
public struct ExperimentConfiguration: Equatable, Sendable {
  /// The data an experiment trains on.
  public enum DataChoice: Equatable, Sendable {
    /// A toy 2D set by name (moons, circles, blobs, uniform).
    case toy(String, count: Int)
    /// MNIST-format IDX files; `directory` nil means Fashion-MNIST from Debian's package.
    case mnist(directory: String?, limit: Int?)
    /// CIFAR-10 binary batches.
    case cifar10(directory: String, limit: Int?)
    /// CelebA image folder at `size` x `size`.
    case celebA(directory: String, size: Int, limit: Int?)
  }

  /// The name (e.g. "mnist", "mnist-quick").
  public var name: String
  /// The data.
  public var data: DataChoice
  /// The model to build (toy or multi-scale).
  public var model: ModelDescription
  /// Training options.
  public var options: TrainingOptions

  /// An experiment named `name`.
  public init(name: String, data: DataChoice, model: ModelDescription, options: TrainingOptions) {
    (self.name, self.data, self.model, self.options) = (name, data, model, options)
  }

  /// Every named configuration: the built-in ones, then the registered ones.
  public static var all: [ExperimentConfiguration] {
    [toy2d, toy2dQuick, mnist, mnistQuick, mnistBench, cifar10, cifar10Quick, celebA, celebAQuick]
      + registryLock.withLock { registered }
  }

  /// Adds `configuration` to `all` (replacing a registered one of the same name), so that
  /// `named(_:)` and `realnvp train --config` find it; for models of other modules (Glow).
  public static func register(_ configuration: ExperimentConfiguration) {
    registryLock.withLock {
      registered.removeAll { $0.name == configuration.name }
      registered.append(configuration)
    }
  }

  private static let registryLock = NSLock()
  nonisolated(unsafe) private static var registered: [ExperimentConfiguration] = []

  /// The configuration with this name, or a typed error listing the known names.
  public static func named(_ name: String) throws -> ExperimentConfiguration {
    guard let found = all.first(where: { $0.name == name }) else {
      throw ConfigurationError.unknown(name: name, known: all.map(\.name))
    }
    return found
  }

  // MARK: - Toy 2D

  /// The post's toy experiments: 32 couplings with separate s and t MLPs of 3 hidden layers of
  /// 20 units (t through tanh), 10,000 points, Adam lr 1e-3, batch 1000, 100 epochs.
  public static let toy2d = ExperimentConfiguration(
    name: "toy2d", data: .toy("moons", count: 10000),
    model: .toy2D(Toy2DArchitecture(), seed: 0),
    options: TrainingOptions(epochs: 100, batchSize: 1000, learningRate: 1e-3))

  /// A minute on 2 cores.
  public static let toy2dQuick = ExperimentConfiguration(
    name: "toy2d-quick", data: .toy("moons", count: 2000),
    model: .toy2D(
      Toy2DArchitecture(
        couplings: 6, hidden: 64, hiddenLayers: 2, couplingNetworks: .shared, boundedShift: false,
        batchNorm: false),
      seed: 0),
    options: TrainingOptions(epochs: 40, batchSize: 200, learningRate: 2e-3))

  // MARK: - MNIST

  /// As the post's notebook ran MNIST: 2 scales + final, 2 blocks, 64 hidden, separate s and t
  /// ResNets, batch 50, lr 5e-4, scaling to [0, 1] (the post dropped the logit for MNIST).
  public static let mnist = ExperimentConfiguration(
    name: "mnist", data: .mnist(directory: nil, limit: nil),
    model: .multiScale(
      Architecture(
        channels: 1, height: 28, width: 28, scales: 2, residualBlocks: 2, hidden: 64, preprocessing: .scale),
      seed: 0),
    options: TrainingOptions(epochs: 20, batchSize: 50, learningRate: 5e-4, maxGradientNorm: 100))

  /// Minutes on 2 cores: one scale + final, one block, 16 hidden, a slice of the data.
  public static let mnistQuick = ExperimentConfiguration(
    name: "mnist-quick", data: .mnist(directory: nil, limit: 2000),
    model: .multiScale(
      Architecture(
        channels: 1, height: 28, width: 28, scales: 1, residualBlocks: 1, hidden: 16, preprocessing: .scale),
      seed: 0),
    options: TrainingOptions(
      epochs: 2, batchSize: 32, learningRate: 1e-3, maxGradientNorm: 100, maxValidationSamples: 500))

  /// The speed benchmark and the shipped MNIST model: 2 scales + final, 2 blocks, 32 hidden,
  /// one shared s/t trunk, batch 64, Adam.
  public static let mnistBench = ExperimentConfiguration(
    name: "mnist-bench", data: .mnist(directory: nil, limit: nil),
    model: .multiScale(
      Architecture(
        channels: 1, height: 28, width: 28, scales: 2, residualBlocks: 2, hidden: 32, preprocessing: .scale,
        couplingNetworks: .shared),
      seed: 0),
    options: TrainingOptions(epochs: 1, batchSize: 64, learningRate: 5e-4, maxGradientNorm: 100))

  // MARK: - CIFAR-10 and CelebA

  /// The paper's CIFAR-10 shape scaled to this machine: 3 scales + final, 4 blocks, 64 hidden,
  /// weight norm, lr 5e-4 halved every 20k steps, horizontal flips, logit preprocessing.
  public static let cifar10 = ExperimentConfiguration(
    name: "cifar10", data: .cifar10(directory: "data/cifar-10-batches-bin", limit: nil),
    model: .multiScale(
      Architecture(channels: 3, height: 32, width: 32, scales: 3, residualBlocks: 4, hidden: 64), seed: 0),
    options: TrainingOptions(
      epochs: 100, batchSize: 64, learningRate: 5e-4, decayEvery: 20_000, decayFactor: 0.5,
      maxGradientNorm: 100,
      horizontalFlips: true))

  /// Minutes on 2 cores.
  public static let cifar10Quick = ExperimentConfiguration(
    name: "cifar10-quick", data: .cifar10(directory: "data/cifar-10-batches-bin", limit: 1000),
    model: .multiScale(
      Architecture(channels: 3, height: 32, width: 32, scales: 2, residualBlocks: 1, hidden: 16), seed: 0),
    options: TrainingOptions(
      epochs: 2, batchSize: 32, learningRate: 1e-3, maxGradientNorm: 100, horizontalFlips: true,
      maxValidationSamples: 200))

  /// CelebA at 64x64 (center crop 148): 4 scales + final, 2 blocks, 32 hidden, flips.
  public static let celebA = ExperimentConfiguration(
    name: "celeba", data: .celebA(directory: "data/celeba", size: 64, limit: nil),
    model: .multiScale(
      Architecture(channels: 3, height: 64, width: 64, scales: 4, residualBlocks: 2, hidden: 32), seed: 0),
    options: TrainingOptions(
      epochs: 20, batchSize: 32, learningRate: 5e-4, maxGradientNorm: 100, horizontalFlips: true))

  /// Minutes on 2 cores: 32x32 faces.
  public static let celebAQuick = ExperimentConfiguration(
    name: "celeba-quick", data: .celebA(directory: "data/celeba", size: 32, limit: 1000),
    model: .multiScale(
      Architecture(channels: 3, height: 32, width: 32, scales: 2, residualBlocks: 1, hidden: 16), seed: 0),
    options: TrainingOptions(
      epochs: 2, batchSize: 32, learningRate: 1e-3, maxGradientNorm: 100, horizontalFlips: true,
      maxValidationSamples: 200))
}

/// Raised for a configuration name that does not exist.
public enum ConfigurationError: Error, CustomStringConvertible {
  /// No configuration with that name.
  case unknown(name: String, known: [String])

  /// A sentence listing the known names.
  public var description: String {
    switch self {
    case .unknown(let name, let known):
      return "Unknown configuration \"\(name)\"; expected one of: \(known.joined(separator: ", "))"
    }
  }
}
