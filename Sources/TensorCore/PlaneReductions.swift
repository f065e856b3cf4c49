// MARK: - Vectorized plane reductions

/// Sums over one contiguous plane of Floats, for the per-plane statistics of normalization layers.
///
/// A plain `total += Double(p[i])` loop is one long chain of dependent scalar additions (the
/// compiler may not reorder floating-point sums), so it runs at one element per add latency.
/// These kernels keep 16 independent Float lanes over blocks of `block` elements and fold each
/// block into a Double, which vectorizes and stays accurate for planes of any size.
enum PlaneReductions {
  /// Elements summed in Float lanes before the partial sum is folded into a Double.
  static let block = 512

  /// The sum of `p[0..<count]`.
  @inline(__always)
  static func sum(_ p: UnsafePointer<Float>, count: Int) -> Double {
    var total = 0.0
    var start = 0
    while start < count {
      let end = Swift.min(count, start + block)
      var lanes = SIMD16<Float>()
      var i = start
      while i + 16 <= end {
        lanes += load(p + i)
        i += 16
      }
      var rest: Float = 0
      while i < end {
        rest += p[i]
        i += 1
      }
      total += Double(lanes.sum() + rest)
      start = end
    }
    return total
  }

  /// The sum of `(p[i] - mean)^2` over `p[0..<count]`.
  @inline(__always)
  static func squaredDeviations(_ p: UnsafePointer<Float>, count: Int, mean: Float) -> Double {
    var total = 0.0
    var start = 0
    let center = SIMD16<Float>(repeating: mean)
    while start < count {
      let end = Swift.min(count, start + block)
      var lanes = SIMD16<Float>()
      var i = start
      while i + 16 <= end {
        let d = load(p + i) - center
        lanes += d * d
        i += 16
      }
      var rest: Float = 0
      while i < end {
        rest += (p[i] - mean) * (p[i] - mean)
        i += 1
      }
      total += Double(lanes.sum() + rest)
      start = end
    }
    return total
  }

  /// The sums of `a[i]` and of `a[i] * b[i]` over `0..<count`, in one pass.
  @inline(__always)
  static func sumAndDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> (Double, Double)
  {
    var (sumA, dot) = (0.0, 0.0)
    var start = 0
    while start < count {
      let end = Swift.min(count, start + block)
      var (lanesA, lanesDot) = (SIMD16<Float>(), SIMD16<Float>())
      var i = start
      while i + 16 <= end {
        let va = load(a + i)
        lanesA += va
        lanesDot += va * load(b + i)
        i += 16
      }
      var (restA, restDot): (Float, Float) = (0, 0)
      while i < end {
        restA += a[i]
        restDot += a[i] * b[i]
        i += 1
      }
      sumA += Double(lanesA.sum() + restA)
      dot += Double(lanesDot.sum() + restDot)
      start = end
    }
    return (sumA, dot)
  }

  @inline(__always)
  private static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
  }
}
