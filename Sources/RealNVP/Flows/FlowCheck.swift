import Foundation
import TensorCore

/// What `checkFlow` found for a flow at an input: how far `inverse` is from undoing `forward`,
/// whether the two log-determinants cancel, and whether `forward`'s log-determinant is that of
/// the brute-force Jacobian.
public struct FlowCheck: CustomStringConvertible {
  /// The largest |inverse(forward(x)) - x|.
  public var inverseError: Float
  /// Where it is: the sample and the element's index within the sample.
  public var worstElement: (sample: Int, index: [Int])
  /// x and inverse(forward(x)) at that element.
  public var worstValues: (input: Float, roundTrip: Float)
  /// The largest |forward log-det + inverse log-det| over the samples.
  public var cancellationGap: Float
  /// `forward`'s log|det J| of the first sample.
  public var logDet: Double
  /// The brute-force log|det J| of the first sample (from every row of the Jacobian), or nil
  /// when a sample has more dimensions than the check was allowed to build a Jacobian for.
  public var bruteForceLogDet: Double?

  /// |forward's log-det - the brute-force one|, when there is one.
  public var logDetGap: Double? { bruteForceLogDet.map { abs($0 - logDet) } }

  /// Whether the round trip is within `inverseTolerance` (absolute) and both log-determinant
  /// gaps within `logDetTolerance` times max(1, |log det|).
  public func passes(inverseTolerance: Float = 1e-4, logDetTolerance: Double = 1e-3) -> Bool {
    let scale = max(1, abs(logDet))
    return inverseError <= inverseTolerance && Double(cancellationGap) <= logDetTolerance * scale
      && (logDetGap ?? 0) <= logDetTolerance * scale
  }

  /// The three findings in a sentence each.
  public var description: String {
    let element = worstElement.index.map(String.init).joined(separator: ", ")
    var lines = [
      String(
        format: "inverse(forward(x)) differs from x by up to %.3g, at sample %d, element [%@] "
          + "(x = %.6g, round trip %.6g)",
        inverseError, worstElement.sample, element, worstValues.input, worstValues.roundTrip),
      String(format: "forward and inverse log-determinants cancel to within %.3g", cancellationGap),
    ]
    if let bruteForceLogDet, let logDetGap {
      lines.append(
        String(
          format: "log|det J| of sample 0: the flow says %.6g, the brute-force Jacobian %.6g (gap %.3g)",
          logDet, bruteForceLogDet, logDetGap))
    } else {
      lines.append(String(format: "log|det J| of sample 0: the flow says %.6g (Jacobian not built)", logDet))
    }
    return lines.joined(separator: "\n")
  }
}

/// Checks a flow at `x` (a batch, in inference mode): inverse(forward(x)) against x, the sum of
/// the forward and inverse log-determinants against 0, and the first sample's log-determinant
/// against the brute-force Jacobian's (built when a sample has at most `jacobianLimit`
/// dimensions). Run it on a layer of your own; `FlowCheck.passes()` says whether it holds.
///
/// ```swift
/// let report = checkFlow(MyLayer(), on: .normal([4, 2, 4, 4], using: &rng))
/// print(report)
/// precondition(report.passes())
/// ```
public func checkFlow(_ flow: Flow, on x: Tensor, jacobianLimit: Int = 1024) -> FlowCheck {
  precondition(x.rank >= 2 && x.shape[0] >= 1, "checkFlow needs a batch [N, ...], got \(x.shape)")
  let (logDet, back, inverseLogDet) = withoutGradients {
    let (z, logDet) = flow.forward(x, training: false)
    let (back, inverseLogDet) = flow.inverse(z)
    return (logDet, back, inverseLogDet)
  }
  precondition(
    back.shape == x.shape, "\(type(of: flow)).inverse returned shape \(back.shape) for inputs \(x.shape)")
  precondition(
    logDet.shape == [x.shape[0]] && inverseLogDet.shape == [x.shape[0]],
    "\(type(of: flow)) must return one log-determinant per sample ([\(x.shape[0])]), got "
      + "\(logDet.shape) forward and \(inverseLogDet.shape) inverse")
  let (input, roundTrip) = (x.scalars, back.scalars)
  var worst = 0
  for i in input.indices where abs(input[i] - roundTrip[i]) > abs(input[worst] - roundTrip[worst]) {
    worst = i
  }
  let perSample = x.scalarCount / x.shape[0]
  var index: [Int] = []
  var rest = worst % perSample
  for size in x.shape.dropFirst().reversed() {
    index.insert(rest % size, at: 0)
    rest /= size
  }
  let gap = zip(logDet.scalars, inverseLogDet.scalars).map { abs($0 + $1) }.max() ?? 0
  let single = x.rows(0..<1)
  let bruteForce =
    perSample <= jacobianLimit
    ? logAbsDeterminant(jacobian(of: { flow.forward($0, training: false).output }, at: single)) : nil
  return FlowCheck(
    inverseError: abs(input[worst] - roundTrip[worst]), worstElement: (worst / perSample, index),
    worstValues: (input[worst], roundTrip[worst]), cancellationGap: gap, logDet: Double(logDet.scalars[0]),
    bruteForceLogDet: bruteForce)
}

/// The full Jacobian d f(x) / d x of a per-sample map, for a batch of ONE sample, computed row by
/// row with reverse-mode autodiff (independent of the flows' own log-determinant formulas).
public func jacobian(of f: (Tensor) -> Tensor, at x: Tensor) -> [[Double]] {
  precondition(x.shape[0] == 1, "jacobian(of:at:) takes a batch of one sample")
  let d = x.scalarCount
  var rows: [[Double]] = []
  for i in 0..<d {
    var selector = [Float](repeating: 0, count: d)
    selector[i] = 1
    let pick = Tensor(shape: [d], scalars: selector)
    let (_, grads) = valueAndGradient(at: [x]) { xs in (f(xs[0]).reshaped([d]) * pick).sum() }
    rows.append(grads[0].scalars.map(Double.init))
  }
  return rows
}

/// log|det A| by LU decomposition with partial pivoting, in Double (-infinity when singular).
public func logAbsDeterminant(_ matrix: [[Double]]) -> Double {
  var a = matrix
  let n = a.count
  var logDet = 0.0
  for col in 0..<n {
    let pivot = (col..<n).max { abs(a[$0][col]) < abs(a[$1][col]) }!
    a.swapAt(col, pivot)
    let p = a[col][col]
    if p == 0 { return -.infinity }
    logDet += log(abs(p))
    for row in (col + 1)..<n {
      let factor = a[row][col] / p
      if factor == 0 { continue }
      for k in col..<n { a[row][k] -= factor * a[col][k] }
    }
  }
  return logDet
}
