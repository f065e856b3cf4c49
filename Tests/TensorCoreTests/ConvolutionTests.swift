import TensorTestSupport
import XCTest

@testable import TensorCore

// MARK: - Naive reference

/// Direct (seven-loop) same-padded convolution in Double.
func naiveConv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?) -> [Double] {
  let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  let (o, k) = (w.shape[0], w.shape[2])
  let pad = (k - 1) / 2
  let (xs, ws, bs) = (x.scalars, w.scalars, b?.scalars)
  var out = [Double](repeating: 0, count: n * o * h * wd)
  for image in 0..<n {
    for oc in 0..<o {
      for y in 0..<h {
        for xx in 0..<wd {
          var total = Double(bs?[oc] ?? 0)
          for ic in 0..<c {
            for i in 0..<k {
              for j in 0..<k {
                let (sy, sx) = (y + i - pad, xx + j - pad)
                guard sy >= 0, sy < h, sx >= 0, sx < wd else { continue }
                total +=
                  Double(xs[((image * c + ic) * h + sy) * wd + sx])
                  * Double(ws[((oc * c + ic) * k + i) * k + j])
              }
            }
          }
          out[((image * o + oc) * h + y) * wd + xx] = total
        }
      }
    }
  }
  return out
}

// MARK: - Tests

final class ConvolutionTests: XCTestCase {
  func testForwardMatchesNaiveConvolution() {
    for k in [1, 3] {
      let x = randomTensor([3, 4, 5, 6], seed: 40)
      let w = randomTensor([5, 4, k, k], seed: 41)
      let b = randomTensor([5], seed: 42)
      let expected = naiveConv2d(x, w, b).map(Float.init)
      assertClose(conv2d(x, w, bias: b).scalars, expected, accuracy: 1e-4)
      assertClose(conv2d(x, w, nil).scalars, naiveConv2d(x, w, nil).map(Float.init), accuracy: 1e-4)
    }
  }

  func testBatchSplitOverThreadsMatchesOneThread() {
    withSmallConvolution { inputs, loss in
      let (x, w, b) = (inputs[0], inputs[1], inputs[2])
      ComputeThreads.count = 1
      let (_, reference) = valueAndGradient(at: inputs, loss)
      // Two slices of 2 and 3 images, three slices of 1, 2 and 2, then one image per slice.
      for threads in [2, 3, 5] {
        ComputeThreads.count = threads
        assertClose(conv2d(x, w, bias: b).scalars, naiveConv2d(x, w, b).map(Float.init), accuracy: 1e-4)
        let (_, grads) = valueAndGradient(at: inputs, loss)
        assertClose(grads[0].scalars, reference[0].scalars, accuracy: 1e-4)
        assertClose(grads[1].scalars, reference[1].scalars, accuracy: 1e-3)
        assertClose(grads[2].scalars, reference[2].scalars, accuracy: 1e-3)
      }
    }
  }

  func testWideConvolutionsMatchNaiveWithDirectAndWinogradKernels() {
    // 32 to 48 channels: the engine works in its blocked layouts, reordered at both ends, and
    // Winograd applies where the CPU has it.
    let x = randomTensor([3, 32, 6, 5], seed: 52)
    let w = randomTensor([48, 32, 3, 3], seed: 53)
    let b = randomTensor([48], seed: 54)
    let g = randomTensor([3, 48, 6, 5], seed: 55)
    let saved = ComputeBackend.winogradConvolutions
    defer { ComputeBackend.winogradConvolutions = saved }
    var gradients: [[Tensor]] = []
    for winograd in [false, true] {
      ComputeBackend.winogradConvolutions = winograd
      assertClose(conv2d(x, w, bias: b).scalars, naiveConv2d(x, w, b).map(Float.init), accuracy: 1e-3)
      gradients.append(valueAndGradient(at: [x, w, b]) { (conv2d($0[0], $0[1], bias: $0[2]) * g).sum() }.1)
    }
    for (direct, winograd) in zip(gradients[0], gradients[1]) {
      assertClose(winograd.scalars, direct.scalars, accuracy: 1e-3)
    }
  }

  func testGradientsMatchFiniteDifferences() {
    let checker = GradientChecker(epsilon: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3)
    for k in [1, 3] {
      let x = randomTensor([2, 3, 5, 4], seed: 45)
      let w = randomTensor([4, 3, k, k], seed: 46)
      let b = randomTensor([4], seed: 47)
      checker.check([x, w, b]) { conv2d($0[0], $0[1], bias: $0[2]) }
    }
  }

  func testInputGradientMatchesNaiveTransposedConvolution() {
    let x = randomTensor([2, 3, 6, 5], seed: 48)
    let w = randomTensor([4, 3, 3, 3], seed: 49)
    let g = randomTensor([2, 4, 6, 5], seed: 50)
    let (_, grads) = valueAndGradient(at: [x, w]) { (conv2d($0[0], $0[1]) * g).sum() }
    // d/dx[n,c,sy,sx] = sum_o,i,j g[n,o,sy-i+1,sx-j+1] * w[o,c,i,j]
    var expected = [Double](repeating: 0, count: x.scalarCount)
    var expectedW = [Double](repeating: 0, count: w.scalarCount)
    let (xs, ws, gs) = (x.scalars, w.scalars, g.scalars)
    for n in 0..<2 {
      for o in 0..<4 {
        for y in 0..<6 {
          for xx in 0..<5 {
            for c in 0..<3 {
              for i in 0..<3 {
                for j in 0..<3 {
                  let (sy, sx) = (y + i - 1, xx + j - 1)
                  guard sy >= 0, sy < 6, sx >= 0, sx < 5 else { continue }
                  let gv = Double(gs[((n * 4 + o) * 6 + y) * 5 + xx])
                  expected[((n * 3 + c) * 6 + sy) * 5 + sx] += gv * Double(ws[((o * 3 + c) * 3 + i) * 3 + j])
                  expectedW[((o * 3 + c) * 3 + i) * 3 + j] += gv * Double(xs[((n * 3 + c) * 6 + sy) * 5 + sx])
                }
              }
            }
          }
        }
      }
    }
    assertClose(grads[0].scalars, expected.map(Float.init), accuracy: 1e-4)
    assertClose(grads[1].scalars, expectedW.map(Float.init), accuracy: 1e-4)
  }
}

/// Runs `body` with a small convolution's input, kernel and bias (5 images, 3 to 2 channels, 4x4)
/// and a loss over it, for comparing results at different thread counts; the thread count is put
/// back afterwards.
func withSmallConvolution(_ body: (_ inputs: [Tensor], _ loss: @escaping ([Tensor]) -> Tensor) -> Void) {
  let inputs = [
    randomTensor([5, 3, 4, 4], seed: 43), randomTensor([2, 3, 3, 3], seed: 44), randomTensor([2], seed: 51),
  ]
  let saved = ComputeThreads.count
  defer { ComputeThreads.count = saved }
  body(inputs) { xs in conv2d(xs[0], xs[1], bias: xs[2]).squared().sum() }
}
