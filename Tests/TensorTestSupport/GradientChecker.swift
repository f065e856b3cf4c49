import TensorCore
import XCTest

// MARK: - Finite-difference gradient checker

/// Compares the tape's gradients of f with central finite differences.
///
/// The scalar checked is L = sum_k w_k * f(x)_k with fixed random weights w, so every output
/// element matters and a wrong sign or a missing term in any backward rule shows up. f runs in
/// Float; L, the perturbation actually applied (after rounding to Float) and the difference
/// quotient are computed in Double.
public struct GradientChecker {
  /// The finite-difference step.
  public var epsilon: Float = 1e-2
  /// Allowed difference relative to the larger of the two gradients.
  public var relativeTolerance: Double = 2e-2
  /// Allowed absolute difference on top of the relative one.
  public var absoluteTolerance: Double = 2e-3
  /// At most this many elements per input are perturbed (spread evenly over the tensor).
  public var maximumProbes = 48

  /// A checker with the given step and tolerances.
  public init(
    epsilon: Float = 1e-2, relativeTolerance: Double = 2e-2, absoluteTolerance: Double = 2e-3,
    maximumProbes: Int = 48
  ) {
    (self.epsilon, self.relativeTolerance, self.absoluteTolerance) = (
      epsilon, relativeTolerance, absoluteTolerance
    )
    self.maximumProbes = maximumProbes
  }

  /// Checks d L / d input for every input; reports failures at the caller's line.
  public func check(
    _ inputs: [Tensor], file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor
  ) {
    let probe = f(inputs)
    var rng = RandomGenerator(seed: 1234)
    let weights = Tensor.uniform(probe.shape, low: -1, high: 1, using: &rng)
    let (_, analytic) = valueAndGradient(at: inputs) { xs in (f(xs) * weights).sum() }
    let w = weights.scalars.map(Double.init)
    func loss(_ xs: [Tensor]) -> Double {
      zip(f(xs).scalars, w).reduce(0.0) { $0 + Double($1.0) * $1.1 }
    }
    for (index, input) in inputs.enumerated() {
      XCTAssertEqual(
        analytic[index].shape, input.shape, "gradient shape of input \(index)", file: file, line: line)
      let step = Swift.max(1, input.scalarCount / maximumProbes)
      for element in stride(from: 0, to: input.scalarCount, by: step) {
        var values = input.scalars
        let original = values[element]
        values[element] = original + epsilon
        let plusValue = values[element]
        var xs = inputs
        xs[index] = Tensor(shape: input.shape, scalars: values)
        let plus = loss(xs)
        values[element] = original - epsilon
        let minusValue = values[element]
        xs[index] = Tensor(shape: input.shape, scalars: values)
        let minus = loss(xs)
        let numeric = (plus - minus) / (Double(plusValue) - Double(minusValue))
        let computed = Double(analytic[index].scalars[element])
        let tolerance = absoluteTolerance + relativeTolerance * Swift.max(abs(numeric), abs(computed))
        XCTAssertEqual(
          computed, numeric, accuracy: tolerance,
          "input \(index) element \(element): tape gradient \(computed) vs finite difference \(numeric)",
          file: file, line: line)
      }
    }
  }
}

// MARK: - Helpers

/// A tensor of uniform values with a fixed seed.
public func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
  var rng = RandomGenerator(seed: seed)
  return Tensor.uniform(shape, low: low, high: high, using: &rng)
}

/// A tensor of uniform values whose magnitudes are at least `gap` (away from kinks at 0).
public func tensorAwayFromZero(_ shape: [Int], seed: UInt64, gap: Float = 0.1) -> Tensor {
  Tensor(shape: shape, scalars: randomTensor(shape, seed: seed).scalars.map { $0 >= 0 ? $0 + gap : $0 - gap })
}

/// Asserts two scalar lists agree within `accuracy`.
public func assertClose(
  _ actual: [Float], _ expected: [Float], accuracy: Float = 1e-5, file: StaticString = #filePath,
  line: UInt = #line
) {
  XCTAssertEqual(actual.count, expected.count, "element count", file: file, line: line)
  for (i, (a, e)) in zip(actual, expected).enumerated() where Swift.abs(a - e) > accuracy {
    XCTFail("element \(i): got \(a), expected \(e)", file: file, line: line)
    return
  }
}
