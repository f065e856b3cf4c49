// MARK: - Reshape and permute

extension Tensor {
  /// The same elements viewed with a new shape (one dimension may be -1 to infer it); no copy.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    var resolved = newShape
    if let inferred = newShape.firstIndex(of: -1) {
      let known = newShape.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
      precondition(
        known > 0 && scalarCount % known == 0,
        "Cannot reshape a tensor of shape \(shape) to \(newShape)")
      resolved[inferred] = scalarCount / known
    }
    precondition(
      Tensor.elementCount(resolved) == scalarCount,
      "Cannot reshape a tensor of shape \(shape) (\(scalarCount) elements) to \(newShape)")
    let view = Tensor(shape: resolved, storage: storage)
    return Tensor.record(view, self) { g in g.reshaped(self.shape) }
  }

  /// The tensor with its axes reordered: result dimension i is input dimension axes[i].
  public func permuted(_ axes: [Int]) -> Tensor {
    precondition(
      axes.count == rank && Set(axes.map(normalizedAxis)).count == rank,
      "permuted(\(axes)) needs a permutation of 0..<\(rank) for shape \(shape)")
    let axes = axes.map(normalizedAxis)
    let own = Layout.strides(shape)
    let result = Tensor.stridedCopy(self, shape: axes.map { shape[$0] }, strides: axes.map { own[$0] })
    var inverse = [Int](repeating: 0, count: rank)
    for (i, axis) in axes.enumerated() { inverse[axis] = i }
    return Tensor.record(result, self) { g in g.permuted(inverse) }
  }

  /// The tensor with its axes in reverse order (the matrix transpose for rank 2).
  public func transposed() -> Tensor { permuted(Array((0..<rank).reversed())) }

  /// The tensor stretched to a broadcast-compatible `shape`, copying values.
  public func broadcasted(to target: [Int]) -> Tensor {
    precondition(
      Layout.broadcastShape(shape, target) == target,
      "Cannot broadcast shape \(shape) to \(target)")
    return Tensor.record(expandedCopy(to: target), self) { g in g.reduced(toShape: self.shape) }
  }

  /// Unrecorded broadcast copy (returns self when the shape already matches).
  func expandedCopy(to target: [Int]) -> Tensor {
    if shape == target { return detached() }
    if scalarCount == 1 { return Tensor.full(target, value: storage.base[0]) }
    return Tensor.stridedCopy(self, shape: target, strides: Layout.broadcastStrides(shape, to: target))
  }
}

// MARK: - Slicing along the batch axis

extension Tensor {
  /// The rows `range` of axis 0 (for example a mini-batch), copied.
  public func rows(_ range: Range<Int>) -> Tensor {
    precondition(
      rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
      "Rows \(range) are out of bounds for a tensor of shape \(shape)")
    var pieceShape = shape
    pieceShape[0] = range.count
    let rowSize = scalarCount / Swift.max(shape[0], 1)
    let result = Tensor(uninitializedShape: pieceShape)
    result.storage.base.update(from: storage.base + range.lowerBound * rowSize, count: result.scalarCount)
    return Tensor.record(result, self) { g in
      let full = Tensor.zeros(self.shape)
      full.storage.base.advanced(by: range.lowerBound * rowSize).update(
        from: g.storage.base, count: g.scalarCount)
      return full
    }
  }

  /// The rows `range` of axis 0, copied (same as `rows(_:)`).
  public subscript(rows range: Range<Int>) -> Tensor { rows(range) }
}

// MARK: - Concatenate, split, chunk

extension Tensor {
  /// Joins tensors along `axis`; all other dimensions must match.
  public static func concatenated(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "concatenated(_:axis:) needs at least one tensor")
    let first = tensors[0]
    let axis = first.normalizedAxis(axis)
    var outShape = first.shape
    outShape[axis] = 0
    for tensor in tensors {
      var expected = first.shape
      expected[axis] = tensor.rank == first.rank ? tensor.shape[axis] : -1
      precondition(
        tensor.shape == expected,
        "concatenated along axis \(axis): shape \(tensor.shape) does not match \(first.shape)")
      outShape[axis] += tensor.shape[axis]
    }
    let result = Tensor(uninitializedShape: outShape)
    var offset = 0
    for tensor in tensors {
      copyBlocks(
        from: tensor, axisOffset: 0, into: result, axisOffset: offset, span: tensor.shape[axis], axis: axis)
      offset += tensor.shape[axis]
    }
    let sizes = tensors.map { $0.shape[axis] }
    return record(result, tensors) { g, _ in g.split(sizes: sizes, axis: axis) }
  }

  /// Cuts the tensor along `axis` into pieces of the given sizes (which must add up).
  public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
    let axis = normalizedAxis(axis)
    precondition(
      sizes.reduce(0, +) == shape[axis] && sizes.allSatisfy { $0 >= 0 },
      "split(sizes: \(sizes)) must add up to dimension \(axis) of shape \(shape)")
    var offset = 0
    return sizes.map { size in
      var pieceShape = shape
      pieceShape[axis] = size
      let piece = Tensor(uninitializedShape: pieceShape)
      Tensor.copyBlocks(from: self, axisOffset: offset, into: piece, axisOffset: 0, span: size, axis: axis)
      let start = offset
      offset += size
      return Tensor.record(piece, self) { g in
        let full = Tensor.zeros(self.shape)
        Tensor.copyBlocks(from: g, axisOffset: 0, into: full, axisOffset: start, span: size, axis: axis)
        return full
      }
    }
  }

  /// Cuts the tensor along `axis` into `count` equal pieces.
  public func chunked(_ count: Int, axis: Int = 0) -> [Tensor] {
    let axis = normalizedAxis(axis)
    precondition(
      count > 0 && shape[axis] % count == 0,
      "chunked(\(count)) needs dimension \(axis) of shape \(shape) to divide evenly")
    return split(sizes: Array(repeating: shape[axis] / count, count: count), axis: axis)
  }

  /// Copies `span` slices along `axis` from `source` (starting at `sourceOffset`) into
  /// `destination` (starting at `destinationOffset`); other dimensions must match.
  static func copyBlocks(
    from source: Tensor, axisOffset sourceOffset: Int, into destination: Tensor,
    axisOffset destinationOffset: Int,
    span: Int, axis: Int
  ) {
    let outer = source.shape[..<axis].reduce(1, *)
    let inner = source.shape[(axis + 1)...].reduce(1, *)
    let (sourceAxis, destinationAxis) = (source.shape[axis], destination.shape[axis])
    let (src, dst) = (source.storage.base, destination.storage.base)
    let block = span * inner
    parallelRanges(outer, costPerItem: block) { range in
      for o in range {
        (dst + (o * destinationAxis + destinationOffset) * inner)
          .update(from: src + (o * sourceAxis + sourceOffset) * inner, count: block)
      }
    }
    withExtendedLifetime((source, destination)) {}
  }
}
