import Foundation
import XCTest

@testable import NotebookDisplay

final class ImageGridTests: XCTestCase {
  // MARK: - Layout arithmetic

  func testNearSquareDefaultAndOneSidedChoices() {
    let square = GridLayout(count: 10, imageWidth: 28, imageHeight: 28)
    XCTAssertEqual([square.rows, square.columns], [3, 4])
    XCTAssertEqual([GridLayout(count: 16, imageWidth: 1, imageHeight: 1).columns], [4])
    XCTAssertEqual([GridLayout(count: 17, imageWidth: 1, imageHeight: 1).columns], [5])
    let byRows = GridLayout(count: 10, imageWidth: 1, imageHeight: 1, rows: 2)
    XCTAssertEqual([byRows.rows, byRows.columns], [2, 5])
    let byColumns = GridLayout(count: 10, imageWidth: 1, imageHeight: 1, columns: 3)
    XCTAssertEqual([byColumns.rows, byColumns.columns], [4, 3])
  }

  func testSizeAndOriginsWithPaddingAndUpscaling() {
    let layout = GridLayout(
      count: 6, imageWidth: 5, imageHeight: 4, rows: 2, columns: 3, padding: 2, scale: 3)
    // 3 cells of 15 px plus 4 paddings of 2 px; 2 cells of 12 px plus 3 paddings.
    XCTAssertEqual(layout.width, 3 * 15 + 4 * 2)
    XCTAssertEqual(layout.height, 2 * 12 + 3 * 2)
    XCTAssertEqual(layout.origin(ofImage: 0).x, 2)
    XCTAssertEqual(layout.origin(ofImage: 0).y, 2)
    XCTAssertEqual(layout.origin(ofImage: 4).x, 2 + 15 + 2)
    XCTAssertEqual(layout.origin(ofImage: 4).y, 2 + 12 + 2)
  }

  // MARK: - Pixels

  func testCanvasPlacesUpscaledGrayImagesAndFillsPadding() {
    // Three 2x2 images with distinct values 1...12, in a 1x3 grid with padding 1 and scale 2.
    let pixels = (1...12).map { UInt8($0) }
    let grid = ImageGrid(
      pixels: pixels, shape: [3, 1, 2, 2], rows: 1, padding: 1, paddingValue: 200, scale: 2)
    XCTAssertEqual(grid.layout.width, 3 * 4 + 4)
    XCTAssertEqual(grid.layout.height, 4 + 2)
    let canvas = grid.canvas()
    let width = grid.layout.width
    func at(_ x: Int, _ y: Int) -> UInt8 { canvas[y * width + x] }
    XCTAssertEqual(at(0, 0), 200)
    XCTAssertEqual(at(5, 3), 200, "padding column between image 0 and 1")
    // Image 0 starts at (1, 1); its pixel (1, 0) = 2 covers x 3...4, y 1...2.
    XCTAssertEqual([at(1, 1), at(2, 2), at(3, 1), at(4, 2), at(1, 3), at(4, 4)], [1, 1, 2, 2, 3, 4])
    // Image 2 starts at x = 1 + 2 * (4 + 1) = 11; its last pixel is 12.
    XCTAssertEqual([at(11, 1), at(14, 4)], [9, 12])
  }

  func testRGBChannelsInterleaveAndEmptyCellsUsePadding() {
    // One 1x1 RGB image (10, 20, 30) in a 1x2 grid: the second cell stays padding.
    let rgb: [UInt8] = [10, 20, 30]
    let grid = ImageGrid(pixels: rgb, shape: [1, 3, 1, 1], rows: 1, columns: 2, padding: 0, paddingValue: 7)
    XCTAssertEqual(grid.format, .rgb)
    XCTAssertEqual(grid.canvas(), [10, 20, 30, 7, 7, 7])
  }

  func testFloatPixelsAreClampedAndRounded() {
    let values: [Float] = [-3, 0.4, 0.6, 254.5, 300, .nan]
    let grid = ImageGrid(pixels: values, shape: [6, 1, 1, 1], rows: 1, padding: 0)
    XCTAssertEqual(grid.pixels, [0, 0, 1, 255, 255, 0])
  }

  func testOnlyFirstRowsTimesColumnsImagesAreShown() {
    let bytes: [UInt8] = [1, 2, 3, 4, 5]
    let grid = ImageGrid(pixels: bytes, shape: [5, 1, 1, 1], rows: 1, columns: 2, padding: 0)
    XCTAssertEqual(grid.canvas(), [1, 2])
  }

  // MARK: - PNG

  func testGridPNGDecodesToTheCanvas() throws {
    let pixels: [UInt8] = (0..<(4 * 3 * 6 * 5)).map { (index: Int) -> UInt8 in UInt8(index * 37 % 256) }
    let grid = ImageGrid(pixels: pixels, shape: [4, 3, 6, 5], padding: 2, paddingValue: 0, scale: 2)
    let image = try grid.image()
    let decoded = try decodePNG(image.pngData)
    XCTAssertEqual(
      [decoded.width, decoded.height, decoded.channels], [grid.layout.width, grid.layout.height, 3])
    XCTAssertEqual(decoded.pixels, grid.canvas())
    let bundle = grid.mimeBundle()
    let size: [String: Int] = ["width": grid.layout.width, "height": grid.layout.height]
    XCTAssertEqual(bundle.metadata[MimeType.png], size)
    XCTAssertTrue(bundle.data[MimeType.plainText]?.contains("2x2 grid") ?? false)
  }

  func testGridSavesAsPNGFile() throws {
    let grid = ImageGrid(pixels: (0..<64).map { Float($0 * 4) }, shape: [4, 1, 4, 4], scale: 3)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("grid-\(UUID().uuidString).png")
    defer { try? FileManager.default.removeItem(at: url) }
    try grid.save(to: url)
    let decoded = try decodePNG(try Data(contentsOf: url))
    XCTAssertEqual(decoded.pixels, grid.canvas())
    XCTAssertEqual(decoded.channels, 1)
  }
}
