import Foundation
import XCTest

@testable import NotebookDisplay

final class PNGEncoderTests: XCTestCase {
  /// Deterministic pseudo-random bytes (not all equal, so compression cannot hide mistakes).
  private func noise(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 56)
    }
  }

  func testEveryFormatDecodesToTheSamePixels() throws {
    for format in PixelFormat.allCases {
      let (width, height) = (13, 7)
      let pixels = noise(width * height * format.channels, seed: UInt64(format.rawValue))
      let png = try PNGEncoder.encode(pixels: pixels, width: width, height: height, format: format)
      XCTAssertEqual(Array(png.prefix(8)), Image.signature, "\(format)")
      let decoded = try decodePNG(png)
      XCTAssertEqual(decoded.width, width)
      XCTAssertEqual(decoded.height, height)
      XCTAssertEqual(decoded.channels, format.channels, "\(format)")
      XCTAssertEqual(decoded.pixels, pixels, "\(format)")
    }
  }

  func testLargeIncompressibleImageNeedsNoSecondGuess() throws {
    let pixels = noise(300 * 200 * 3, seed: 7)
    let png = try PNGEncoder.encode(pixels: pixels, width: 300, height: 200, format: .rgb)
    XCTAssertGreaterThan(png.count, pixels.count / 2)
    XCTAssertEqual(try decodePNG(png).pixels, pixels)
  }

  func testZeroSizeIsATypedError() {
    XCTAssertThrowsError(try PNGEncoder.encode(pixels: [], width: 0, height: 3, format: .gray)) { error in
      XCTAssertEqual(error as? PNGEncodingError, .badSize(width: 0, height: 3))
      XCTAssertTrue("\(error)".contains("0x3"))
    }
  }

  func testImageReadsSizeFromHeaderAndBundlesBase64() throws {
    let image = try Image(pixels: noise(5 * 9, seed: 3), width: 5, height: 9, format: .gray)
    XCTAssertEqual(image.width, 5)
    XCTAssertEqual(image.height, 9)
    let bundle = image.mimeBundle()
    XCTAssertEqual(bundle.metadata[MimeType.png], ["width": 5, "height": 9])
    XCTAssertEqual(Data(base64Encoded: bundle.data[MimeType.png] ?? ""), image.pngData)
    XCTAssertEqual(bundle.data[MimeType.plainText], "<Image 5x9 PNG, \(image.pngData.count) bytes>")
    XCTAssertEqual(Image(pngData: Data("not a png".utf8)).width, 0)
  }
}
