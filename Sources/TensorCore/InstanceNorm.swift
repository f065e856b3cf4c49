// MARK: - Instance norm

/// Instance normalization of [N, C, H, W]: each (n, c) plane is scaled to zero mean and unit
/// (biased) variance, then multiplied by `scale` and shifted by `offset` (both [C]); with
/// `fusedReLU`, max(0, .) of that.
///
/// One fused kernel: two passes forward, two backward, with statistics in Double. The fused ReLU
/// costs no pass of its own: its mask is recomputed from the normalized values in the backward
/// pass. A channel-blocked `x` (a convolution's output) is normalized in that layout, 16
/// channels to a vector, and the result is channel-blocked too.
public func instanceNorm(
  _ x: Tensor, scale: Tensor, offset: Tensor, epsilon: Float = 1e-5, fusedReLU: Bool = false
) -> Tensor {
  precondition(x.rank == 4, "instanceNorm expects [N, C, H, W], got shape \(x.shape)")
  let channels = x.shape[1]
  precondition(
    scale.scalarCount == channels && offset.scalarCount == channels,
    "instanceNorm expects scale and offset of \(channels) values, got \(scale.shape) and \(offset.shape)")
  if x.isChannelBlocked {
    let (output, statistics) = BlockedInstanceNorm.forward(
      x, scale: scale, offset: offset, epsilon: epsilon, fusedReLU: fusedReLU)
    return Tensor.record(output, [x, scale, offset]) { g, wants in
      BlockedInstanceNorm.backward(
        g, input: x, statistics: statistics, scale: scale, offset: offset, fusedReLU: fusedReLU, wants: wants)
    }
  }
  let (planes, size) = (x.shape[0] * channels, x.shape[2] * x.shape[3])
  let normalized = Tensor(uninitializedShape: x.shape)
  let output = Tensor(uninitializedShape: x.shape)
  var inverseStd = [Float](repeating: 0, count: planes)
  let (src, xhat, out) = (x.storage.base, normalized.storage.base, output.storage.base)
  let (gamma, beta) = (scale.storage.base, offset.storage.base)
  inverseStd.withUnsafeMutableBufferPointer { inverse in
    parallelRanges(planes, costPerItem: size) { range in
      for plane in range {
        let (p, h, o) = (src + plane * size, xhat + plane * size, out + plane * size)
        let mean = PlaneReductions.sum(p, count: size) / Double(size)
        let m = Float(mean)
        let squares = PlaneReductions.squaredDeviations(p, count: size, mean: m)
        let inv = Float(1 / (squares / Double(size) + Double(epsilon)).squareRoot())
        let c = plane % channels
        let (g, b) = (gamma[c], beta[c])
        if fusedReLU {
          for i in 0..<size {
            let normal = (p[i] - m) * inv
            h[i] = normal
            o[i] = Swift.max(normal * g + b, 0)
          }
        } else {
          for i in 0..<size {
            let normal = (p[i] - m) * inv
            h[i] = normal
            o[i] = normal * g + b
          }
        }
        inverse[plane] = inv
      }
    }
  }
  withExtendedLifetime((x, scale, offset)) {}
  return Tensor.record(output, [x, scale, offset]) { g, wants in
    let upstream = fusedReLU ? reluMasked(g, normalized: normalized, scale: scale, offset: offset) : g
    return instanceNormBackward(
      upstream, normalized: normalized, inverseStd: inverseStd, scale: scale, wants: wants)
  }
}

/// The gradient `g` where the fused ReLU passed its input (xhat * scale + offset > 0), else 0.
private func reluMasked(_ g: Tensor, normalized: Tensor, scale: Tensor, offset: Tensor) -> Tensor {
  let channels = normalized.shape[1]
  let (planes, size) = (normalized.shape[0] * channels, normalized.shape[2] * normalized.shape[3])
  let masked = Tensor(uninitializedShape: g.shape)
  let (grad, xhat, out) = (g.storage.base, normalized.storage.base, masked.storage.base)
  let (gamma, beta) = (scale.storage.base, offset.storage.base)
  parallelRanges(planes, costPerItem: size) { range in
    for plane in range {
      let (gp, hp, op) = (grad + plane * size, xhat + plane * size, out + plane * size)
      let (scale, offset) = (gamma[plane % channels], beta[plane % channels])
      // 16 lanes at a time with a select: a scalar branch mispredicts on about half the values.
      var i = 0
      while i + 16 <= size {
        let passed = UnsafeRawPointer(hp + i).loadUnaligned(as: SIMD16<Float>.self) * scale + offset .> 0
        let gradient = UnsafeRawPointer(gp + i).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(op + i).storeBytes(
          of: SIMD16<Float>(repeating: 0).replacing(with: gradient, where: passed), as: SIMD16<Float>.self)
        i += 16
      }
      while i < size {
        op[i] = hp[i] * scale + offset > 0 ? gp[i] : 0
        i += 1
      }
    }
  }
  return withExtendedLifetime((g, normalized, scale, offset)) { masked }
}

/// Gradients of instance norm: d offset = sum g, d scale = sum g * xhat, and
/// dx = inv * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) per plane, with dxhat = g * scale.
private func instanceNormBackward(
  _ g: Tensor, normalized: Tensor, inverseStd: [Float], scale: Tensor, wants: [Bool]
) -> [Tensor?] {
  let channels = normalized.shape[1]
  let (planes, size) = (normalized.shape[0] * channels, normalized.shape[2] * normalized.shape[3])
  let gradInput = Tensor(uninitializedShape: normalized.shape)
  var planeSums = [Double](repeating: 0, count: 2 * planes)  // per plane: sum g, sum g * xhat
  let (grad, xhat, dx, gamma) = (
    g.storage.base, normalized.storage.base, gradInput.storage.base, scale.storage.base
  )
  planeSums.withUnsafeMutableBufferPointer { sums in
    parallelRanges(planes, costPerItem: size) { range in
      for plane in range {
        let (gp, hp, dp) = (grad + plane * size, xhat + plane * size, dx + plane * size)
        let (sumG, sumGH) = PlaneReductions.sumAndDot(gp, hp, count: size)
        sums[2 * plane] = sumG
        sums[2 * plane + 1] = sumGH
        let c = plane % channels
        let meanD = Float(sumG / Double(size)) * gamma[c]
        let meanDH = Float(sumGH / Double(size)) * gamma[c]
        let inv = inverseStd[plane]
        let (factor, shift, slope) = (inv * gamma[c], inv * meanD, inv * meanDH)
        for i in 0..<size { dp[i] = factor * gp[i] - shift - hp[i] * slope }
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
  withExtendedLifetime((g, normalized, scale)) {}
  return [
    wants[0] ? gradInput : nil,
    wants[1] ? Tensor(shape: scale.shape, scalars: gradScale) : nil,
    wants[2] ? Tensor(shape: scale.shape, scalars: gradOffset) : nil,
  ]
}
