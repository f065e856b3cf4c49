import CJPEG
import CPNG
import Foundation

// MARK: - Decoded images

/// An 8-bit RGB image with interleaved pixels (row after row, R G B per pixel).
struct RGBImage: Sendable, Equatable {
  /// Width in pixels.
  let width: Int
  /// Height in pixels.
  let height: Int
  /// `height * width * 3` values in HWC order.
  let pixels: [UInt8]

  /// An image over `pixels` (HWC, `height * width * 3` values).
  init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(
      pixels.count == width * height * 3,
      "RGBImage of \(width)x\(height) needs \(width * height * 3) values, got \(pixels.count)")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// The size as width x height.
  var size: ImageSize { ImageSize(width: width, height: height) }
}

/// A width and height in pixels.
struct ImageSize: Sendable, Equatable, Hashable, CustomStringConvertible {
  /// Width in pixels.
  var width: Int
  /// Height in pixels.
  var height: Int

  /// A size of `width` x `height` pixels.
  init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }

  /// A square size of `side` x `side` pixels.
  init(square side: Int) { self.init(width: side, height: side) }

  /// "WIDTHxHEIGHT".
  var description: String { "\(width)x\(height)" }
}

// MARK: - Decoder

/// Decodes PNG (libpng) and JPEG (libjpeg) files to RGB; grayscale is replicated, alpha dropped.
enum ImageDecoder {
  /// Decodes the PNG or JPEG file at `path` (the format is detected from its first bytes).
  static func decodeRGB(path: String) throws -> RGBImage {
    let bytes = try DatasetFile.bytes(at: path, expected: "a PNG or JPEG image")
    if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try decodePNG(bytes, path: path) }
    if bytes.starts(with: [0xFF, 0xD8]) { return try decodeJPEG(bytes, path: path) }
    let head = bytes.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")
    throw DatasetError.unreadableImage(
      path: path, detail: "expected a PNG (89 50 4e 47) or JPEG (ff d8) signature, found \(head)")
  }

  private static func decodePNG(_ bytes: [UInt8], path: String) throws -> RGBImage {
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    defer { png_image_free(&image) }
    guard png_image_begin_read_from_memory(&image, bytes, bytes.count) != 0 else {
      throw DatasetError.unreadableImage(path: path, detail: "libpng: " + message(of: image))
    }
    image.format = UInt32(PNG_FORMAT_FLAG_COLOR)  // 8-bit RGB, alpha composed away
    let width = Int(image.width)
    let height = Int(image.height)
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    let finished = pixels.withUnsafeMutableBytes { buffer in
      png_image_finish_read(&image, nil, buffer.baseAddress, 0, nil)
    }
    guard finished != 0, image.warning_or_error & UInt32(PNG_IMAGE_ERROR) == 0 else {
      throw DatasetError.unreadableImage(path: path, detail: "libpng: " + message(of: image))
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  private static func decodeJPEG(_ bytes: [UInt8], path: String) throws -> RGBImage {
    var output: UnsafeMutablePointer<UInt8>?
    var width: Int32 = 0
    var height: Int32 = 0
    var message = [CChar](repeating: 0, count: 256)
    let status = message.withUnsafeMutableBufferPointer { text in
      realnvp_jpeg_decode_rgb(
        bytes, UInt(bytes.count), &output, &width, &height, text.baseAddress, Int32(text.count))
    }
    guard status == 0, let output else {
      let detail = String(cString: message)
      throw DatasetError.unreadableImage(
        path: path, detail: "libjpeg: " + (status == 2 ? "corrupt or truncated data (\(detail))" : detail))
    }
    defer { free(output) }
    let count = Int(width) * Int(height) * 3
    return RGBImage(
      width: Int(width), height: Int(height),
      pixels: Array(UnsafeBufferPointer(start: output, count: count)))
  }

  private static func message(of image: png_image) -> String {
    withUnsafeBytes(of: image.message) { raw in
      let text = raw.bindMemory(to: CChar.self)
      let end = text.firstIndex(of: 0) ?? text.count
      return String(decoding: raw.prefix(end), as: UTF8.self)
    }
  }
}
