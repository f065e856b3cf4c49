// Line plots of one or more series, e.g. loss or bits/dim per step or epoch.

// MARK: - Line series

/// A named curve: y values at x positions, drawn in one color.
public struct LineSeries: Equatable, Sendable {
  /// Legend name.
  public var name: String
  /// x positions (e.g. steps or epochs).
  public var x: [Double]
  /// y values; non-finite values leave a gap in the line.
  public var y: [Double]
  /// CSS color, or nil to take the next palette color.
  public var color: String?

  /// A series from x and y arrays of equal length.
  public init(name: String, x: [Double], y: [Double], color: String? = nil) {
    precondition(x.count == y.count, "line series '\(name)': \(x.count) x values but \(y.count) y values")
    (self.name, self.x, self.y, self.color) = (name, x, y, color)
  }

  /// A series of values at x = 1, 2, 3, ... (steps or epochs counted from one).
  public init(name: String, values: [Double], color: String? = nil) {
    self.init(name: name, x: values.indices.map { Double($0 + 1) }, y: values, color: color)
  }
}

// MARK: - Line plot

/// A line plot with axes, 1-2-5 ticks, axis labels, a legend and a title, rendered as SVG.
public struct LinePlot: PlotPanel, Sendable {
  /// The curves, drawn in order.
  public var series: [LineSeries]
  /// Title above the plot.
  public var title: String?
  /// Label under the x axis.
  public var xLabel: String?
  /// Label left of the y axis.
  public var yLabel: String?
  /// Draw a dot at each point when a series has at most this many points.
  public var markerLimit: Int
  /// Size when rendered on its own.
  public var size: (width: Double, height: Double)

  /// A line plot of the given series.
  public init(
    _ series: [LineSeries], title: String? = nil, xLabel: String? = "epoch", yLabel: String? = nil,
    markerLimit: Int = 40, width: Double = 480, height: Double = 320
  ) {
    (self.series, self.title, self.xLabel, self.yLabel) = (series, title, xLabel, yLabel)
    (self.markerLimit, self.size) = (markerLimit, (width, height))
  }

  /// "LinePlot 'title': train (200 points, last 1.234), test (...)".
  public var summary: String {
    let parts = series.map { entry -> String in
      let last = entry.y.last(where: { $0.isFinite }).map { ", last \(NiceTicks.compact($0))" } ?? ""
      return "\(entry.name) (\(entry.y.count) points\(last))"
    }
    return "LinePlot" + (title.map { " '\($0)'" } ?? "") + ": " + parts.joined(separator: ", ")
  }

  /// Draws axes covering every finite point, one polyline per unbroken run of each series, then the legend.
  public func draw(in frame: PlotFrame, on canvas: inout SVGCanvas) {
    let pairs = series.flatMap { zip($0.x, $0.y) }.filter { $0.0.isFinite && $0.1.isFinite }
    let axes = PlotAxes(
      frame: frame, title: title, xLabel: xLabel, yLabel: yLabel,
      xTicks: NiceTicks(minimum: pairs.map(\.0).min() ?? 0, maximum: pairs.map(\.0).max() ?? 1),
      yTicks: NiceTicks(minimum: pairs.map(\.1).min() ?? 0, maximum: pairs.map(\.1).max() ?? 1))
    axes.drawBackground(on: &canvas)
    var legend: [(name: String, color: String)] = []
    for (index, entry) in series.enumerated() {
      let color = entry.color ?? PlotColor.cycled(index)
      legend.append((entry.name, color))
      var runs: [[(x: Double, y: Double)]] = [[]]
      for (x, y) in zip(entry.x, entry.y) {
        if x.isFinite && y.isFinite {
          runs[runs.count - 1].append((axes.x(x), axes.y(y)))
        } else if !runs[runs.count - 1].isEmpty {
          runs.append([])
        }
      }
      canvas.beginGroup("class=\"series\" fill=\"\(escapeHTML(color))\"")
      for run in runs where run.count > 1 { canvas.polyline(run, stroke: color) }
      let points = runs.flatMap { $0 }
      if points.count <= markerLimit {
        for point in points { canvas.circle(cx: point.x, cy: point.y, r: 2.5) }
      }
      canvas.endGroup()
    }
    axes.drawLegend(legend, lines: true, on: &canvas)
  }
}

extension NiceTicks {
  /// A short number for summaries: four significant digits.
  static func compact(_ value: Double) -> String { String(format: "%.4g", value) }
}
