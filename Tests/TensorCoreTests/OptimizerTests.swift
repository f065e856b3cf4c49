import TensorTestSupport
import XCTest

@testable import TensorCore

final class OptimizerTests: XCTestCase {
  /// f(w) = sum(a * (w - target)^2) with distinct curvatures.
  private func quadratic(_ w: Parameter) -> Tensor {
    let target = Tensor(shape: [3], scalars: [1, -2, 0.5])
    let curvature = Tensor(shape: [3], scalars: [1, 10, 0.3])
    return (curvature * (w.value - target).squared()).sum()
  }

  func testAdamConvergesOnQuadratic() {
    let w = Parameter(Tensor.zeros([3]))
    let adam = Adam(parameters: [w], learningRate: 0.05)
    var loss: Float = .infinity
    for _ in 0..<600 {
      let (value, grads) = valueAndGradient(at: [w]) { quadratic(w) }
      loss = value.item()
      adam.update(grads)
    }
    XCTAssertEqual(adam.step, 600)
    XCTAssertLessThan(loss, 1e-4)
    assertClose(w.value.scalars, [1, -2, 0.5], accuracy: 1e-2)
  }

  func testAdamFirstStepMovesByLearningRate() {
    // With bias correction the first step is lr * g / (|g| + eps) = lr * sign(g).
    let w = Parameter(Tensor(shape: [2], scalars: [3, -3]))
    let adam = Adam(parameters: [w], learningRate: 0.1)
    adam.update([Tensor(shape: [2], scalars: [5, -0.2])])
    assertClose(w.value.scalars, [2.9, -2.9], accuracy: 1e-5)
  }

  func testSGDWithMomentumConverges() {
    let w = Parameter(Tensor.zeros([3]))
    let sgd = SGD(parameters: [w], learningRate: 0.02, momentum: 0.9)
    for _ in 0..<400 {
      let (_, grads) = valueAndGradient(at: [w]) { quadratic(w) }
      sgd.update(grads)
    }
    assertClose(w.value.scalars, [1, -2, 0.5], accuracy: 1e-2)
  }

  func testClippingAndSchedules() {
    let gradients = [Tensor(shape: [2], scalars: [3, 4])]
    XCTAssertEqual(globalNorm(gradients), 5)
    let w = Parameter(Tensor.zeros([2]))
    let sgd = SGD(parameters: [w], learningRate: 1, maxGradientNorm: 1)
    sgd.update(gradients)
    assertClose(w.value.scalars, [-0.6, -0.8], accuracy: 1e-5)
    let schedule = LearningRateSchedule.stepDecay(every: 10, factor: 0.5)
    XCTAssertEqual(schedule.rate(base: 1, step: 9), 1)
    XCTAssertEqual(schedule.rate(base: 1, step: 10), 0.5)
    XCTAssertEqual(schedule.rate(base: 1, step: 25), 0.25)
    XCTAssertEqual(LearningRateSchedule.constant.rate(base: 0.3, step: 1000), 0.3)
    let warm = LearningRateSchedule.warmup(steps: 4, then: schedule)
    XCTAssertEqual((0..<6).map { warm.rate(base: 1, step: $0) }, [0.25, 0.5, 0.75, 1, 1, 1])
    XCTAssertEqual(warm.rate(base: 1, step: 10), 0.5)
  }
}
