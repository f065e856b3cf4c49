import CJPEG
import CPNG
import CZlib
import Foundation
import XCTest

// MARK: - Temporary folders

/// A fresh folder under the system temporary directory, removed when the value goes away.
final class TemporaryFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("realnvp-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// The path of `name` inside the folder.
  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  /// Creates the subfolder `name` and returns its path.
  func folder(_ name: String) throws -> String {
    let path = self.path(name)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// Writes `bytes` to `name` and returns its path.
  @discardableResult
  func write(_ bytes: [UInt8], to name: String) throws -> String {
    let path = self.path(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }
}

// MARK: - File builders

enum TestFiles {
  /// An IDX file of unsigned bytes with `shape` and `values`.
  static func idx(shape: [Int], values: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
    for dimension in shape {
      bytes += [24, 16, 8, 0].map { UInt8((dimension >> $0) & 0xFF) }
    }
    return bytes + values
  }

  /// `bytes` compressed as a gzip file with zlib's gz* API.
  static func gzip(_ bytes: [UInt8], scratch: String) -> [UInt8] {
    let file = gzopen(scratch, "wb")!
    _ = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
    gzclose(file)
    let result = [UInt8](FileManager.default.contents(atPath: scratch)!)
    try? FileManager.default.removeItem(atPath: scratch)
    return result
  }

  /// Writes an 8-bit PNG with libpng's simplified API (`channels` 1 = gray, 3 = RGB, 4 = RGBA).
  static func writePNG(path: String, width: Int, height: Int, channels: Int = 3, pixels: [UInt8]) {
    precondition(pixels.count == width * height * channels)
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    image.width = UInt32(width)
    image.height = UInt32(height)
    image.format = [
      1: 0, 3: UInt32(PNG_FORMAT_FLAG_COLOR), 4: UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA),
    ][
      channels]!
    let ok = pixels.withUnsafeBytes { png_image_write_to_file(&image, path, 0, $0.baseAddress, 0, nil) }
    precondition(ok != 0, "libpng could not write the test image \(path)")
  }

  /// Writes an RGB JPEG at `quality` with libjpeg.
  static func writeJPEG(path: String, width: Int, height: Int, pixels: [UInt8], quality: Int32 = 95) {
    precondition(pixels.count == width * height * 3)
    let info = UnsafeMutablePointer<jpeg_compress_struct>.allocate(capacity: 1)
    let errors = UnsafeMutablePointer<jpeg_error_mgr>.allocate(capacity: 1)
    defer {
      info.deallocate()
      errors.deallocate()
    }
    info.initialize(to: jpeg_compress_struct())
    errors.initialize(to: jpeg_error_mgr())
    info.pointee.err = jpeg_std_error(errors)
    jpeg_CreateCompress(info, JPEG_LIB_VERSION, MemoryLayout<jpeg_compress_struct>.size)
    var buffer: UnsafeMutablePointer<UInt8>?
    var size: UInt = 0
    jpeg_mem_dest(info, &buffer, &size)
    info.pointee.image_width = JDIMENSION(width)
    info.pointee.image_height = JDIMENSION(height)
    info.pointee.input_components = 3
    info.pointee.in_color_space = JCS_RGB
    jpeg_set_defaults(info)
    jpeg_set_quality(info, quality, 1)
    jpeg_start_compress(info, 1)
    var rows = pixels
    rows.withUnsafeMutableBufferPointer { all in
      while info.pointee.next_scanline < info.pointee.image_height {
        var row: JSAMPROW? = all.baseAddress! + Int(info.pointee.next_scanline) * width * 3
        jpeg_write_scanlines(info, &row, 1)
      }
    }
    jpeg_finish_compress(info)
    jpeg_destroy_compress(info)
    let bytes = Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    free(buffer)
    let created = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    precondition(created, "could not write the test image \(path)")
  }

  /// A smooth RGB test picture (HWC) whose values change slowly, so JPEG keeps it close.
  static func smoothRGB(width: Int, height: Int) -> [UInt8] {
    var pixels = [UInt8]()
    for row in 0..<height {
      for column in 0..<width {
        pixels += [
          UInt8(40 + 150 * column / max(1, width - 1)), UInt8(60 + 120 * row / max(1, height - 1)),
          UInt8(128),
        ]
      }
    }
    return pixels
  }
}

// MARK: - Assertions

/// Asserts that `body` throws `expected` (compared with ==), with the error's text in the failure.
func assertThrows<E: Error & Equatable, T>(
  _ expected: E, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
) {
  do {
    _ = try body()
    XCTFail("expected \(expected) but nothing was thrown", file: file, line: line)
  } catch let error as E {
    XCTAssertEqual(error, expected, file: file, line: line)
  } catch {
    XCTFail("expected \(expected), got \(error)", file: file, line: line)
  }
}

/// Returns the error `body` throws (failing the test when it throws none or another type).
func thrownError<E: Error, T>(
  _ type: E.Type, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
) -> E? {
  do {
    _ = try body()
    XCTFail("expected a \(E.self) but nothing was thrown", file: file, line: line)
  } catch let error as E {
    return error
  } catch {
    XCTFail("expected a \(E.self), got \(error)", file: file, line: line)
  }
  return nil
}

// MARK: - Tar archives

extension TestFiles {
  /// An uncompressed ustar archive of `entries` (path, content, type flag: "0" file, "5" folder,
  /// "x" pax header, "L" GNU long name), ended by two zero blocks.
  static func tar(_ entries: [(String, [UInt8], UInt8)]) -> [UInt8] {
    var archive = [UInt8]()
    for (path, content, type) in entries {
      var header = [UInt8](repeating: 0, count: 512)
      func put(_ text: String, at offset: Int) {
        for (index, byte) in text.utf8.prefix(100).enumerated() { header[offset + index] = byte }
      }
      put(path, at: 0)
      put("0000644", at: 100)
      put("0000000", at: 108)
      put("0000000", at: 116)
      put(String(format: "%011o", content.count), at: 124)
      put("00000000000", at: 136)
      header[156] = type
      put("ustar", at: 257)
      put("00", at: 263)
      for index in 148..<156 { header[index] = 32 }
      put(String(format: "%06o", header.reduce(0) { $0 + Int($1) }), at: 148)
      header[154] = 0
      archive += header + content
      archive += [UInt8](repeating: 0, count: (512 - content.count % 512) % 512)
    }
    return archive + [UInt8](repeating: 0, count: 1024)
  }

  /// A ustar archive of regular files.
  static func tar(_ files: [(String, [UInt8])]) -> [UInt8] {
    tar(files.map { ($0, $1, UInt8(ascii: "0")) })
  }
}
