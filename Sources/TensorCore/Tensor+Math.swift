import Foundation

// MARK: - Exponentials and powers

/// Element-wise e^x.
public func exp(_ x: Tensor) -> Tensor {
  let y = x.map(cost: Tensor.transcendentalCost) { expf($0) }
  return Tensor.record(y, x) { g in g * y }
}

/// Element-wise natural logarithm.
public func log(_ x: Tensor) -> Tensor {
  Tensor.record(x.map(cost: Tensor.transcendentalCost) { logf($0) }, x) { g in g / x }
}

/// Element-wise log(1 + x), accurate for small x.
public func log1p(_ x: Tensor) -> Tensor {
  Tensor.record(x.map(cost: Tensor.transcendentalCost) { log1pf($0) }, x) { g in
    Tensor.zipMap(g, x) { g, x in g / (1 + x) }
  }
}

/// Element-wise square root.
public func sqrt(_ x: Tensor) -> Tensor {
  let y = x.map { sqrtf($0) }
  return Tensor.record(y, x) { g in Tensor.zipMap(g, y) { g, y in g * 0.5 / y } }
}

/// Element-wise x^p for a scalar exponent p.
public func pow(_ x: Tensor, _ p: Float) -> Tensor {
  Tensor.record(x.map(cost: Tensor.transcendentalCost) { powf($0, p) }, x) { g in
    Tensor.zipMap(g, x) { g, x in g * p * powf(x, p - 1) }
  }
}

/// Element-wise absolute value (gradient sign(x), 0 at 0).
public func abs(_ x: Tensor) -> Tensor {
  Tensor.record(x.map { Swift.abs($0) }, x) { g in
    Tensor.zipMap(g, x) { g, x in x > 0 ? g : (x < 0 ? -g : 0) }
  }
}

extension Tensor {
  /// Element-wise x^2.
  public func squared() -> Tensor {
    Tensor.record(map { $0 * $0 }, self) { g in Tensor.zipMap(g, self) { g, x in 2 * g * x } }
  }

  /// Element-wise clamp into [min, max] (gradient passes only inside the interval).
  public func clamped(min low: Float, max high: Float) -> Tensor {
    precondition(low <= high, "clamped(min:max:) needs min <= max, got \(low) > \(high)")
    return Tensor.record(map { Swift.min(Swift.max($0, low), high) }, self) { g in
      Tensor.zipMap(g, self) { g, x in x >= low && x <= high ? g : 0 }
    }
  }
}

// MARK: - Activations

/// Element-wise hyperbolic tangent.
public func tanh(_ x: Tensor) -> Tensor {
  let y = x.map(cost: Tensor.transcendentalCost) { tanhf($0) }
  return Tensor.record(y, x) { g in Tensor.zipMap(g, y) { g, y in g * (1 - y * y) } }
}

/// Element-wise logistic function 1 / (1 + e^-x).
public func sigmoid(_ x: Tensor) -> Tensor {
  let y = x.map(cost: Tensor.transcendentalCost) { stableSigmoid($0) }
  return Tensor.record(y, x) { g in Tensor.zipMap(g, y) { g, y in g * y * (1 - y) } }
}

/// Element-wise max(x, 0).
public func relu(_ x: Tensor) -> Tensor {
  Tensor.record(x.map { Swift.max($0, 0) }, x) { g in Tensor.zipMap(g, x) { g, x in x > 0 ? g : 0 } }
}

/// Element-wise log(1 + e^x), computed without overflow.
public func softplus(_ x: Tensor) -> Tensor {
  Tensor.record(x.map(cost: Tensor.transcendentalCost) { stableSoftplus($0) }, x) { g in
    Tensor.zipMap(g, x) { g, x in g * stableSigmoid(x) }
  }
}

/// Element-wise log(sigmoid(x)) = -softplus(-x), computed without overflow.
public func logSigmoid(_ x: Tensor) -> Tensor {
  Tensor.record(x.map(cost: Tensor.transcendentalCost) { -stableSoftplus(-$0) }, x) { g in
    Tensor.zipMap(g, x) { g, x in g * stableSigmoid(-x) }
  }
}

@inline(__always)
func stableSigmoid(_ x: Float) -> Float {
  if x >= 0 { return 1 / (1 + expf(-x)) }
  let e = expf(x)
  return e / (1 + e)
}

@inline(__always)
func stableSoftplus(_ x: Float) -> Float { Swift.max(x, 0) + log1pf(expf(-Swift.abs(x))) }

// MARK: - Selection

extension Tensor {
  /// Picks `a` where `mask` is non-zero and `b` elsewhere; all three broadcast together.
  public static func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    let shape = Layout.broadcastShape(Layout.broadcastShape(mask.shape, a.shape), b.shape)
    let fullMask = mask.expandedCopy(to: shape)
    let (fullA, fullB) = (a.expandedCopy(to: shape), b.expandedCopy(to: shape))
    let result = Tensor(uninitializedShape: shape)
    let (m, pa, pb, out) = (
      fullMask.storage.base, fullA.storage.base, fullB.storage.base, result.storage.base
    )
    parallelRanges(result.scalarCount) { range in
      for i in range { out[i] = m[i] != 0 ? pa[i] : pb[i] }
    }
    withExtendedLifetime((fullMask, fullA, fullB)) {}
    return record(
      result, [a, b],
      gradients: { g in Tensor.where(fullMask, g, Tensor.zeros([])).reduced(toShape: a.shape) },
      { g in Tensor.where(fullMask, Tensor.zeros([]), g).reduced(toShape: b.shape) })
  }
}
