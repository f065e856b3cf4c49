import CTensorKernels

// MARK: - Instance norm on channel-blocked tensors

/// Instance norm's kernels for a channel-blocked [N, C, H, W] tensor ([N, C/16, H, W, 16]): each
/// chunk of 16 channels of one image is one contiguous run of H * W vectors, one lane per
/// channel, so every pass is a plain vector loop and the 16 planes' statistics come out together.
///
/// Two passes forward (statistics, then the output) and two backward (sums, then the input
/// gradient), in C (`CTensorKernels`, AVX-512 where the CPU has it). The statistics are sums of
/// x - x0 and (x - x0)^2, with x0 the plane's first value, so that one pass gives a variance
/// without the cancellation of a plain sum of squares; sums run in Float lanes over blocks of 512
/// positions, folded into Double. The backward pass recomputes the normalized values (and the
/// fused ReLU's mask) from the saved input, so the forward pass writes only its output.
enum BlockedInstanceNorm {
  static let lanes = ChannelBlocks.width

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
    let planes = x.shape[0] * channels
    let output = x.uninitializedLike()
    var statistics = Statistics(
      mean: [Float](repeating: 0, count: planes), inverseStd: [Float](repeating: 0, count: planes))
    let (src, out) = (x.raw.base, output.raw.base)
    let (gamma, beta) = (scale.storage.base, offset.storage.base)
    statistics.mean.withUnsafeMutableBufferPointer { means in
      statistics.inverseStd.withUnsafeMutableBufferPointer { inverses in
        parallelRanges(planes / lanes, costPerItem: size * lanes) { chunks in
          tk_blocked_instance_norm_forward(
            src, out, means.baseAddress, inverses.baseAddress, gamma, beta, Int64(chunks.lowerBound),
            Int64(chunks.upperBound), Int64(channels), Int64(size), epsilon, fusedReLU ? 1 : 0)
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
    let gradInput = x.uninitializedLike()
    var planeSums = [Double](repeating: 0, count: 2 * planes)  // per plane: sum g, sum g * xhat
    let (grad, src, dx) = (g.raw.base, x.raw.base, gradInput.raw.base)
    let (gamma, beta) = (scale.storage.base, offset.storage.base)
    statistics.mean.withUnsafeBufferPointer { means in
      statistics.inverseStd.withUnsafeBufferPointer { inverses in
        planeSums.withUnsafeMutableBufferPointer { sums in
          parallelRanges(planes / lanes, costPerItem: size * lanes) { chunks in
            tk_blocked_instance_norm_backward(
              grad, src, dx, means.baseAddress, inverses.baseAddress, gamma, beta, sums.baseAddress,
              Int64(chunks.lowerBound), Int64(chunks.upperBound), Int64(channels), Int64(size),
              fusedReLU ? 1 : 0)
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
}

// MARK: - Kernel choice

/// Which version of the C kernels runs: AVX-512 where the CPU has it, else the portable one.
enum ElementKernels {
  /// Whether the AVX-512 versions run.
  static var usesAVX512: Bool { tk_uses_avx512() != 0 }

  /// Runs `body` with the portable versions only (for tests on a CPU with AVX-512).
  static func portableOnly<R>(_ body: () throws -> R) rethrows -> R {
    tk_set_portable_only(1)
    defer { tk_set_portable_only(0) }
    return try body()
  }
}
