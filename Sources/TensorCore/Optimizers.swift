import Foundation

// MARK: - Learning-rate schedules

/// How the learning rate changes with the step count.
public indirect enum LearningRateSchedule {
  /// The base rate at every step.
  case constant
  /// The base rate times factor^(step / every), so it drops every `every` steps.
  case stepDecay(every: Int, factor: Float)
  /// A linear ramp over the first `steps` steps (step s gets (s + 1) / steps of the rate), then
  /// `then`. Adam's first steps move every parameter by about the full rate whatever its
  /// gradient, which throws a trained model far off; the ramp lets the moment estimates settle.
  case warmup(steps: Int, then: LearningRateSchedule)

  /// The learning rate at `step` (counting from 0) for a given base rate.
  public func rate(base: Float, step: Int) -> Float {
    switch self {
    case .constant: return base
    case .stepDecay(let every, let factor):
      precondition(every > 0, "stepDecay needs every > 0, got \(every)")
      return base * powf(factor, Float(step / every))
    case .warmup(let steps, let then):
      precondition(steps > 0, "warmup needs steps > 0, got \(steps)")
      let full = then.rate(base: base, step: step)
      return step < steps ? full * Float(step + 1) / Float(steps) : full
    }
  }
}

// MARK: - Gradient norm

/// The L2 norm of all gradients taken together (as one long vector).
public func globalNorm(_ gradients: [Tensor]) -> Float {
  var total = 0.0
  for gradient in gradients {
    gradient.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      total += PlaneReductions.squaredDeviations(base, count: buffer.count, mean: 0)
    }
  }
  return Float(total.squareRoot())
}

/// The factor that scales gradients down to `maxNorm` when their global norm exceeds it;
/// `knownNorm` saves recomputing a norm the caller already has.
func clippingFactor(_ gradients: [Tensor], maxNorm: Float?, knownNorm: Float?) -> Float {
  guard let maxNorm else { return 1 }
  let norm = knownNorm ?? globalNorm(gradients)
  return norm > maxNorm ? maxNorm / (norm + 1e-6) : 1
}

// MARK: - Adam

/// The Adam optimizer (Kingma and Ba) with bias correction and optional global-norm clipping.
public final class Adam {
  /// The parameters updated in place, in the order gradients are given.
  public let parameters: [Parameter]
  /// The base learning rate (the schedule scales it).
  public var learningRate: Float
  /// Decay rates of the first and second moment estimates, and the denominator guard.
  public let beta1: Float, beta2: Float, epsilon: Float
  /// When set, gradients are scaled so that their global norm is at most this.
  public var maxGradientNorm: Float?
  /// How the learning rate changes over steps.
  public var schedule: LearningRateSchedule
  /// How many updates have been applied.
  public private(set) var step = 0
  private var firstMoments: [[Float]]
  private var secondMoments: [[Float]]

