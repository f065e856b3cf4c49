// MARK: - Instance norm on channel-blocked tensors

/// Instance norm's kernels for a channel-blocked [N, C, H, W] tensor ([N, C/16, H, W, 16]): each
/// chunk of 16 channels of one image is one contiguous run of H * W vectors, one lane per
/// channel, so every pass is a plain vector loop and the 16 planes' statistics come out together.
///
/// Two passes forward (statistics, then the output) and two backward (sums, then the input
/// gradient). The statistics are sums of x - x0 and (x - x0)^2, with x0 the plane's first value,
/// so that one pass gives a variance without the cancellation of a plain sum of squares; sums run
/// in Float lanes over blocks of `block` positions, folded into Double. The backward pass
/// recomputes the normalized values (and the fused ReLU's mask) from the saved input, so the
/// forward pass writes only its output.
enum BlockedInstanceNorm {
  typealias Lanes = SIMD16<Float>

  /// Positions summed in Float lanes before the partial sums are folded into Doubles.
  static let block = 512

  /// Per (image, channel) plane, as the backward pass needs them: the mean and 1 / std.
  struct Statistics {
    var mean: [Float]
    var inverseStd: [Float]
  }

  /// The output (relu'ed when `fusedReLU`), channel-blocked, and the planes' statistics.
  static func forward(
    _ x: Tensor, scale: Tensor, offset: Tensor, epsilon: Float, fusedReLU: Bool
  ) -> (output: Tensor, statistics: Statistics) {
    let (channels, size) = (x.shape[1], x.shape[2] * x.shape[3])
    let chunks = x.shape[0] * channels / Lanes.scalarCount
    let output = x.uninitializedLike()
    let planes = x.shape[0] * channels
    var statistics = Statistics(
      mean: [Float](repeating: 0, count: planes), inverseStd: [Float](repeating: 0, count: planes))
    let (src, out) = (x.raw.base, output.raw.base)
    let (gamma, beta) = (scale.storage.base, offset.storage.base)
    statistics.mean.withUnsafeMutableBufferPointer { means in
      statistics.inverseStd.withUnsafeMutableBufferPointer { inverses in
        parallelRanges(chunks, costPerItem: size * Lanes.scalarCount) { range in
          for chunk in range {
            let start = chunk * size * Lanes.scalarCount
            let (p, o) = (src + start, out + start)
            let first = load(p, 0)
            let (shifted, squares) = sums(count: size) { i in
              let d = load(p, i) - first
              return (d, d * d)
            }
            var (mean, inv) = (Lanes(), Lanes())
            for lane in 0..<Lanes.scalarCount {
              let m = shifted[lane] / Double(size)
              let variance = Swift.max(squares[lane] / Double(size) - m * m, 0)
              mean[lane] = Float(Double(first[lane]) + m)
              inv[lane] = Float(1 / (variance + Double(epsilon)).squareRoot())
            }
            let firstChannel = chunk * Lanes.scalarCount % channels
            let (g, b) = (load(gamma + firstChannel, 0), load(beta + firstChannel, 0))
            // out = xhat * g + b = x * (inv * g) + (b - mean * inv * g)
            let slope = inv * g
            let intercept = b - mean * slope
            for i in 0..<size {
              let affine = load(p, i) * slope + intercept
              store(fusedReLU ? affine.replacing(with: 0, where: affine .< 0) : affine, o, i)
            }
            for lane in 0..<Lanes.scalarCount {
              means[chunk * Lanes.scalarCount + lane] = mean[lane]
              inverses[chunk * Lanes.scalarCount + lane] = inv[lane]
            }
          }
        }
      }
    }
    return withExtendedLifetime((x, scale, offset)) { (output, statistics) }
  }

