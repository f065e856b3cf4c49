import Foundation
import Glow
import RealNVP
import TensorCore

// MARK: - Configurations

/// A named benchmark: its batch size and a closure that runs one step.
struct BenchmarkConfig {
  /// Names accepted by `--config`.
  static let names = ["conv3x3-64", "conv3x3-32x28", "mnist-bench", "mnist", "mnist-glow"]

  let name: String
  let batch: Int
  /// Channels (in and out) and image side of the convolution.
  let channels: Int, side: Int

  /// The configuration called `name`, or nil for an unknown name.
  init?(name: String) {
    switch name {
    case "conv3x3-64": (batch, channels, side) = (64, 64, 14)
    case "conv3x3-32x28": (batch, channels, side) = (64, 32, 28)
    case "mnist-bench", "mnist-glow": (batch, channels, side) = (64, 1, 28)
    case "mnist": (batch, channels, side) = (ExperimentConfiguration.mnist.options.batchSize, 1, 28)
    default: return nil
    }
    self.name = name
  }

  /// Builds the inputs once and returns one step (forward plus backward) to time.
  func makeStep() -> () -> Void {
    guard let experiment else { return conv3x3Step() }
    return trainingStep(experiment)
  }

  /// Whether the configuration is a training step, which `--replicas` can split over threads.
  var isTraining: Bool { experiment != nil }

  /// The experiment whose training step this configuration times, or nil for a lone convolution.
  private var experiment: ExperimentConfiguration? {
    switch name {
    case "mnist-bench": return .mnistBench
    case "mnist": return .mnist
    case "mnist-glow": return .mnistGlow
    default: return nil
    }
  }

  /// The fixed batch of a training configuration: the first `batch` Fashion-MNIST images, or
  /// random pixels (seed 0) if the data is absent.
  func trainingPixels() -> Tensor {
    if let data = try? Datasets.fashionMNIST(split: .train, limit: batch) {
      return data.batch(Array(0..<batch))
    }
    var rng = RandomGenerator(seed: 0)
    return Tensor.uniform([batch, 1, side, side], low: 0, high: 255, using: &rng)
  }

  /// One rank's share of a data-parallel training step of this (training) configuration on
  /// `pixels`: its rows forward and backward, gradients averaged over `group`, then Adam. Every
  /// rank builds its own model the same way.
  func makeReplicaStep(group: any ReplicaGroup, pixels: Tensor) -> () -> Void {
    guard let experiment else { preconditionFailure("\(name) is not a training configuration") }
    let (model, optimizer) = modelAndOptimizer(experiment)
    var noise = RandomGenerator(seed: 0)
    return {
      let (_, gradients) = replicaLossAndGradients(of: model, batch: pixels, group: group, noise: &noise)
      optimizer.update(gradients)
    }
  }

  /// A 3x3 conv with bias (64 to 64 channels at 14x14, or 32 to 32 at 28x28), batch 64: forward,
  /// then gradients for the input, the weight and the bias of L = sum(conv(x) * g) with a fixed g
  /// (same as the peer).
  private func conv3x3Step() -> () -> Void {
    var rng = RandomGenerator(seed: 0)
    let x = Tensor.normal([batch, channels, side, side], using: &rng)
    let weight = Tensor.normal([channels, channels, 3, 3], std: 0.05, using: &rng)
    let bias = Tensor.zeros([channels])
    let g = Tensor.normal([batch, channels, side, side], using: &rng)
    return {
      let (_, grads) = valueAndGradient(at: [x, weight, bias]) { inputs in
        (conv2d(inputs[0], inputs[1], bias: inputs[2]) * g).sum()
      }
      precondition(grads.count == 3, "expected three gradients")
    }
  }

  /// One full Real NVP training step (forward, backward, Adam) of an experiment's model and
  /// optimizer settings on a fixed batch of Fashion-MNIST (random pixels if the data is absent).
  private func trainingStep(_ experiment: ExperimentConfiguration) -> () -> Void {
    let (model, optimizer) = modelAndOptimizer(experiment)
    let pixels = trainingPixels()
    var rng = RandomGenerator(seed: 0)
    return {
      let (_, gradients) = valueAndGradient(at: model.parameters) {
        model.loss(pixels, training: true, using: &rng)
      }
      optimizer.update(gradients)
    }
  }

  /// A fresh model of `experiment` and an Adam over its parameters with the experiment's settings.
  private func modelAndOptimizer(_ experiment: ExperimentConfiguration) -> (DensityModel, Adam) {
    let model = try! experiment.makeModel()  // the built-in configurations always build
    let optimizer = Adam(
      parameters: model.parameters, learningRate: experiment.options.learningRate,
      maxGradientNorm: experiment.options.maxGradientNorm)
    return (model, optimizer)
  }
}
