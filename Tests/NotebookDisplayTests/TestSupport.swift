// Independent checks used by the tests: a libpng decoder and an XML element counter.

import CPNG
import Foundation
import XCTest

@testable import NotebookDisplay

#if canImport(FoundationXML)
  import FoundationXML
#endif

// MARK: - PNG decoding (libpng's simplified read API, independent of the encoder code)

/// A decoded PNG: size, channels and interleaved 8-bit pixels.
struct DecodedPNG {
  let width: Int
  let height: Int
  let channels: Int
  let pixels: [UInt8]
}

/// Decodes PNG bytes into 8-bit pixels in the file's own channel layout (gray, RGB or RGBA).
func decodePNG(_ data: Data) throws -> DecodedPNG {
  // libpng keeps the memory pointer between begin_read and finish_read: both run in one closure.
  try data.withUnsafeBytes { raw -> DecodedPNG in
    var image = png_image()
    image.version = png_uint_32(PNG_IMAGE_VERSION)
    guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
      throw DecodeFailure(message: "begin_read failed")
    }
    defer { png_image_free(&image) }
    let channels: Int
    switch image.format {
    case png_uint_32(PNG_FORMAT_GRAY): channels = 1
    case png_uint_32(PNG_FORMAT_FLAG_COLOR): channels = 3
    case png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA): channels = 4
    default: throw DecodeFailure(message: "unexpected format \(image.format)")
    }
    let (width, height) = (Int(image.width), Int(image.height))
    var pixels = [UInt8](repeating: 0, count: width * height * channels)
    let finished = pixels.withUnsafeMutableBytes { buffer in
      png_image_finish_read(&image, nil, buffer.baseAddress, 0, nil)
    }
    guard finished != 0 else { throw DecodeFailure(message: "finish_read failed") }
    return DecodedPNG(width: width, height: height, channels: channels, pixels: pixels)
  }
}

/// A PNG the test decoder could not read.
struct DecodeFailure: Error { let message: String }

// MARK: - XML parsing

/// Parses an XML document with Foundation's XMLParser and counts elements by name.
final class XMLSummary: NSObject, XMLParserDelegate {
  private(set) var counts: [String: Int] = [:]
  private(set) var texts: [String] = []
  private(set) var attributes: [(element: String, attributes: [String: String])] = []
  private var currentText: String?

  /// Parses `source`; fails the test if it is not well-formed XML.
  init(_ source: String, file: StaticString = #filePath, line: UInt = #line) {
    super.init()
    let parser = XMLParser(data: Data(source.utf8))
    parser.delegate = self
    let ok = parser.parse()
    XCTAssertTrue(
      ok, "not well-formed XML: \(String(describing: parser.parserError))", file: file, line: line)
  }

  /// Number of elements named `name`.
  func count(_ name: String) -> Int { counts[name, default: 0] }

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
  ) {
    counts[elementName, default: 0] += 1
    attributes.append((elementName, attributeDict))
    if elementName == "text" { currentText = "" }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) { currentText? += string }

  func parser(
    _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
    qualifiedName qName: String?
  ) {
    if elementName == "text", let text = currentText {
      texts.append(text)
      currentText = nil
    }
  }
}

// MARK: - Capturing display events

/// Replaces `DisplayChannel.send` while `body` runs and returns the events it received.
func captureDisplayEvents(_ body: () throws -> Void) rethrows -> [DisplayEvent] {
  final class Box: @unchecked Sendable { var events: [DisplayEvent] = [] }
  let box = Box()
  let saved = DisplayChannel.send
  DisplayChannel.send = { box.events.append($0) }
  defer { DisplayChannel.send = saved }
  try body()
  return box.events
}
