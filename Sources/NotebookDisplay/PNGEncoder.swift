// PNG encoding of 8-bit pixel buffers through libpng's simplified write API (no setjmp needed).

import CPNG
import Foundation

// MARK: - Pixel layout

/// How the bytes of one pixel are laid out in an interleaved 8-bit buffer.
public enum PixelFormat: Int, Sendable, CaseIterable {
  /// One byte per pixel: gray level.
  case gray = 1
  /// Three bytes per pixel: red, green, blue.
  case rgb = 3
  /// Four bytes per pixel: red, green, blue, alpha (not premultiplied).
  case rgba = 4

  /// Bytes per pixel.
  public var channels: Int { rawValue }

  /// The libpng simplified-API format constant.
  var pngFormat: png_uint_32 {
    switch self {
    case .gray: return png_uint_32(PNG_FORMAT_GRAY)
    case .rgb: return png_uint_32(PNG_FORMAT_RGB)
    case .rgba: return png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
    }
  }
}

// MARK: - Errors

/// Why a PNG could not be written.
public enum PNGEncodingError: Error, CustomStringConvertible, Equatable {
  /// The image has no pixels or is larger than PNG allows.
  case badSize(width: Int, height: Int)
  /// libpng refused the image; `message` is its own explanation.
  case libpng(message: String)

  /// What went wrong and what was expected.
  public var description: String {
    switch self {
    case .badSize(let width, let height):
      return "cannot encode a \(width)x\(height) PNG: width and height must be between 1 and 2^31-1"
    case .libpng(let message):
      return "libpng could not encode the image: \(message)"
    }
  }
}

// MARK: - Encoder

/// Encodes interleaved 8-bit pixels (rows top to bottom) as a PNG file in memory.
public enum PNGEncoder {
  /// Encodes `pixels` (`width * height * format.channels` bytes, row-major, interleaved) as PNG bytes.
  public static func encode(pixels: [UInt8], width: Int, height: Int, format: PixelFormat) throws -> Data {
    guard width > 0, height > 0, width < Int(Int32.max), height < Int(Int32.max) else {
      throw PNGEncodingError.badSize(width: width, height: height)
    }
    let expected = width * height * format.channels
    precondition(
      pixels.count == expected,
      "PNG pixels: expected \(width)x\(height)x\(format.channels) = \(expected) bytes, got \(pixels.count)")
    var capacity = expected + expected / 64 + height + 1024
    for _ in 0..<2 {
      var image = png_image()
      image.version = png_uint_32(PNG_IMAGE_VERSION)
      image.width = png_uint_32(width)
      image.height = png_uint_32(height)
      image.format = format.pngFormat
      var output = Data(count: capacity)
      var size = png_alloc_size_t(capacity)
      let ok = output.withUnsafeMutableBytes { memory in
        pixels.withUnsafeBytes { buffer in
          png_image_write_to_memory(&image, memory.baseAddress, &size, 0, buffer.baseAddress, 0, nil)
        }
      }
      let message = libpngMessage(&image)
      png_image_free(&image)
      if ok != 0 {
        output.count = Int(size)
        return output
      }
      guard Int(size) > capacity else { throw PNGEncodingError.libpng(message: message) }
      capacity = Int(size)
    }
    throw PNGEncodingError.libpng(message: "the output buffer stayed too small")
  }

  /// The text libpng left in `image.message`.
  private static func libpngMessage(_ image: inout png_image) -> String {
    withUnsafeBytes(of: &image.message) { raw in
      let bytes = raw.bindMemory(to: UInt8.self)
      let end = bytes.firstIndex(of: 0) ?? bytes.count
      return String(decoding: bytes[..<end], as: UTF8.self)
    }
  }
}
