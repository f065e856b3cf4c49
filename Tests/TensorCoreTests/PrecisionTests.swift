import TensorTestSupport
import XCTest

@testable import TensorCore

/// The value nearest `x` in bfloat16 (ties to even), as a Float.
func roundedToBFloat16(_ x: Float) -> Float {
  let bits = x.bitPattern
  let rounding = 0x7FFF + ((bits >> 16) & 1)
  return Float(bitPattern: (bits &+ rounding) & 0xFFFF_0000)
}

/// A tensor whose values are all exactly representable in bfloat16.
func bfloat16Tensor(_ shape: [Int], seed: UInt64) -> Tensor {
  Tensor(shape: shape, scalars: randomTensor(shape, seed: seed).scalars.map(roundedToBFloat16))
}

/// Convolutions in bfloat16: operands rounded to bf16, products accumulated in Float32, and the
/// fallback to Float32 on CPUs without AVX512_BF16 (the test command runs this file again with
/// `DNNL_MAX_CPU_ISA=AVX512_CORE` to take that path).
final class PrecisionTests: XCTestCase {
  override func tearDown() {
    ComputeBackend.convolutionPrecision = .float32
    super.tearDown()
  }

  func testWithConvolutionPrecisionRestoresTheSetting() {
    ComputeBackend.convolutionPrecision = .float32
    let inside = ComputeBackend.withConvolutionPrecision(.bfloat16) { ComputeBackend.convolutionPrecision }
    XCTAssertEqual(inside, ComputeBackend.hasBFloat16 ? .bfloat16 : .float32)
    XCTAssertEqual(ComputeBackend.convolutionPrecision, .float32)
  }

  func testBFloat16RequestRunsAsFloat32WithoutTheInstructions() throws {
    guard !ComputeBackend.hasBFloat16 else {
      throw XCTSkip("this CPU has AVX512_BF16; the test command runs this with DNNL_MAX_CPU_ISA=AVX512_CORE")
    }
    let (x, w, g) = (
      randomTensor([2, 16, 5, 5], seed: 90), randomTensor([16, 16, 3, 3], seed: 91),
      randomTensor([2, 16, 5, 5], seed: 92)
    )
    let loss = { (t: [Tensor]) in (conv2d(t[0], t[1]) * g).sum() }
    let reference = valueAndGradient(at: [x, w], loss)
    ComputeBackend.convolutionPrecision = .bfloat16
    XCTAssertEqual(ComputeBackend.convolutionPrecision, .float32)
    let fallback = valueAndGradient(at: [x, w], loss)
    XCTAssertEqual(fallback.value.item(), reference.value.item())
    for (a, b) in zip(fallback.gradients, reference.gradients) { XCTAssertEqual(a.scalars, b.scalars) }
  }

  func testBFloat16ConvolutionOfRepresentableValuesMatchesFloat32() throws {
    try XCTSkipUnless(ComputeBackend.hasBFloat16, "no AVX512_BF16 on this CPU (\(ComputeBackend.isa))")
    // Operands that bf16 holds exactly: only the accumulation order differs from Float32.
    for (channels, side) in [(3, 6), (32, 5)] {
      let x = bfloat16Tensor([3, channels, side, side], seed: 93)
      let w = bfloat16Tensor([32, channels, 3, 3], seed: 94)
      let b = randomTensor([32], seed: 95)
      let g = bfloat16Tensor([3, 32, side, side], seed: 96)
      let loss = { (t: [Tensor]) in (conv2d(t[0], t[1], bias: t[2]) * g).sum() }
      let reference = valueAndGradient(at: [x, w, b], loss)
      ComputeBackend.convolutionPrecision = .bfloat16
      XCTAssertEqual(ComputeBackend.convolutionPrecision, .bfloat16)
      assertClose(conv2d(x, w, bias: b).scalars, naiveConv2d(x, w, b).map(Float.init), accuracy: 1e-4)
      let mixed = valueAndGradient(at: [x, w, b], loss)
      ComputeBackend.convolutionPrecision = .float32
      XCTAssertEqual(
        mixed.value.item(), reference.value.item(), accuracy: 1e-4 * Swift.abs(reference.value.item()))
      for (a, e) in zip(mixed.gradients, reference.gradients) {
        assertClose(a.scalars, e.scalars, accuracy: 1e-3)
      }
    }
  }

  func testBFloat16ConvolutionRoundsItsOperands() throws {
    try XCTSkipUnless(ComputeBackend.hasBFloat16, "no AVX512_BF16 on this CPU (\(ComputeBackend.isa))")
    let x = randomTensor([2, 16, 5, 5], seed: 97)
    let w = randomTensor([16, 16, 3, 3], seed: 98)
    let rounded = (
      Tensor(shape: x.shape, scalars: x.scalars.map(roundedToBFloat16)),
      Tensor(shape: w.shape, scalars: w.scalars.map(roundedToBFloat16))
    )
    let mixed = ComputeBackend.withConvolutionPrecision(.bfloat16) { conv2d(x, w) }.scalars
    assertClose(mixed, naiveConv2d(rounded.0, rounded.1, nil).map(Float.init), accuracy: 1e-4)
    let exact = naiveConv2d(x, w, nil).map(Float.init)
    let largest = zip(mixed, exact).map { Swift.abs($0 - $1) }.max() ?? 0
    XCTAssertGreaterThan(largest, 1e-3, "bf16 products differ visibly from Float32 ones on these values")
  }

  func testBackwardPassKeepsTheForwardPassPrecision() throws {
    try XCTSkipUnless(ComputeBackend.hasBFloat16, "no AVX512_BF16 on this CPU (\(ComputeBackend.isa))")
    let (x, w, g) = (
      randomTensor([2, 16, 4, 4], seed: 99), randomTensor([16, 16, 3, 3], seed: 100),
      randomTensor([2, 16, 4, 4], seed: 101)
    )
    let allBFloat16 = ComputeBackend.withConvolutionPrecision(.bfloat16) {
      valueAndGradient(at: [x, w]) { (conv2d($0[0], $0[1]) * g).sum() }
    }
    // Forward in bf16, backward after the setting went back to fp32.
    let forwardOnly = valueAndGradient(at: [x, w]) { t in
      (ComputeBackend.withConvolutionPrecision(.bfloat16) { conv2d(t[0], t[1]) } * g).sum()
    }
    for (a, b) in zip(forwardOnly.gradients, allBFloat16.gradients) { XCTAssertEqual(a.scalars, b.scalars) }
  }
}
