// A PNG image as rich output, built from PNG bytes or from raw 8-bit pixels.

import Foundation

// MARK: - Image

/// A PNG image shown in the notebook (`image/png`) and savable as a .png file.
public struct Image: NotebookRenderable, Equatable, Sendable {
  /// The PNG file bytes.
  public let pngData: Data
  /// Width in pixels, read from the PNG header (0 if the bytes are not a PNG).
  public let width: Int
  /// Height in pixels, read from the PNG header (0 if the bytes are not a PNG).
  public let height: Int

  /// Wraps existing PNG bytes; the size comes from the PNG's IHDR chunk.
  public init(pngData: Data) {
    self.pngData = pngData
    (width, height) = Image.headerSize(of: pngData) ?? (0, 0)
  }

  /// Encodes interleaved 8-bit pixels (rows top to bottom) as a PNG image.
  public init(pixels: [UInt8], width: Int, height: Int, format: PixelFormat) throws {
    self.init(pngData: try PNGEncoder.encode(pixels: pixels, width: width, height: height, format: format))
  }

  /// `image/png` (base64) with width/height metadata, plus a plain-text description.
  public func mimeBundle() -> MimeBundle {
    MimeBundle(
      data: [
        MimeType.png: pngData.base64EncodedString(),
        MimeType.plainText: "<Image \(width)x\(height) PNG, \(pngData.count) bytes>",
      ],
      metadata: [MimeType.png: ["width": width, "height": height]])
  }

  // MARK: - PNG header

  /// The eight bytes every PNG file starts with.
  static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

  /// Width and height from the IHDR chunk, or nil if `data` does not start like a PNG.
  static func headerSize(of data: Data) -> (Int, Int)? {
    let bytes = [UInt8](data.prefix(24))
    guard bytes.count == 24, Array(bytes[0..<8]) == signature,
      String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR"
    else { return nil }
    func bigEndian(_ start: Int) -> Int {
      bytes[start..<start + 4].reduce(0) { $0 << 8 | Int($1) }
    }
    return (bigEndian(16), bigEndian(20))
  }
}
