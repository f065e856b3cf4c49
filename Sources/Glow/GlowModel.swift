import RealNVP
import TensorCore

/// A multi-scale Glow for images (Kingma and Dhariwal 2018), built from the library's public
/// API alone: at each level a squeeze, then steps of ActNorm, an invertible 1x1 convolution and
/// an affine coupling, then half of the channels factored out into the latent (the last level
/// keeps them all), under a standard normal; pixels are dequantized and preprocessed as the
/// multi-scale Real NVP's are.
public final class GlowModel: FlowModel, ConfigurableModel {
  /// Everything needed to build the same model again.
  public struct Configuration: Codable, Equatable, Sendable {
    /// Input channels, height and width.
    public var channels: Int, height: Int, width: Int
    /// Levels, each starting with a squeeze (height and width halve).
    public var levels: Int
    /// Flow steps per level.
    public var steps: Int
    /// Hidden channels of every coupling network.
    public var hidden: Int
    /// "channelwise" (Glow's) or "checkerboard" masks, alternating parity from step to step.
    public var mask: String
    /// The map from pixels to flow inputs.
    public var preprocessing: Preprocessing
    /// The seed the parameters are drawn from.
    public var seed: UInt64

    /// A configuration; the defaults are `mnist-glow`'s.
    public init(
      channels: Int = 1, height: Int = 28, width: Int = 28, levels: Int = 2, steps: Int = 8,
      hidden: Int = 256,
      mask: String = "channelwise", preprocessing: Preprocessing = .scale, seed: UInt64 = 0
    ) {
      (self.channels, self.height, self.width, self.levels) = (channels, height, width, levels)
      (self.steps, self.hidden, self.mask, self.preprocessing, self.seed) = (
        steps, hidden, mask, preprocessing, seed
      )
    }
  }

  /// This model's configuration.
  public let configuration: Configuration

  /// Builds the model with parameters drawn from `configuration.seed`; a configuration that
  /// cannot be built is a `GlowConfigurationError`.
  public init(configuration c: Configuration) throws {
    let divisor = 1 << c.levels
    guard c.levels >= 1, c.steps >= 1, c.hidden >= 1, c.channels >= 1 else {
      throw GlowConfigurationError.invalid("levels, steps, hidden and channels must be at least 1, got \(c)")
    }
    guard c.height % divisor == 0, c.width % divisor == 0 else {
      throw GlowConfigurationError.invalid(
        "\(c.levels) levels squeeze the image \(c.levels) times: height and width must be divisible by "
          + "\(divisor), got \(c.height)x\(c.width)")
    }
    let masks: [CouplingMask]
    switch c.mask {
    case "channelwise": masks = [.channelwise(parity: 0), .channelwise(parity: 1)]
    case "checkerboard": masks = [.checkerboard(parity: 0), .checkerboard(parity: 1)]
    default:
      throw GlowConfigurationError.invalid(
        "mask must be \"channelwise\" or \"checkerboard\", got \"\(c.mask)\"")
    }
    configuration = c
    var rng = RandomGenerator(seed: c.seed)
    var (channels, height, width) = (c.channels, c.height, c.width)
    var levels: [(layers: [Flow], splitShape: [Int])] = []
    for _ in 0..<c.levels {
      (channels, height, width) = (4 * channels, height / 2, width / 2)
      var layers: [Flow] = [Squeeze()]
      for step in 0..<c.steps {
        let network = GlowCouplingNetwork(channels: channels, hidden: c.hidden, using: &rng)
        layers += [
          ActNorm(channels: channels), InvertibleConv1x1(channels: channels, using: &rng),
          GlowCoupling(mask: masks[step % 2], network: network),
        ]
      }
      levels.append((layers, [channels, height, width]))
      channels /= 2
    }
    // Every level but the last ends in a split whose rest is the next level.
    let last = levels.removeLast()
    var flow = FlowSequence(last.layers + [Flatten(inputShape: last.splitShape)])
    for level in levels.reversed() {
      flow = FlowSequence(level.layers + [FactorOut(inputShape: level.splitShape, rest: flow)])
    }
    let dimensions = c.channels * c.height * c.width
    super.init(
      flow: flow, preprocessing: PreprocessingFlow(c.preprocessing),
      base: StandardNormal(shape: [dimensions]),
      sampleShape: [c.channels, c.height, c.width], isQuantized: true)
  }

  /// A model with `configuration`'s defaults changed as given (`mnist-glow` without changes).
  public convenience init(levels: Int = 2, steps: Int = 8, hidden: Int = 256, seed: UInt64 = 0) {
    do {
      try self.init(configuration: Configuration(levels: levels, steps: steps, hidden: hidden, seed: seed))
    } catch {
      preconditionFailure("\(error)")
    }
  }
}

/// A Glow configuration that cannot be built.
public enum GlowConfigurationError: Error, CustomStringConvertible {
  /// What is wrong and what was expected.
  case invalid(String)

  /// The sentence.
  public var description: String {
    switch self {
    case .invalid(let reason): return "Invalid Glow configuration: \(reason)"
    }
  }
}

extension ExperimentConfiguration {
  /// Glow on MNIST: 2 levels of 8 steps (ActNorm, invertible 1x1 convolution, affine coupling
  /// with channel-wise masks), coupling networks of 256 hidden channels, batch 64, Adam lr 5e-4,
  /// the same data, preprocessing and options as `mnist-bench`.
  public static let mnistGlow = ExperimentConfiguration(
    name: "mnist-glow", data: .mnist(directory: nil, limit: nil),
    model: GlowModel.describe(GlowModel.Configuration()),
    options: TrainingOptions(epochs: 1, batchSize: 64, learningRate: 5e-4, maxGradientNorm: 100))
}

/// Makes the Glow model and its configurations known to the library: `realnvp train --config
/// mnist-glow`, `ModelDescription.makeModel()` and journal replays of Glow runs need it once.
public func registerGlow() {
  GlowModel.register()
  ExperimentConfiguration.register(.mnistGlow)
}
