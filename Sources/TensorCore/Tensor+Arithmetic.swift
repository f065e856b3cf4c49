// MARK: - Kernels

extension Tensor {
  /// Applies `op` element-wise to same-shaped or broadcastable tensors, using both cores on
  /// large inputs. No recording; callers record. Same-shaped operands whose buffers are in the
  /// same order (and a tensor with a one-element operand) keep that order: the result's buffer
  /// is in it too.
  @inline(__always)
  static func zipMap(_ a: Tensor, _ b: Tensor, _ op: (Float, Float) -> Float) -> Tensor {
    withoutActuallyEscaping(op) { op in zipMap(a, b, ClosureKernel(function: op)) }
  }

  /// `zipMap` for an operation given as a type: the loops are specialized for it and call it
  /// inline (a closure handed on to the compute threads is called once per element).
  @inline(__always)
  static func zipMap<Kernel: BinaryKernel>(_ a: Tensor, _ b: Tensor, _ op: Kernel) -> Tensor {
    let count = a.scalarCount
    if a.shape == b.shape && a.raw.format == b.raw.format {
      let result = a.uninitializedLike()
      let (pa, pb, out) = (a.raw.base, b.raw.base, result.raw.base)
      parallelRanges(count) { range in for i in range { out[i] = op(pa[i], pb[i]) } }
      return withExtendedLifetime((a, b)) { result }
    }
    if b.scalarCount == 1 && Layout.broadcastShape(a.shape, b.shape) == a.shape {
      let result = a.uninitializedLike()
      let (pa, vb, out) = (a.raw.base, b.storage.base[0], result.raw.base)
      parallelRanges(count) { range in for i in range { out[i] = op(pa[i], vb) } }
      return withExtendedLifetime(a) { result }
    }
    if a.scalarCount == 1 && Layout.broadcastShape(a.shape, b.shape) == b.shape {
      let result = b.uninitializedLike()
      let (va, pb, out) = (a.storage.base[0], b.raw.base, result.raw.base)
      parallelRanges(b.scalarCount) { range in for i in range { out[i] = op(va, pb[i]) } }
      return withExtendedLifetime(b) { result }
    }
    return zipMapPlain(a, b, op)
  }

  /// `zipMap` on the plain order, broadcasting.
  @inline(__always)
  private static func zipMapPlain<Kernel: BinaryKernel>(_ a: Tensor, _ b: Tensor, _ op: Kernel) -> Tensor {
    let shape = Layout.broadcastShape(a.shape, b.shape)
    let result = Tensor(uninitializedShape: shape)
    let pa = a.storage.base
    let pb = b.storage.base
    let out = result.storage.base
    let count = result.scalarCount
    if count == 0 { return result }
    if a.scalarCount == count && b.scalarCount == count {
      parallelRanges(count) { range in for i in range { out[i] = op(pa[i], pb[i]) } }
    } else if b.scalarCount == 1 {
      let vb = pb[0]
      parallelRanges(count) { range in for i in range { out[i] = op(pa[i], vb) } }
    } else if a.scalarCount == 1 {
      let va = pa[0]
      parallelRanges(count) { range in for i in range { out[i] = op(va, pb[i]) } }
    } else {
      let layout = Layout.coalesce(
        shape, Layout.broadcastStrides(a.shape, to: shape), Layout.broadcastStrides(b.shape, to: shape))
      let inner = layout.shape.last!
      let (ia, ib) = (layout.a.last!, layout.b.last!)
      parallelRanges(count / inner, costPerItem: inner) { rows in
        forEachRow(shape: layout.shape, stridesA: layout.a, stridesB: layout.b, rows: rows) {
          row, offsetA, offsetB in
          let o = out + row * inner
          for i in 0..<inner { o[i] = op(pa[offsetA + i * ia], pb[offsetB + i * ib]) }
        }
      }
    }
    return withExtendedLifetime((a, b)) { result }
  }

  /// Applies `op` to every element, keeping the order of the buffer. No recording; callers record.
  /// `cost` is `op`'s cost in additions (`Tensor.transcendentalCost` for exp, log, tanh, ...): the
  /// loop is split over the threads once the whole is worth it.
  @inline(__always)
  func map(cost: Int = 1, _ op: (Float) -> Float) -> Tensor {
    let result = uninitializedLike()
    let input = raw.base
    let out = result.raw.base
    parallelRanges(scalarCount, costPerItem: cost) { range in for i in range { out[i] = op(input[i]) } }
    return withExtendedLifetime(self) { result }
  }

  /// What an element-wise exp, log, tanh or power costs in additions, for `map(cost:)`.
  static let transcendentalCost = 16

