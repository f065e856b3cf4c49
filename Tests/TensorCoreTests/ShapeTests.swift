import TensorTestSupport
import XCTest

@testable import TensorCore

final class ShapeTests: XCTestCase {
  // MARK: - PixelUnshuffle order

  func testPixelUnshuffleMatchesPyTorchOrder() {
    // x = arange(32) as [1, 2, 4, 4]. PyTorch's PixelUnshuffle(2): output channel c*4 + i*2 + j
    // at (h, w) takes x[c, 2h+i, 2w+j]. Channel 0 (c=0, i=0, j=0) takes the even rows' even
    // columns of plane 0: x[0,0,0] = 0, x[0,0,2] = 2, x[0,2,0] = 8, x[0,2,2] = 10.
    let x = Tensor.arange(32).reshaped([1, 2, 4, 4])
    let y = pixelUnshuffle(x)
    XCTAssertEqual(y.shape, [1, 8, 2, 2])
    let expected: [Float] = [
      0, 2, 8, 10,  // c0 i0 j0
      1, 3, 9, 11,  // c0 i0 j1
      4, 6, 12, 14,  // c0 i1 j0
      5, 7, 13, 15,  // c0 i1 j1
      16, 18, 24, 26,  // c1 i0 j0
      17, 19, 25, 27,  // c1 i0 j1
      20, 22, 28, 30,  // c1 i1 j0
      21, 23, 29, 31,  // c1 i1 j1
    ]
    XCTAssertEqual(y.scalars, expected)
    XCTAssertEqual(pixelShuffle(y).scalars, x.scalars)
  }

  // MARK: - Broadcasting

  func testBroadcastShapesFollowNumPyRules() {
    XCTAssertEqual(Layout.broadcastShape([2, 3, 4], [4]), [2, 3, 4])
    XCTAssertEqual(Layout.broadcastShape([2, 1, 4], [3, 1]), [2, 3, 4])
    XCTAssertEqual(Layout.broadcastShape([], [5, 2]), [5, 2])
    let a = Tensor(shape: [2, 1], scalars: [1, 2])
    let b = Tensor(shape: [3], scalars: [10, 20, 30])
    XCTAssertEqual((a + b).shape, [2, 3])
    XCTAssertEqual((a + b).scalars, [11, 21, 31, 12, 22, 32])
    XCTAssertEqual((b - a).scalars, [9, 19, 29, 8, 18, 28])
    let x = Tensor.arange(24).reshaped([2, 3, 4])
    let perChannel = Tensor(shape: [1, 3, 1], scalars: [0, 100, 200])
    let sum = (x + perChannel).scalars
    XCTAssertEqual(sum[0], 0)
    XCTAssertEqual(sum[5], 105)
    XCTAssertEqual(sum[23], 223)
  }

  // MARK: - Shape work

  func testReshapePermuteConcatSplit() {
    let x = Tensor.arange(6).reshaped([2, -1])
    XCTAssertEqual(x.shape, [2, 3])
    XCTAssertEqual(x.transposed().scalars, [0, 3, 1, 4, 2, 5])
    let joined = Tensor.concatenated([x, x * 10], axis: 1)
    XCTAssertEqual(joined.scalars, [0, 1, 2, 0, 10, 20, 3, 4, 5, 30, 40, 50])
    let parts = joined.split(sizes: [1, 5], axis: 1)
    XCTAssertEqual(parts[0].scalars, [0, 3])
    XCTAssertEqual(parts[1].shape, [2, 5])
    XCTAssertEqual(x.chunked(2, axis: 0)[1].scalars, [3, 4, 5])
    XCTAssertEqual(x[rows: 1..<2].scalars, [3, 4, 5])
  }

  func testReductionsAndValueSemantics() {
    let x = Tensor.arange(12).reshaped([3, 4])
    XCTAssertEqual(x.sum(axes: [0]).scalars, [12, 15, 18, 21])
    XCTAssertEqual(x.sum(axes: [1], keepDims: true).shape, [3, 1])
    XCTAssertEqual(x.mean().item(), 5.5)
    XCTAssertEqual(Tensor(shape: [4], scalars: [1, 2, 3, 4]).variance(axes: [0]).item(), 1.25)
    var copy = x
    copy.withUnsafeMutableBufferPointer { $0[0] = 99 }
    XCTAssertEqual(x.scalars[0], 0, "writing a copy must not change the original")
    XCTAssertEqual(copy.scalars[0], 99)
  }

  func testMatmulMatchesHandComputation() {
    let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
    XCTAssertEqual(matmul(a, b).scalars, [58, 64, 139, 154])
  }

  func testWithoutGradientsRecordsNothing() {
    let x = Tensor(shape: [2], scalars: [1, 2])
    let (_, grads) = valueAndGradient(at: [x]) { xs in
      let frozen = withoutGradients { xs[0] * 3 }
      XCTAssertFalse(frozen.isTracked)
      return (xs[0] * frozen).sum()
    }
    XCTAssertEqual(grads[0].scalars, [3, 6], "the frozen factor is a constant")
  }

  func testParameterGradientsAndUntrackedOutside() {
    let w = Parameter(Tensor(shape: [2], scalars: [1, -2]))
    let unused = Parameter(Tensor.ones([3]))
    let (value, grads) = valueAndGradient(at: [w, unused]) { (w.value * w.value).sum() }
    XCTAssertEqual(value.item(), 5)
    XCTAssertEqual(grads[0].scalars, [2, -4])
    XCTAssertEqual(grads[1].scalars, [0, 0, 0])
    XCTAssertFalse(w.value.isTracked)
  }

  func testMethodFormsMatchFreeFunctions() {
    let x = randomTensor([1, 4, 2, 2], seed: 60, low: 1.1, high: 2)
    XCTAssertEqual(x.exp().scalars, exp(x).scalars)
    XCTAssertEqual(x.log().sqrt().scalars, sqrt(log(x)).scalars)
    XCTAssertEqual(x.tanh().sigmoid().scalars, sigmoid(tanh(x)).scalars)
    XCTAssertEqual(x.pixelShuffled().pixelUnshuffled().scalars, x.scalars)
    XCTAssertEqual(x.pow(2).scalars, pow(x, 2).scalars)
  }

  func testEmptyTensorsFlowThroughOps() {
    let empty = Tensor.zeros([0, 3])
    XCTAssertEqual((empty + Tensor.ones([1, 3])).shape, [0, 3])
    XCTAssertEqual(empty.sum(axes: [0]).scalars, [0, 0, 0])
    XCTAssertEqual(empty.permuted([1, 0]).shape, [3, 0])
    XCTAssertEqual(Tensor.ones([4, 3]).rows(2..<2).shape, [0, 3])
  }
}
