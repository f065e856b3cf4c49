// MARK: - Axes

extension Tensor {
  /// Maps a possibly negative axis into 0..<rank, failing with a message naming the shape.
  func normalizedAxis(_ axis: Int) -> Int {
    let resolved = axis < 0 ? axis + rank : axis
    precondition(
      resolved >= 0 && resolved < Swift.max(rank, 1),
      "Axis \(axis) is out of range for a tensor of shape \(shape)")
    return resolved
  }

  /// The shape with each of `axes` set to 1.
  func keptShape(_ axes: Set<Int>) -> [Int] {
    shape.indices.map { axes.contains($0) ? 1 : shape[$0] }
  }
}

// MARK: - Sum, mean, variance

extension Tensor {
  /// The sum over `axes` (all axes when empty is not what you want: pass them explicitly).
  public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
    let axisSet = Set(axes.map(normalizedAxis))
    let kept = keptShape(axisSet)
    let summed = Tensor.record(sumKernel(keptShape: kept), self) { g in
      g.expandedCopy(to: self.shape)
    }
    return keepDims
      ? summed : summed.reshaped(shape.indices.filter { !axisSet.contains($0) }.map { shape[$0] })
  }

  /// The sum of all elements as a rank-0 tensor.
  public func sum() -> Tensor { sum(axes: Array(0..<rank)) }

  /// The mean over `axes`.
  public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
    let count = Set(axes.map(normalizedAxis)).reduce(1) { $0 * shape[$1] }
    return sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(count, 1)))
  }

  /// The mean of all elements as a rank-0 tensor.
  public func mean() -> Tensor { mean(axes: Array(0..<rank)) }

  /// The biased (population) variance over `axes`: mean((x - mean(x))^2).
  public func variance(axes: [Int], keepDims: Bool = false) -> Tensor {
    let centered = self - mean(axes: axes, keepDims: true)
    return centered.squared().mean(axes: axes, keepDims: keepDims)
  }

  /// Sums into `keptShape` (the input shape with reduced axes set to 1), accumulating in Double.
  func sumKernel(keptShape: [Int]) -> Tensor {
    let result = Tensor(uninitializedShape: keptShape)
    let input = storage.base
    let out = result.storage.base
    if scalarCount == 0 {
      result.storage.buffer.initialize(repeating: 0)
      return result
    }
    if result.scalarCount == scalarCount {
      out.update(from: input, count: scalarCount)
      return withExtendedLifetime(self) { result }
    }
    if result.scalarCount == 1 {
      let threads = Swift.max(1, Swift.min(ComputeThreads.count, scalarCount >> 15))
      var partials = [Double](repeating: 0, count: threads)
      partials.withUnsafeMutableBufferPointer { partial in
        let partialBase = partial.baseAddress!
        parallelRanges(threads, costPerItem: 1 << 15) { chunks in
          for chunk in chunks {
            let start = scalarCount * chunk / threads
            partialBase[chunk] = rowSum(input + start, count: scalarCount * (chunk + 1) / threads - start)
          }
        }
      }
      out[0] = Float(partials.reduce(0, +))
      return withExtendedLifetime(self) { result }
    }
    if keptShape.first == 1, keptShape.dropFirst().elementsEqual(shape.dropFirst()) {
      // Partial sums stacked along the first axis (per-thread weight gradients): each element
      // sums its column in order, split over the threads.
      let (parts, columns) = (shape[0], result.scalarCount)
      parallelRanges(columns, costPerItem: parts) { range in
        for column in range {
          var sum: Double = 0
          for part in 0..<parts { sum += Double(input[part * columns + column]) }
          out[column] = Float(sum)
        }
      }
      return withExtendedLifetime(self) { result }
    }
    let layout = Layout.coalesce(shape, Layout.strides(shape), Layout.broadcastStrides(keptShape, to: shape))
    let inner = layout.shape.last!
    let outerInnerStride = layout.b.last!
    var accumulator = [Double](repeating: 0, count: result.scalarCount)
    accumulator.withUnsafeMutableBufferPointer { acc in
      forEachRow(
        shape: layout.shape, stridesA: layout.a, stridesB: layout.b,
        rows: 0..<(scalarCount / inner)
      ) { row, _, offsetOut in
        let src = input + row * inner
        if outerInnerStride == 0 {
          acc[offsetOut] += rowSum(src, count: inner)
        } else {
          for i in 0..<inner { acc[offsetOut + i] += Double(src[i]) }
        }
      }
      for i in acc.indices { out[i] = Float(acc[i]) }
    }
    return withExtendedLifetime(self) { result }
  }
}

// MARK: - Row sums

/// The sum of `count` floats: 16 Float lanes over blocks of 1024 values, blocks added in Double
/// (fast and accurate to about 1e-7 relative).
@inline(__always)
func rowSum(_ values: UnsafePointer<Float>, count: Int) -> Double {
  var total = 0.0
  var start = 0
  while start < count {
    let end = Swift.min(count, start + 1024)
    var lanes = SIMD16<Float>()
    var i = start
    while i + 16 <= end {
      lanes += UnsafeRawPointer(values + i).loadUnaligned(as: SIMD16<Float>.self)
      i += 16
    }
    var block = lanes.sum()
    while i < end {
      block += values[i]
      i += 1
    }
    total += Double(block)
    start = end
  }
  return total
}

// MARK: - Sum across processes

extension Tensor {
  /// `sum(self)`, where `sum` adds this tensor to its copies in other processes (an allreduce):
  /// a linear map that is its own adjoint, so the backward pass sums the upstream gradient the
  /// same way. Every process must call it in the same order, forward and backward.
  ///
  /// ```swift
  /// let total = localSum.summedAcrossProcesses { group.allreduced($0) }
  /// ```
  public func summedAcrossProcesses(_ sum: @escaping (Tensor) -> Tensor) -> Tensor {
    let output = withoutGradients { sum(self.detached()) }
    precondition(
      output.shape == shape, "A sum across processes must keep the shape \(shape), got \(output.shape)")
    return Tensor.record(output, self) { g in sum(g) }
  }
}