  /// Sums a broadcast gradient back down to `shape` (the backward of broadcasting).
  func reduced(toShape target: [Int]) -> Tensor {
    if shape == target { return self }
    let offset = rank - target.count
    precondition(offset >= 0, "Cannot reduce a gradient of shape \(shape) to the larger shape \(target)")
    let axes = (0..<rank).filter { $0 < offset || (target[$0 - offset] == 1 && shape[$0] != 1) }
    return sum(axes: axes, keepDims: true).reshaped(target)
  }
}

// MARK: - Binary kernels

/// A binary element-wise operation as a type, for `Tensor.zipMap`.
protocol BinaryKernel {
  func callAsFunction(_ a: Float, _ b: Float) -> Float
}

/// A closure as a `BinaryKernel` (called, not inlined, in the loops).
struct ClosureKernel: BinaryKernel {
  let function: (Float, Float) -> Float
  @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { function(a, b) }
}

/// a + b.
struct Add: BinaryKernel {
  @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b }
}

/// a - b.
struct Subtract: BinaryKernel {
  @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b }
}

/// a * b.
struct Multiply: BinaryKernel {
  @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b }
}

/// a / b.
struct Divide: BinaryKernel {
  @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b }
}

// MARK: - Binary operators

extension Tensor {
  /// Element-wise sum with broadcasting.
  public static func + (a: Tensor, b: Tensor) -> Tensor {
    let (shapeA, shapeB) = (a.shape, b.shape)  // the rules keep the shapes, not the operands
    return record(
      zipMap(a, b, Add()), [a, b], gradients: { g in g.reduced(toShape: shapeA) },
      { g in g.reduced(toShape: shapeB) })
  }

  /// Element-wise difference with broadcasting.
  public static func - (a: Tensor, b: Tensor) -> Tensor {
    let (shapeA, shapeB) = (a.shape, b.shape)
    return record(
      zipMap(a, b, Subtract()), [a, b], gradients: { g in g.reduced(toShape: shapeA) },
      { g in (-g).reduced(toShape: shapeB) })
  }

  /// Element-wise product with broadcasting.
  public static func * (a: Tensor, b: Tensor) -> Tensor {
    record(
      zipMap(a, b, Multiply()), [a, b], gradients: { g in (g * b).reduced(toShape: a.shape) },
      { g in (g * a).reduced(toShape: b.shape) })
  }

  /// Element-wise quotient with broadcasting.
  public static func / (a: Tensor, b: Tensor) -> Tensor {
    record(
      zipMap(a, b, Divide()), [a, b], gradients: { g in (g / b).reduced(toShape: a.shape) },
      { g in (-g * a / (b * b)).reduced(toShape: b.shape) })
  }

  /// Negation.
  public static prefix func - (x: Tensor) -> Tensor {
    record(x.map { -$0 }, x) { g in -g }
  }
}

// MARK: - Scalar operands

extension Tensor {
  /// Adds a scalar to every element.
  public static func + (a: Tensor, s: Float) -> Tensor { record(a.map { $0 + s }, a) { g in g } }
  /// Adds a scalar to every element.
  public static func + (s: Float, a: Tensor) -> Tensor { a + s }
  /// Subtracts a scalar from every element.
  public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
  /// Subtracts every element from a scalar.
  public static func - (s: Float, a: Tensor) -> Tensor { record(a.map { s - $0 }, a) { g in -g } }
  /// Multiplies every element by a scalar.
  public static func * (a: Tensor, s: Float) -> Tensor { record(a.map { $0 * s }, a) { g in g * s } }
  /// Multiplies every element by a scalar.
  public static func * (s: Float, a: Tensor) -> Tensor { a * s }
  /// Divides every element by a scalar.
  public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
  /// Divides a scalar by every element.
  public static func / (s: Float, a: Tensor) -> Tensor {
    record(a.map { s / $0 }, a) { g in zipMap(g, a) { g, x in -s * g / (x * x) } }
  }

  /// Adds `other` (same shape) without recording: into this tensor's own buffer when no other
  /// tensor shares it and both buffers are in the same order, else as `self + other`. The tape
  /// sums the gradients of a tensor used twice with it.
  mutating func accumulate(_ other: Tensor) {
    guard shape == other.shape, raw.format == other.raw.format, isKnownUniquelyReferenced(&raw) else {
      self = withoutGradients { self + other }
      return
    }
    let (out, pb) = (raw.base, other.raw.base)
    parallelRanges(scalarCount) { range in for i in range { out[i] += pb[i] } }
    withExtendedLifetime(other) {}
  }

  /// In-place element-wise sum (recorded like `a = a + b`).
  public static func += (a: inout Tensor, b: Tensor) { a = a + b }
  /// In-place element-wise difference.
  public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
  /// In-place element-wise product.
  public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
  /// In-place multiplication by a scalar.
  public static func *= (a: inout Tensor, s: Float) { a = a * s }
}
