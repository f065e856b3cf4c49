// Axis ticks at "nice" values (1, 2 or 5 times a power of ten) and the data-to-pixel mapping.

import Foundation

// MARK: - Nice ticks

/// Evenly spaced tick values whose step is 1, 2 or 5 times a power of ten, covering a data range.
public struct NiceTicks: Equatable, Sendable {
  /// The first tick (at or below the data minimum).
  public let lower: Double
  /// The last tick (at or above the data maximum).
  public let upper: Double
  /// Distance between ticks.
  public let step: Double
  /// The tick values from `lower` to `upper`.
  public let values: [Double]

  /// Ticks covering `minimum...maximum` with about `targetCount` intervals. A zero-width or
  /// non-finite range is widened so that there is always something to draw.
  public init(minimum: Double, maximum: Double, targetCount: Int = 5) {
    var (lo, hi) = (minimum.isFinite ? minimum : 0, maximum.isFinite ? maximum : 1)
    if lo > hi { swap(&lo, &hi) }
    if hi - lo < 1e-12 * max(1, abs(lo)) {
      let pad = lo == 0 ? 1 : abs(lo) * 0.1
      (lo, hi) = (lo - pad, hi + pad)
    }
    let step = NiceTicks.niceStep((hi - lo) / Double(max(1, targetCount)))
    let first = (lo / step).rounded(.down)
    let last = (hi / step).rounded(.up)
    self.step = step
    self.lower = first * step
    self.upper = last * step
    self.values = stride(from: first, through: last, by: 1).map { $0 * step }
  }

  /// The smallest 1, 2, 5 x 10^k at or above `rough`.
  public static func niceStep(_ rough: Double) -> Double {
    precondition(rough > 0 && rough.isFinite, "nice step: expected a positive finite width, got \(rough)")
    let magnitude = pow(10, (log10(rough)).rounded(.down))
    let fraction = rough / magnitude
    let nice: Double = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10
    return nice * magnitude
  }

  /// A tick label with just enough decimals for the step ("0.5", "20", "1e+06" for huge values).
  public func label(_ value: Double) -> String {
    let decimals = max(0, -Int(log10(step).rounded(.down)))
    if abs(value) >= 1e6 || (decimals > 6 && value != 0) { return String(format: "%.3g", value) }
    let text = String(format: "%.\(decimals)f", value)
    return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
  }
}

// MARK: - Linear scale

/// Maps data values in `domain` linearly onto pixel coordinates in `range` (which may be reversed).
public struct LinearScale: Sendable {
  /// The data interval.
  public let domain: (lower: Double, upper: Double)
  /// The pixel interval that `domain` maps onto.
  public let range: (start: Double, end: Double)

  /// A scale from a data interval onto a pixel interval.
  public init(domain: (Double, Double), range: (Double, Double)) {
    self.domain = (domain.0, domain.1)
    self.range = (range.0, range.1)
  }

  /// The pixel coordinate of a data value.
  public func callAsFunction(_ value: Double) -> Double {
    let width = domain.upper - domain.lower
    let t = width == 0 ? 0.5 : (value - domain.lower) / width
    return range.start + t * (range.end - range.start)
  }
}
