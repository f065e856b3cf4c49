// Scatter plots of named, colored 2D point sets (the post's Figure 4: data blue, samples red).

// MARK: - Point series

/// A named set of 2D points drawn in one color.
public struct PointSeries: Equatable, Sendable {
  /// Legend name.
  public var name: String
  /// The points.
  public var points: [SIMD2<Double>]
  /// CSS color of the points.
  public var color: String

  /// A series from points.
  public init(name: String, points: [SIMD2<Double>], color: String) {
    (self.name, self.points, self.color) = (name, points, color)
  }

  /// A series from separate x and y coordinate arrays of equal length.
  public init(name: String, x: [Double], y: [Double], color: String) {
    precondition(x.count == y.count, "point series '\(name)': \(x.count) x values but \(y.count) y values")
    self.init(name: name, points: zip(x, y).map { SIMD2($0, $1) }, color: color)
  }

  /// A series from interleaved coordinates `[x0, y0, x1, y1, ...]` (a row-major `[N, 2]` array).
  public init(name: String, interleaved: [Float], color: String) {
    precondition(
      interleaved.count % 2 == 0, "point series '\(name)': expected [N, 2] values, got \(interleaved.count)")
    let points = stride(from: 0, to: interleaved.count, by: 2).map {
      SIMD2(Double(interleaved[$0]), Double(interleaved[$0 + 1]))
    }
    self.init(name: name, points: points, color: color)
  }
}

// MARK: - Scatter plot

/// A scatter plot of one or more point series with axes, ticks and a legend, rendered as SVG.
public struct ScatterPlot: PlotPanel, Sendable {
  /// The series, drawn in order (later ones on top).
  public var series: [PointSeries]
  /// Title above the plot.
  public var title: String?
  /// Label under the x axis.
  public var xLabel: String?
  /// Label left of the y axis.
  public var yLabel: String?
  /// Radius of each point in pixels.
  public var pointRadius: Double
  /// Opacity of the points (0...1), so dense regions stay readable.
  public var opacity: Double
  /// Size when rendered on its own.
  public var size: (width: Double, height: Double)
  /// Most points drawn per series; larger series are thinned by an even stride (keeps notebooks small).
  public var maximumPointsPerSeries: Int

  /// A scatter plot of the given series.
  public init(
    _ series: [PointSeries], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
    pointRadius: Double = 1.6, opacity: Double = 0.6, width: Double = 420, height: Double = 380,
    maximumPointsPerSeries: Int = 5000
  ) {
    precondition(maximumPointsPerSeries >= 1, "ScatterPlot: maximumPointsPerSeries must be >= 1")
    (self.series, self.title, self.xLabel, self.yLabel) = (series, title, xLabel, yLabel)
    (self.pointRadius, self.opacity, self.size) = (pointRadius, opacity, (width, height))
    self.maximumPointsPerSeries = maximumPointsPerSeries
  }

  /// The points of `entry` that are drawn: every k-th one when there are more than the maximum.
  func drawnPoints(_ entry: PointSeries) -> [SIMD2<Double>] {
    let count = entry.points.count
    guard count > maximumPointsPerSeries else { return entry.points }
    let step = (count + maximumPointsPerSeries - 1) / maximumPointsPerSeries
    return stride(from: 0, to: count, by: step).map { entry.points[$0] }
  }

  /// Training data in blue and model samples in red, each given as interleaved `[N, 2]` coordinates.
  public static func dataAndSamples(data: [Float], samples: [Float], title: String? = nil) -> ScatterPlot {
    ScatterPlot(
      [
        PointSeries(name: "data", interleaved: data, color: PlotColor.blue),
        PointSeries(name: "samples", interleaved: samples, color: PlotColor.red),
      ], title: title)
  }

  /// "ScatterPlot 'title': data (2000 points), samples (2000 points)".
  public var summary: String {
    let parts = series.map { entry -> String in
      let drawn = drawnPoints(entry).count
      let thinned = drawn < entry.points.count ? ", \(drawn) drawn" : ""
      return "\(entry.name) (\(entry.points.count) points\(thinned))"
    }.joined(separator: ", ")
    return "ScatterPlot" + (title.map { " '\($0)'" } ?? "") + ": " + parts
  }

  /// Draws axes covering every finite point, the points of each series, then the legend.
  public func draw(in frame: PlotFrame, on canvas: inout SVGCanvas) {
    let finite = series.flatMap { $0.points }.filter { $0.x.isFinite && $0.y.isFinite }
    let xs = finite.map(\.x)
    let ys = finite.map(\.y)
    let axes = PlotAxes(
      frame: frame, title: title, xLabel: xLabel, yLabel: yLabel,
      xTicks: NiceTicks(minimum: xs.min() ?? 0, maximum: xs.max() ?? 1),
      yTicks: NiceTicks(minimum: ys.min() ?? 0, maximum: ys.max() ?? 1))
    axes.drawBackground(on: &canvas)
    for entry in series {
      canvas.beginGroup(
        "class=\"series\" fill=\"\(escapeHTML(entry.color))\" fill-opacity=\"\(svgNumber(opacity))\"")
      for point in drawnPoints(entry) where point.x.isFinite && point.y.isFinite {
        canvas.circle(cx: axes.x(point.x), cy: axes.y(point.y), r: pointRadius)
      }
      canvas.endGroup()
    }
    axes.drawLegend(series.map { ($0.name, $0.color) }, on: &canvas)
  }
}