  /// Creates an optimizer for `parameters` with zeroed moment estimates.
  public init(
    parameters: [Parameter], learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999,
    epsilon: Float = 1e-8, maxGradientNorm: Float? = nil, schedule: LearningRateSchedule = .constant
  ) {
    self.parameters = parameters
    self.learningRate = learningRate
    (self.beta1, self.beta2, self.epsilon) = (beta1, beta2, epsilon)
    self.maxGradientNorm = maxGradientNorm
    self.schedule = schedule
    firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.scalarCount) }
    secondMoments = firstMoments
  }

  /// What an update depends on besides the parameters: the step count (bias correction and the
  /// learning-rate schedule) and both moment estimates, in the order of `parameters`.
  public struct State: Equatable {
    /// Updates applied so far.
    public var step: Int
    /// First-moment estimates, one array per parameter.
    public var firstMoments: [[Float]]
    /// Second-moment estimates, one array per parameter.
    public var secondMoments: [[Float]]

    /// A state with these values.
    public init(step: Int, firstMoments: [[Float]], secondMoments: [[Float]]) {
      (self.step, self.firstMoments, self.secondMoments) = (step, firstMoments, secondMoments)
    }
  }

  /// The optimizer's state, to save with a checkpoint and restore with `restore(_:)`.
  public var state: State { State(step: step, firstMoments: firstMoments, secondMoments: secondMoments) }

  /// Continues from a saved state; its moments must have one array per parameter, of the
  /// parameter's size.
  public func restore(_ state: State) {
    precondition(
      state.firstMoments.map(\.count) == parameters.map(\.value.scalarCount)
        && state.secondMoments.map(\.count) == parameters.map(\.value.scalarCount),
      "Adam.restore: the moments do not match the parameters' sizes")
    (step, firstMoments, secondMoments) = (state.step, state.firstMoments, state.secondMoments)
  }

  /// Applies one update with gradients in the order of `parameters`; pass `globalNorm` when it
  /// is already known (the training loop checks it for NaN) so clipping does not recompute it.
  public func update(_ gradients: [Tensor], globalNorm: Float? = nil) {
    checkShapes(gradients, parameters)
    let scale = clippingFactor(gradients, maxNorm: maxGradientNorm, knownNorm: globalNorm)
    let rate = schedule.rate(base: learningRate, step: step)
    step += 1
    let correction1 = 1 - powf(beta1, Float(step))
    let correction2 = 1 - powf(beta2, Float(step))
    let stepSize = rate / correction1
    let (beta1, beta2, epsilon) = (self.beta1, self.beta2, self.epsilon)
    for (index, parameter) in parameters.enumerated() {
      gradients[index].withUnsafeBufferPointer { grad in
        firstMoments[index].withUnsafeMutableBufferPointer { m in
          secondMoments[index].withUnsafeMutableBufferPointer { v in
            parameter.value.withUnsafeMutableBufferPointer { value in
              parallelRanges(value.count, costPerItem: 8) { range in
                for i in range {
                  let g = grad[i] * scale
                  m[i] = beta1 * m[i] + (1 - beta1) * g
                  v[i] = beta2 * v[i] + (1 - beta2) * g * g
                  value[i] -= stepSize * m[i] / ((v[i] / correction2).squareRoot() + epsilon)
                }
              }
            }
          }
        }
      }
    }
  }
}

// MARK: - SGD

/// Stochastic gradient descent with optional momentum and global-norm clipping.
public final class SGD {
  /// The parameters updated in place, in the order gradients are given.
  public let parameters: [Parameter]
  /// The base learning rate (the schedule scales it).
  public var learningRate: Float
  /// The momentum factor (0 for plain SGD).
  public let momentum: Float
  /// When set, gradients are scaled so that their global norm is at most this.
  public var maxGradientNorm: Float?
  /// How the learning rate changes over steps.
  public var schedule: LearningRateSchedule
  /// How many updates have been applied.
  public private(set) var step = 0
  private var velocities: [[Float]]

  /// Creates an optimizer for `parameters`.
  public init(
    parameters: [Parameter], learningRate: Float, momentum: Float = 0, maxGradientNorm: Float? = nil,
    schedule: LearningRateSchedule = .constant
  ) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.momentum = momentum
    self.maxGradientNorm = maxGradientNorm
    self.schedule = schedule
    velocities = parameters.map { [Float](repeating: 0, count: $0.value.scalarCount) }
  }

  /// Applies one update: v = momentum * v + g; value -= rate * v (`globalNorm` as for Adam).
  public func update(_ gradients: [Tensor], globalNorm: Float? = nil) {
    checkShapes(gradients, parameters)
    let scale = clippingFactor(gradients, maxNorm: maxGradientNorm, knownNorm: globalNorm)
    let rate = schedule.rate(base: learningRate, step: step)
    let momentum = self.momentum
    step += 1
    for (index, parameter) in parameters.enumerated() {
      gradients[index].withUnsafeBufferPointer { grad in
        velocities[index].withUnsafeMutableBufferPointer { velocity in
          parameter.value.withUnsafeMutableBufferPointer { value in
            for i in value.indices {
              velocity[i] = momentum * velocity[i] + grad[i] * scale
              value[i] -= rate * velocity[i]
            }
          }
        }
      }
    }
  }
}

/// Checks that there is one gradient per parameter with the parameter's shape.
private func checkShapes(_ gradients: [Tensor], _ parameters: [Parameter]) {
  precondition(
    gradients.count == parameters.count,
    "Optimizer got \(gradients.count) gradients for \(parameters.count) parameters")
  for (index, (gradient, parameter)) in zip(gradients, parameters).enumerated() {
    precondition(
      gradient.shape == parameter.value.shape,
      "Gradient of shape \(gradient.shape) does not match parameter \(index) "
        + "of shape \(parameter.value.shape)"
    )
  }
}
