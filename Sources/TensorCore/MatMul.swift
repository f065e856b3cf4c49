import CDNNL

// MARK: - GEMM

/// Row-major single-precision GEMM on oneDNN's `dnnl_sgemm`, which picks its kernels from the
/// CPU's features. Large products are split by rows of C over the compute threads.
enum BLAS {
  /// C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C, with row-major leading dimensions.
  static func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    let (codeA, codeB) = (CChar(UInt8(ascii: transA ? "T" : "N")), CChar(UInt8(ascii: transB ? "T" : "N")))
    FLOPCount.add(2 * Double(m) * Double(n) * Double(k))
    let parts = m * n * k >= 1 << 20 ? Swift.min(ComputeThreads.count, m) : 1
    evenSlices(m, parts: parts) { _, rows in
      DNNL.singleThreaded()
      // Row i of op(A) starts at a + i * lda, or at a + i when A is transposed.
      let rowsOfA = a + rows.lowerBound * (transA ? 1 : lda)
      DNNL.check(
        dnnl_sgemm(
          codeA, codeB, Int64(rows.count), Int64(n), Int64(k), alpha, rowsOfA, Int64(lda), b, Int64(ldb),
          beta,
          c + rows.lowerBound * ldc, Int64(ldc)),
        "in sgemm of [\(m), \(k)] x [\(k), \(n)]")
    }
  }

  /// op(a) x op(b) for rank-2 tensors, without recording.
  static func product(_ a: Tensor, transA: Bool = false, _ b: Tensor, transB: Bool = false) -> Tensor {
    let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kb, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    precondition(k == kb, "matmul: inner dimensions differ: \(a.shape) x \(b.shape)")
    let result = Tensor(uninitializedShape: [m, n])
    if k == 0 {
      result.storage.buffer.initialize(repeating: 0)
    } else if m > 0 && n > 0 {
      sgemm(
        transA: transA, transB: transB, m: m, n: n, k: k, a: a.storage.base, lda: a.shape[1],
        b: b.storage.base, ldb: b.shape[1], c: result.storage.base, ldc: n)
    }
    return withExtendedLifetime((a, b)) { result }
  }
}

// MARK: - Matrix product

/// The matrix product of a [m, k] and a [k, n] tensor, computed with BLAS sgemm.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
  precondition(
    a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[0],
    "matmul expects [m, k] x [k, n], got \(a.shape) x \(b.shape)")
  return Tensor.record(
    BLAS.product(a, b), [a, b], gradients: { g in BLAS.product(g, b, transB: true) },
    { g in BLAS.product(a, transA: true, g) })
}
