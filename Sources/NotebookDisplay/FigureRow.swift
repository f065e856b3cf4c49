// Several plots side by side in one SVG figure, each panel with its own title.

// MARK: - Figure row

/// Plot panels laid out left to right in one SVG image, with an optional overall title.
public struct FigureRow: NotebookRenderable {
  /// The panels, left to right.
  public var panels: [any PlotPanel]
  /// Title above all panels.
  public var title: String?
  /// Width of each panel in pixels.
  public var panelWidth: Double
  /// Height of each panel in pixels.
  public var panelHeight: Double

  /// A row of panels, each `panelWidth x panelHeight`.
  public init(
    _ panels: [any PlotPanel], title: String? = nil, panelWidth: Double = 300, panelHeight: Double = 290
  ) {
    precondition(!panels.isEmpty, "FigureRow: expected at least one panel, got none")
    (self.panels, self.title, self.panelWidth, self.panelHeight) = (panels, title, panelWidth, panelHeight)
  }

  /// Total size of the figure.
  public var size: (width: Double, height: Double) {
    (panelWidth * Double(panels.count), panelHeight + (title == nil ? 0 : 30))
  }

  /// The whole row as one SVG document.
  public func svg() -> String {
    var canvas = SVGCanvas()
    let top: Double = title == nil ? 0 : 30
    if let title {
      canvas.text(title, x: size.width / 2, y: 22, size: 16, anchor: "middle", bold: true)
    }
    for (index, panel) in panels.enumerated() {
      canvas.beginGroup("class=\"panel\"")
      let frame = PlotFrame(x: Double(index) * panelWidth, y: top, width: panelWidth, height: panelHeight)
      panel.draw(in: frame, on: &canvas)
      canvas.endGroup()
    }
    return canvas.document(width: size.width, height: size.height)
  }

  /// `image/svg+xml` plus one summary line per panel as `text/plain`.
  public func mimeBundle() -> MimeBundle {
    let header = "FigureRow" + (title.map { " '\($0)'" } ?? "") + " of \(panels.count) panels"
    let text = ([header] + panels.map { "  " + $0.summary }).joined(separator: "\n")
    return MimeBundle(data: [MimeType.svg: svg(), MimeType.plainText: text])
  }
}
