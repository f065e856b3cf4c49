// A tiny SVG writer with deterministic number formatting, used by every plot.

import Foundation

// MARK: - Canvas

/// Collects SVG elements in order and writes them as one document; numbers get at most two decimals
/// so that the same plot always produces the same bytes.
public struct SVGCanvas: Sendable {
  /// The elements written so far, one per line.
  public private(set) var elements: [String] = []

  /// An empty canvas.
  public init() {}

  /// Appends raw SVG markup (the caller escapes any text in it).
  public mutating func raw(_ markup: String) { elements.append(markup) }

  /// A straight line segment.
  public mutating func line(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1
  ) {
    raw(
      "<line x1=\"\(svgNumber(x1))\" y1=\"\(svgNumber(y1))\" x2=\"\(svgNumber(x2))\" "
        + "y2=\"\(svgNumber(y2))\" stroke=\"\(escapeHTML(stroke))\" stroke-width=\"\(svgNumber(width))\"/>")
  }

  /// A rectangle; `fill` may be "none".
  public mutating func rect(
    x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
    opacity: Double = 1
  ) {
    var markup =
      "<rect x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(width))\" "
      + "height=\"\(svgNumber(height))\" fill=\"\(escapeHTML(fill))\""
    if let stroke { markup += " stroke=\"\(escapeHTML(stroke))\"" }
    if opacity < 1 { markup += " fill-opacity=\"\(svgNumber(opacity))\"" }
    raw(markup + "/>")
  }

  /// A circle whose fill comes from the enclosing group unless `fill` is given.
  public mutating func circle(cx: Double, cy: Double, r: Double, fill: String? = nil) {
    let fillAttribute = fill.map { " fill=\"\(escapeHTML($0))\"" } ?? ""
    raw("<circle cx=\"\(svgNumber(cx))\" cy=\"\(svgNumber(cy))\" r=\"\(svgNumber(r))\"\(fillAttribute)/>")
  }

  /// An open polyline through `points`.
  public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 1.5) {
    let list = points.map { "\(svgNumber($0.x)),\(svgNumber($0.y))" }.joined(separator: " ")
    raw(
      "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(escapeHTML(stroke))\" "
        + "stroke-width=\"\(svgNumber(width))\" stroke-linejoin=\"round\"/>")
  }

  /// Text (escaped here); `anchor` is start, middle or end; `rotate` turns it about its anchor point.
  public mutating func text(
    _ content: String, x: Double, y: Double, size: Double = 11, anchor: String = "start",
    bold: Bool = false, rotate: Double? = nil
  ) {
    var markup =
      "<text x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" font-size=\"\(svgNumber(size))\" "
      + "text-anchor=\"\(anchor)\""
    if bold { markup += " font-weight=\"bold\"" }
    if let rotate {
      markup += " transform=\"rotate(\(svgNumber(rotate)) \(svgNumber(x)) \(svgNumber(y)))\""
    }
    raw(markup + ">\(escapeHTML(content))</text>")
  }

  /// Opens a group with the given attributes (already formatted); close it with `endGroup()`.
  public mutating func beginGroup(_ attributes: String) { raw("<g \(attributes)>") }

  /// Closes the innermost group.
  public mutating func endGroup() { raw("</g>") }

  /// The complete SVG document of the given size.
  public func document(width: Double, height: Double) -> String {
    let (w, h) = (svgNumber(width), svgNumber(height))
    var lines = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" "
        + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">",
      "<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"white\"/>",
    ]
    lines += elements
    lines.append("</svg>")
    return lines.joined(separator: "\n")
  }
}

// MARK: - Number formatting

/// A coordinate rounded to two decimals, without trailing zeros ("12", "3.5", "-0.25").
public func svgNumber(_ value: Double) -> String {
  guard value.isFinite else { return "0" }
  let hundredths = (value * 100).rounded()
  if hundredths == 0 { return "0" }
  if hundredths.truncatingRemainder(dividingBy: 100) == 0, abs(hundredths) < 1e17 {
    return String(Int64(hundredths / 100))
  }
  var text = String(format: "%.2f", hundredths / 100)
  while text.hasSuffix("0") { text.removeLast() }
  return text
}
