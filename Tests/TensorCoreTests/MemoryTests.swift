import Foundation
import XCTest

@testable import TensorCore

/// The resident set size of this process in MiB, from /proc/self/status.
func residentMegabytes() -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
    let kilobytes = Double(line.split(separator: " ")[1])
  else { return 0 }
  return kilobytes / 1024
}

final class MemoryTests: XCTestCase {
  func testTrainingLoopMemoryIsSteady() {
    var rng = RandomGenerator(seed: 3)
    let weight = Parameter(Tensor.normal([16, 8, 3, 3], std: 0.1, using: &rng))
    let bias = Parameter(Tensor.zeros([16]))
    let scale = Parameter(Tensor.ones([16]))
    let parameters = [weight, bias, scale]
    let adam = Adam(parameters: parameters, learningRate: 1e-3)
    let input = Tensor.normal([16, 8, 12, 12], using: &rng)
    func step() {
      let (_, grads) = valueAndGradient(at: parameters) {
        let y = conv2d(input, weight.value, bias: bias.value)
        return (tanh(y) * scale.value.reshaped([1, 16, 1, 1])).squared().mean()
      }
      adam.update(grads)
    }
    for _ in 0..<10 { step() }
    let before = residentMegabytes()
    for _ in 0..<100 { step() }
    let after = residentMegabytes()
    XCTAssertGreaterThan(before, 0, "VmRSS must be readable")
    XCTAssertLessThan(after - before, 8, "RSS grew from \(before) MiB to \(after) MiB over 100 steps")
  }
}