  /// The gradients for x (channel-blocked), the scale and the offset: d offset = sum g,
  /// d scale = sum g * xhat, dx = inv * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) per
  /// plane with dxhat = g * scale, where g is masked by the fused ReLU when there is one.
  static func backward(
    _ upstream: Tensor, input x: Tensor, statistics: Statistics, scale: Tensor, offset: Tensor,
    fusedReLU: Bool, wants: [Bool]
  ) -> [Tensor?] {
    let g = upstream.channelBlocked()
    let (channels, size) = (x.shape[1], x.shape[2] * x.shape[3])
    let planes = x.shape[0] * channels
    let chunks = planes / Lanes.scalarCount
    let gradInput = x.uninitializedLike()
    var planeSums = [Double](repeating: 0, count: 2 * planes)  // per plane: sum g, sum g * xhat
    let (grad, src, dx) = (g.raw.base, x.raw.base, gradInput.raw.base)
    let (gamma, beta) = (scale.storage.base, offset.storage.base)
    planeSums.withUnsafeMutableBufferPointer { planeSums in
      parallelRanges(chunks, costPerItem: size * Lanes.scalarCount) { range in
        for chunk in range {
          let start = chunk * size * Lanes.scalarCount
          let (gp, xp, dp) = (grad + start, src + start, dx + start)
          let firstPlane = chunk * Lanes.scalarCount
          let firstChannel = firstPlane % channels
          let (scaleLanes, offsetLanes) = (load(gamma + firstChannel, 0), load(beta + firstChannel, 0))
          var (mean, inv) = (Lanes(), Lanes())
          for lane in 0..<Lanes.scalarCount {
            mean[lane] = statistics.mean[firstPlane + lane]
            inv[lane] = statistics.inverseStd[firstPlane + lane]
          }
          @inline(__always) func normalizedAndGradient(_ i: Int) -> (Lanes, Lanes) {
            let normal = (load(xp, i) - mean) * inv
            let value = load(gp, i)
            guard fusedReLU else { return (normal, value) }
            return (normal, Lanes().replacing(with: value, where: normal * scaleLanes + offsetLanes .> 0))
          }
          let (sumG, sumGH) = sums(count: size) { i in
            let (normal, gradient) = normalizedAndGradient(i)
            return (gradient, gradient * normal)
          }
          for lane in 0..<Lanes.scalarCount {
            planeSums[2 * (firstPlane + lane)] = sumG[lane]
            planeSums[2 * (firstPlane + lane) + 1] = sumGH[lane]
          }
          let meanD = Lanes(sumG / Double(size)) * scaleLanes
          let meanDH = Lanes(sumGH / Double(size)) * scaleLanes
          let (factor, shift, slope) = (inv * scaleLanes, inv * meanD, inv * meanDH)
          for i in 0..<size {
            let (normal, gradient) = normalizedAndGradient(i)
            store(factor * gradient - shift - normal * slope, dp, i)
          }
        }
      }
    }
    var (gradScale, gradOffset) = (
      [Float](repeating: 0, count: channels), [Float](repeating: 0, count: channels)
    )
    for plane in 0..<planes {
      gradOffset[plane % channels] += Float(planeSums[2 * plane])
      gradScale[plane % channels] += Float(planeSums[2 * plane + 1])
    }
    withExtendedLifetime((g, x, scale, offset)) {}
    return [
      wants[0] ? gradInput : nil,
      wants[1] ? Tensor(shape: scale.shape, scalars: gradScale) : nil,
      wants[2] ? Tensor(shape: scale.shape, scalars: gradOffset) : nil,
    ]
  }

  /// The lane-wise sums of both parts of `terms(i)` over positions 0..<count.
  @inline(__always)
  static func sums(count: Int, _ terms: (Int) -> (Lanes, Lanes)) -> (SIMD16<Double>, SIMD16<Double>) {
    var (first, second) = (SIMD16<Double>(), SIMD16<Double>())
    var start = 0
    while start < count {
      let end = Swift.min(count, start + block)
      var (a, b) = (Lanes(), Lanes())
      for i in start..<end {
        let (termA, termB) = terms(i)
        a += termA
        b += termB
      }
      first += SIMD16<Double>(a)
      second += SIMD16<Double>(b)
      start = end
    }
    return (first, second)
  }

  /// The vector at position `i` of a run of vectors.
  @inline(__always)
  static func load(_ p: UnsafePointer<Float>, _ i: Int) -> Lanes {
    UnsafeRawPointer(p + i * Lanes.scalarCount).loadUnaligned(as: Lanes.self)
  }

  @inline(__always)
  static func store(_ value: Lanes, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p + i * Lanes.scalarCount).storeBytes(of: value, as: Lanes.self)
  }
}
