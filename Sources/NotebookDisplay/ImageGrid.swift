// A batch of images [N, C, H, W] in pixel space shown as one PNG grid.

import Foundation

// MARK: - Image grid

/// Images `[N, C, H, W]` (C = 1 gray or 3 RGB, 0...255 pixel space) tiled into one PNG.
public struct ImageGrid: NotebookRenderable, Sendable {
  /// Pixel bytes in NCHW order.
  public let pixels: [UInt8]
  /// Number of images N.
  public let count: Int
  /// Channels per image C (1 or 3).
  public let channels: Int
  /// Height of one image H.
  public let imageHeight: Int
  /// Width of one image W.
  public let imageWidth: Int
  /// Rows, columns, padding and upscaling.
  public let layout: GridLayout
  /// Gray level (all channels) of the padding and of empty cells.
  public let paddingValue: UInt8

  /// A grid from bytes in NCHW order; `shape` is `[N, C, H, W]` with C = 1 or 3.
  public init(
    pixels: [UInt8], shape: [Int], rows: Int? = nil, columns: Int? = nil, padding: Int = 2,
    paddingValue: UInt8 = 255, scale: Int = 1
  ) {
    precondition(shape.count == 4, "ImageGrid: expected shape [N, C, H, W], got \(shape)")
    precondition(shape[1] == 1 || shape[1] == 3, "ImageGrid: expected 1 or 3 channels, got shape \(shape)")
    precondition(shape.allSatisfy { $0 >= 1 }, "ImageGrid: every dimension must be >= 1, got \(shape)")
    let expected = shape.reduce(1, *)
    precondition(
      pixels.count == expected, "ImageGrid: shape \(shape) needs \(expected) values, got \(pixels.count)")
    self.pixels = pixels
    (count, channels, imageHeight, imageWidth) = (shape[0], shape[1], shape[2], shape[3])
    self.layout = GridLayout(
      count: shape[0], imageWidth: shape[3], imageHeight: shape[2], rows: rows, columns: columns,
      padding: padding, scale: scale)
    self.paddingValue = paddingValue
  }

  /// A grid from floats in 0...255 pixel space (NCHW), clamped and rounded to bytes; NaN becomes 0.
  public init(
    pixels: [Float], shape: [Int], rows: Int? = nil, columns: Int? = nil, padding: Int = 2,
    paddingValue: UInt8 = 255, scale: Int = 1
  ) {
    let bytes = pixels.map { value -> UInt8 in
      value.isNaN ? 0 : UInt8(min(max(value, 0), 255).rounded())
    }
    self.init(
      pixels: bytes, shape: shape, rows: rows, columns: columns, padding: padding,
      paddingValue: paddingValue, scale: scale)
  }

  // MARK: - Rendering

  /// The PNG pixel format of the grid: gray for one channel, RGB for three.
  public var format: PixelFormat { channels == 1 ? .gray : .rgb }

  /// The tiled grid as interleaved bytes (`layout.width * layout.height * channels`), rows top to bottom.
  public func canvas() -> [UInt8] {
    let (width, c) = (layout.width, channels)
    var out = [UInt8](repeating: paddingValue, count: width * layout.height * c)
    let scale = layout.cellWidth / imageWidth
    let plane = imageHeight * imageWidth
    for n in 0..<min(count, layout.capacity) {
      let (x0, y0) = layout.origin(ofImage: n)
      for y in 0..<layout.cellHeight {
        let sourceRow = n * c * plane + (y / scale) * imageWidth
        let rowStart = ((y0 + y) * width + x0) * c
        for x in 0..<layout.cellWidth {
          let source = sourceRow + x / scale
          for channel in 0..<c { out[rowStart + x * c + channel] = pixels[source + channel * plane] }
        }
      }
    }
    return out
  }

  /// The grid encoded as one PNG image.
  public func image() throws -> Image {
    try Image(pixels: canvas(), width: layout.width, height: layout.height, format: format)
  }

  /// The grid's PNG bundle; if encoding fails, a plain-text bundle saying why.
  public func mimeBundle() -> MimeBundle {
    do {
      var bundle = try image().mimeBundle()
      bundle.data[MimeType.plainText] =
        "<ImageGrid \(count) images \(channels)x\(imageHeight)x\(imageWidth), "
        + "\(layout.rows)x\(layout.columns) grid, \(layout.width)x\(layout.height) PNG>"
      return bundle
    } catch {
      return MimeBundle(plainText: "ImageGrid could not be rendered: \(error)")
    }
  }
}
