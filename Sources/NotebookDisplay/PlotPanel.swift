// What every plot shares: a panel that draws itself into a frame, colors, axes and legends.

// MARK: - Panel protocol

/// A rectangle on an SVG canvas, in pixels.
public struct PlotFrame: Equatable, Sendable {
  /// Left edge.
  public var x: Double
  /// Top edge.
  public var y: Double
  /// Width.
  public var width: Double
  /// Height.
  public var height: Double

  /// A frame at `(x, y)` of the given size.
  public init(x: Double, y: Double, width: Double, height: Double) {
    (self.x, self.y, self.width, self.height) = (x, y, width, height)
  }
}

/// A plot that can draw itself into any frame, alone or as one panel of a `FigureRow`.
public protocol PlotPanel: NotebookRenderable {
  /// Size of the plot when rendered on its own, in pixels.
  var size: (width: Double, height: Double) { get }
  /// A one-line plain-text summary (the `text/plain` form).
  var summary: String { get }
  /// Draws the plot, axes, labels and legend inside `frame`.
  func draw(in frame: PlotFrame, on canvas: inout SVGCanvas)
}

extension PlotPanel {
  /// The plot on its own as a complete SVG document.
  public func svg() -> String {
    var canvas = SVGCanvas()
    draw(in: PlotFrame(x: 0, y: 0, width: size.width, height: size.height), on: &canvas)
    return canvas.document(width: size.width, height: size.height)
  }

  /// `image/svg+xml` plus the summary as `text/plain`.
  public func mimeBundle() -> MimeBundle {
    MimeBundle(data: [MimeType.svg: svg(), MimeType.plainText: summary])
  }
}

// MARK: - Colors

/// Colors used by the plots (matplotlib's "tab10" palette).
public enum PlotColor {
  /// Blue, used for training data.
  public static let blue = "#1f77b4"
  /// Red, used for model samples.
  public static let red = "#d62728"
  /// The palette that series without an explicit color cycle through.
  public static let palette = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf",
  ]

  /// The palette color for the series at `index`.
  public static func cycled(_ index: Int) -> String { palette[index % palette.count] }
}

// MARK: - Axes and legend drawing

/// The frame of one plot: title, axis labels, grid, ticks and legend, and the data-to-pixel scales.
struct PlotAxes {
  let frame: PlotFrame
  let title: String?
  let xLabel: String?
  let yLabel: String?
  let xTicks: NiceTicks
  let yTicks: NiceTicks
  let area: PlotFrame
  let x: LinearScale
  let y: LinearScale

  init(
    frame: PlotFrame, title: String?, xLabel: String?, yLabel: String?, xTicks: NiceTicks, yTicks: NiceTicks
  ) {
    (self.frame, self.title, self.xLabel, self.yLabel) = (frame, title, xLabel, yLabel)
    (self.xTicks, self.yTicks) = (xTicks, yTicks)
    let top = frame.y + (title == nil ? 12 : 32)
    let left = frame.x + (yLabel == nil ? 48 : 64)
    let bottom = frame.y + frame.height - (xLabel == nil ? 26 : 44)
    let right = frame.x + frame.width - 14
    area = PlotFrame(x: left, y: top, width: max(1, right - left), height: max(1, bottom - top))
    x = LinearScale(domain: (xTicks.lower, xTicks.upper), range: (left, left + area.width))
    y = LinearScale(domain: (yTicks.lower, yTicks.upper), range: (top + area.height, top))
  }

  /// Draws title, axis labels, grid and ticks (before the data, so the data sits on top).
  func drawBackground(on canvas: inout SVGCanvas) {
    if let title {
      canvas.text(
        title, x: frame.x + frame.width / 2, y: frame.y + 20, size: 14, anchor: "middle", bold: true)
    }
    if let xLabel {
      canvas.text(
        xLabel, x: area.x + area.width / 2, y: frame.y + frame.height - 8, size: 12, anchor: "middle")
    }
    if let yLabel {
      canvas.text(
        yLabel, x: frame.x + 16, y: area.y + area.height / 2, size: 12, anchor: "middle", rotate: -90)
    }
    canvas.beginGroup("class=\"grid\"")
    for value in xTicks.values {
      let px = x(value)
      canvas.line(px, area.y, px, area.y + area.height, stroke: "#e5e5e5")
      canvas.text(xTicks.label(value), x: px, y: area.y + area.height + 15, size: 10, anchor: "middle")
    }
    for value in yTicks.values {
      let py = y(value)
      canvas.line(area.x, py, area.x + area.width, py, stroke: "#e5e5e5")
      canvas.text(yTicks.label(value), x: area.x - 5, y: py + 3.5, size: 10, anchor: "end")
    }
    canvas.endGroup()
    canvas.rect(x: area.x, y: area.y, width: area.width, height: area.height, fill: "none", stroke: "#444444")
  }

  /// A legend box in the top-right corner of the plot area: a color swatch (or line) and name per entry.
  func drawLegend(_ entries: [(name: String, color: String)], lines: Bool = false, on canvas: inout SVGCanvas)
  {
    guard !entries.isEmpty else { return }
    let longest = entries.map { $0.name.count }.max() ?? 0
    let width = Double(longest) * 6.5 + 30
    let height = Double(entries.count) * 16 + 8
    let left = area.x + area.width - width - 6
    let top = area.y + 6
    canvas.beginGroup("class=\"legend\"")
    canvas.rect(
      x: left, y: top, width: width, height: height, fill: "white", stroke: "#cccccc", opacity: 0.85)
    for (index, entry) in entries.enumerated() {
      let rowY = top + 4 + Double(index) * 16
      if lines {
        canvas.line(left + 5, rowY + 7, left + 17, rowY + 7, stroke: entry.color, width: 2)
      } else {
        canvas.rect(x: left + 6, y: rowY + 2, width: 10, height: 10, fill: entry.color)
      }
      canvas.text(entry.name, x: left + 22, y: rowY + 11, size: 11)
    }
    canvas.endGroup()
  }
}
