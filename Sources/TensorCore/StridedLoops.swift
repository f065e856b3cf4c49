// MARK: - Shapes and strides

/// Shape arithmetic shared by broadcasting, reductions and permutes.
enum Layout {
  /// Row-major strides of a contiguous tensor of `shape`.
  static func strides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[axis] = running
      running *= shape[axis]
    }
    return strides
  }

  /// The broadcast shape of `a` and `b` (NumPy rules: align right, 1 stretches).
  static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    if a == b { return a }
    let rank = Swift.max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      precondition(
        da == db || da == 1 || db == 1,
        "Shapes \(a) and \(b) cannot be broadcast together (dimension \(i): \(da) vs \(db))")
      result[i] = da == 1 ? db : da
    }
    return result
  }

  /// Strides for reading a tensor of `shape` as if it had the broadcast shape `target`
  /// (0 along stretched or missing dimensions).
  static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let own = strides(shape)
    let offset = target.count - shape.count
    return (0..<target.count).map { i in
      i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
    }
  }

  /// Merges adjacent dimensions that both stride lists walk contiguously, and drops size-1
  /// dimensions, so inner loops run as long as possible. Keeps at least one dimension.
  static func coalesce(_ shape: [Int], _ a: [Int], _ b: [Int]) -> (shape: [Int], a: [Int], b: [Int]) {
    var s: [Int] = []
    var sa: [Int] = []
    var sb: [Int] = []
    for i in shape.indices where shape[i] != 1 {
      if let last = s.indices.last, sa[last] == a[i] * shape[i], sb[last] == b[i] * shape[i] {
        s[last] *= shape[i]
        sa[last] = a[i]
        sb[last] = b[i]
      } else {
        s.append(shape[i])
        sa.append(a[i])
        sb.append(b[i])
      }
    }
    if s.isEmpty { return ([1], [0], [0]) }
    return (s, sa, sb)
  }
}

// MARK: - Row iteration

/// Walks a (coalesced) shape row by row, where a row is the innermost dimension, tracking the
/// offsets of two strided operands. `body(row, offsetA, offsetB)` is called for each row in
/// `rows`; the row's linear start in a contiguous tensor of the same shape is row * innerCount.
@inline(__always)
func forEachRow(
  shape: [Int], stridesA: [Int], stridesB: [Int], rows: Range<Int>,
  _ body: (_ row: Int, _ offsetA: Int, _ offsetB: Int) -> Void
) {
  let outer = shape.count - 1
  guard outer > 0 else {
    for row in rows { body(row, 0, 0) }
    return
  }
  var index = [Int](repeating: 0, count: outer)
  var offsetA = 0
  var offsetB = 0
  var remainder = rows.lowerBound
  for axis in stride(from: outer - 1, through: 0, by: -1) {
    index[axis] = remainder % shape[axis]
    remainder /= shape[axis]
    offsetA += index[axis] * stridesA[axis]
    offsetB += index[axis] * stridesB[axis]
  }
  for row in rows {
    body(row, offsetA, offsetB)
    var axis = outer - 1
    while axis >= 0 {
      index[axis] += 1
      offsetA += stridesA[axis]
      offsetB += stridesB[axis]
      if index[axis] < shape[axis] { break }
      offsetA -= stridesA[axis] * shape[axis]
      offsetB -= stridesB[axis] * shape[axis]
      index[axis] = 0
      axis -= 1
    }
  }
}

// MARK: - Strided copy

extension Tensor {
  /// A contiguous tensor of `shape` whose element at index i reads `source` at
  /// sum(i[k] * strides[k]) (used by permute and broadcast-expand).
  static func stridedCopy(_ source: Tensor, shape: [Int], strides: [Int]) -> Tensor {
    if Tensor.elementCount(shape) == 0 { return Tensor(uninitializedShape: shape) }
    let layout = Layout.coalesce(shape, strides, Layout.strides(shape))
    let inner = layout.shape.last!
    let innerStride = layout.a.last!
    let result = Tensor(uninitializedShape: shape)
    let src = source.storage.base
    let dst = result.storage.base
    let rows = result.scalarCount / Swift.max(inner, 1)
    parallelRanges(rows, costPerItem: inner) { range in
      forEachRow(shape: layout.shape, stridesA: layout.a, stridesB: layout.b, rows: range) {
        row, offsetA, _ in
        let out = dst + row * inner
        let input = src + offsetA
        if innerStride == 1 {
          out.update(from: input, count: inner)
        } else {
          for i in 0..<inner { out[i] = input[i * innerStride] }
        }
      }
    }
    return withExtendedLifetime(source) { result }
  }
}
