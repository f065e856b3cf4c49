import Foundation
import XCTest

@testable import NotebookDisplay

final class PlotTests: XCTestCase {
  // MARK: - Ticks and numbers

  func testNiceTicksUseOneTwoFiveSteps() {
    let unit = NiceTicks(minimum: 0, maximum: 1)
    XCTAssertEqual(unit.step, 0.2, accuracy: 1e-12)
    XCTAssertEqual(unit.values.count, 6)
    let wide = NiceTicks(minimum: 3, maximum: 97)
    XCTAssertEqual(wide.step, 20)
    XCTAssertEqual([wide.lower, wide.upper], [0, 100])
    XCTAssertEqual(wide.values, [0, 20, 40, 60, 80, 100])
    let negative = NiceTicks(minimum: -1.3, maximum: 2.1)
    XCTAssertEqual(negative.step, 1)
    XCTAssertEqual([negative.lower, negative.upper], [-2, 3])
    XCTAssertEqual(NiceTicks.niceStep(0.031), 0.05, accuracy: 1e-15)
    XCTAssertEqual(NiceTicks.niceStep(150), 200)
    XCTAssertEqual(unit.label(0.4), "0.4")
    XCTAssertEqual(wide.label(60), "60")
  }

  func testDegenerateRangesStillGetTicks() {
    let flat = NiceTicks(minimum: 5, maximum: 5)
    XCTAssertLessThan(flat.lower, 5)
    XCTAssertGreaterThan(flat.upper, 5)
    XCTAssertGreaterThan(NiceTicks(minimum: 0, maximum: 0).values.count, 1)
  }

  func testSVGNumbersHaveAtMostTwoDecimals() {
    XCTAssertEqual(svgNumber(12), "12")
    XCTAssertEqual(svgNumber(3.5), "3.5")
    XCTAssertEqual(svgNumber(-0.254), "-0.25")
    XCTAssertEqual(svgNumber(-0.001), "0")
    XCTAssertEqual(svgNumber(1.999), "2")
  }

  // MARK: - Scatter

  private func ring(_ count: Int, radius: Float) -> [Float] {
    (0..<count).flatMap { i -> [Float] in
      let angle = Float(i) / Float(count) * 2 * .pi
      return [radius * cos(angle), radius * sin(angle)]
    }
  }

  func testScatterSVGParsesAndHoldsOneCirclePerPoint() {
    let plot = ScatterPlot.dataAndSamples(
      data: ring(300, radius: 1), samples: ring(200, radius: 2), title: "Moons")
    let svg = plot.svg()
    let xml = XMLSummary(svg)
    XCTAssertEqual(xml.count("svg"), 1)
    XCTAssertEqual(xml.count("circle"), 500)
    XCTAssertTrue(xml.texts.contains("Moons"))
    XCTAssertTrue(xml.texts.contains("data") && xml.texts.contains("samples"), "legend names")
    let fills = xml.attributes.filter { $0.element == "g" }.compactMap { $0.attributes["fill"] }
    XCTAssertEqual(fills, [PlotColor.blue, PlotColor.red])
    XCTAssertEqual(svg, plot.svg(), "deterministic output")
    XCTAssertEqual(plot.mimeBundle().data[MimeType.svg], svg)
    XCTAssertEqual(plot.summary, "ScatterPlot 'Moons': data (300 points), samples (200 points)")
  }

  func testNonFinitePointsAreSkippedAndTextIsEscaped() {
    let series = PointSeries(
      name: "a<b & \"c\"", x: [0, .nan, 1, 2], y: [0, 1, .infinity, 2], color: "#000")
    let plot = ScatterPlot([series], title: "<script>")
    let xml = XMLSummary(plot.svg())
    XCTAssertEqual(xml.count("circle"), 2)
    XCTAssertEqual(xml.count("script"), 0)
    XCTAssertTrue(xml.texts.contains("<script>"))
    XCTAssertTrue(xml.texts.contains("a<b & \"c\""))
  }

  func testPointsLieInsideThePlotArea() {
    let plot = ScatterPlot([PointSeries(name: "p", x: [-7, 3, 12], y: [0.1, 0.5, 0.2], color: "red")])
    let xml = XMLSummary(plot.svg())
    let circles = xml.attributes.filter { $0.element == "circle" }
    XCTAssertEqual(circles.count, 3)
    for circle in circles {
      let cx = Double(circle.attributes["cx"] ?? "") ?? -1
      let cy = Double(circle.attributes["cy"] ?? "") ?? -1
      XCTAssertTrue((0...plot.size.width).contains(cx) && (0...plot.size.height).contains(cy), "\(cx), \(cy)")
    }
  }

  func testLargeSeriesAreThinnedButKeepTheirRange() {
    let xs = (0..<10_001).map { Double($0) }
    let plot = ScatterPlot(
      [PointSeries(name: "many", x: xs, y: xs, color: "black")], maximumPointsPerSeries: 1000)
    let xml = XMLSummary(plot.svg())
    XCTAssertEqual(xml.count("circle"), 910, "every 11th of 10001 points")
    XCTAssertTrue(xml.texts.contains("10000"), "the axis still reaches the last point")
    XCTAssertEqual(plot.summary, "ScatterPlot: many (10001 points, 910 drawn)")
  }

  // MARK: - Lines and figures

  func testLinePlotBreaksAtNaNAndLabelsAxes() {
    let loss = LineSeries(name: "train", values: [3, 2.5, .nan, 2.0, 1.9, 1.85])
    let test = LineSeries(name: "test", values: [3.1, 2.6, 2.4, 2.1, 2.0, 1.95])
    let plot = LinePlot([loss, test], title: "bits/dim", xLabel: "epoch", yLabel: "bits/dim", markerLimit: 0)
    let xml = XMLSummary(plot.svg())
    XCTAssertEqual(xml.count("polyline"), 3, "train splits into two runs, test is one")
    XCTAssertEqual(xml.count("circle"), 0)
    XCTAssertTrue(xml.texts.contains("epoch"))
    XCTAssertTrue(xml.texts.contains("train") && xml.texts.contains("test"))
    XCTAssertTrue(xml.texts.contains("2.5"), "a 1-2-5 tick label on the y axis")
    let withMarkers = LinePlot([test], markerLimit: 10)
    XCTAssertEqual(XMLSummary(withMarkers.svg()).count("circle"), 6)
    XCTAssertEqual(withMarkers.summary, "LinePlot: test (6 points, last 1.95)")
  }

  func testFigureRowPutsPanelsSideBySide() {
    let panels: [any PlotPanel] = ["Noisy Moons", "Noisy Circles", "Blobs", "Random"].map { name in
      ScatterPlot([PointSeries(name: "data", x: [0, 1], y: [1, 0], color: PlotColor.blue)], title: name)
    }
    let figure = FigureRow(panels, title: "Figure 4", panelWidth: 250, panelHeight: 240)
    XCTAssertEqual(figure.size.width, 1000)
    XCTAssertEqual(figure.size.height, 270)
    let xml = XMLSummary(figure.svg())
    XCTAssertEqual(xml.count("circle"), 8)
    XCTAssertEqual(xml.attributes.filter { $0.attributes["class"] == "panel" }.count, 4)
    XCTAssertTrue(xml.texts.contains("Figure 4") && xml.texts.contains("Blobs"))
    XCTAssertEqual(figure.mimeBundle().data[MimeType.plainText]?.split(separator: "\n").count, 5)
  }
}
