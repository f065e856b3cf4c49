import XCTest

@testable import RealNVP

final class ImageFolderTests: XCTestCase {
  /// An RGB image (HWC) whose red value is the column, green the row and blue 7.
  private func coordinateImage(width: Int, height: Int) -> [UInt8] {
    var pixels = [UInt8]()
    for row in 0..<height {
      for column in 0..<width { pixels += [UInt8(column), UInt8(row), 7] }
    }
    return pixels
  }

  // MARK: - Decoding

  func testPNGDecodesExactlyIncludingGrayAndAlpha() throws {
    let folder = try TemporaryFolder()
    let rgb = coordinateImage(width: 5, height: 3)
    TestFiles.writePNG(path: folder.path("rgb.png"), width: 5, height: 3, pixels: rgb)
    XCTAssertEqual(try ImageDecoder.decodeRGB(path: folder.path("rgb.png")).pixels, rgb)

    TestFiles.writePNG(path: folder.path("gray.png"), width: 2, height: 1, channels: 1, pixels: [10, 200])
    XCTAssertEqual(
      try ImageDecoder.decodeRGB(path: folder.path("gray.png")).pixels, [10, 10, 10, 200, 200, 200])

    TestFiles.writePNG(
      path: folder.path("rgba.png"), width: 1, height: 1, channels: 4, pixels: [1, 2, 3, 255])
    XCTAssertEqual(try ImageDecoder.decodeRGB(path: folder.path("rgba.png")).pixels, [1, 2, 3])
  }

  func testJPEGDecodesCloseToTheOriginal() throws {
    let folder = try TemporaryFolder()
    let original = TestFiles.smoothRGB(width: 40, height: 24)
    TestFiles.writeJPEG(path: folder.path("a.jpg"), width: 40, height: 24, pixels: original)
    let decoded = try ImageDecoder.decodeRGB(path: folder.path("a.jpg"))
    XCTAssertEqual(decoded.size, ImageSize(width: 40, height: 24))
    let meanError = zip(decoded.pixels, original).map { abs(Int($0) - Int($1)) }.reduce(0, +)
    XCTAssertLessThan(Double(meanError) / Double(original.count), 3)
  }

  func testCorruptTruncatedAndForeignImagesThrow() throws {
    let folder = try TemporaryFolder()
    let original = TestFiles.smoothRGB(width: 64, height: 64)
    TestFiles.writeJPEG(path: folder.path("good.jpg"), width: 64, height: 64, pixels: original)
    TestFiles.writePNG(path: folder.path("good.png"), width: 64, height: 64, pixels: original)
    let jpeg = [UInt8](FileManager.default.contents(atPath: folder.path("good.jpg"))!)
    let png = [UInt8](FileManager.default.contents(atPath: folder.path("good.png"))!)
    let cases = [
      try folder.write(Array(jpeg.prefix(jpeg.count / 2)), to: "truncated.jpg"),
      try folder.write([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x42, count: 200), to: "garbage.jpg"),
      try folder.write(Array(png.prefix(png.count / 2)), to: "truncated.png"),
      try folder.write(Array("not an image at all".utf8), to: "text.png"),
    ]
    for path in cases {
      let error = thrownError(DatasetError.self) { try ImageDecoder.decodeRGB(path: path) }
      guard case .unreadableImage(let named, let detail)? = error else {
        XCTFail("expected unreadableImage for \(path), got \(String(describing: error))")
        continue
      }
      XCTAssertEqual(named, path)
      XCTAssertFalse(detail.isEmpty)
    }
  }

  // MARK: - Crop and resize

  func testCenterCropTakesTheMiddle() {
    let image = RGBImage(width: 178, height: 218, pixels: coordinateImage(width: 178, height: 218))
    let cropped = image.centerCropped(to: ImageSize(square: 148))
    XCTAssertEqual(cropped.size, ImageSize(square: 148))
    XCTAssertEqual(Array(cropped.pixels.prefix(3)), [15, 35, 7])  // (178-148)/2, (218-148)/2
    XCTAssertEqual(Array(cropped.pixels.suffix(3)), [15 + 147, 35 + 147, 7])
  }

  func testAreaAndBilinearResize() {
    // 4x2 image, red = column * 10: area halving averages pairs, bilinear at half-pixel centers too.
    var pixels = [UInt8]()
    for _ in 0..<2 {
      for column in 0..<4 { pixels += [UInt8(column * 10), 100, 0] }
    }
    let image = RGBImage(width: 4, height: 2, pixels: pixels)
    let area = image.resized(to: ImageSize(width: 2, height: 1), method: .area)
    XCTAssertEqual(area.pixels, [5, 100, 0, 25, 100, 0])
    let bilinear = image.resized(to: ImageSize(width: 2, height: 1), method: .bilinear)
    XCTAssertEqual(bilinear.pixels, [5, 100, 0, 25, 100, 0])
    // 3 -> 2 area: weights 2/3, 1/3 and 1/3, 2/3.
    let three = RGBImage(width: 3, height: 1, pixels: [0, 0, 0, 90, 0, 0, 180, 0, 0])
    XCTAssertEqual(three.resized(to: ImageSize(width: 2, height: 1)).pixels, [30, 0, 0, 150, 0, 0])
    // Upsampling 2 -> 4 bilinear: 0, 2.5, 7.5, 10 of a 0/10 pair.
    let two = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 10, 0, 0])
    XCTAssertEqual(
      two.resized(to: ImageSize(width: 4, height: 1), method: .bilinear).pixels.enumerated()
        .filter { $0.offset % 3 == 0 }.map(\.element), [0, 3, 8, 10])
  }

  // MARK: - Folders

  func testCelebAStyleFolderCropsResizesAndSorts() throws {
    let root = try TemporaryFolder()
    let folder = try root.folder("img_align_celeba")
    let base = coordinateImage(width: 178, height: 218)
    TestFiles.writePNG(path: folder + "/000002.png", width: 178, height: 218, pixels: base.map { $0 / 2 })
    TestFiles.writePNG(path: folder + "/000001.png", width: 178, height: 218, pixels: base)
    TestFiles.writeJPEG(path: folder + "/000003.jpg", width: 178, height: 218, pixels: base)
    try Data("notes".utf8).write(to: URL(fileURLWithPath: folder + "/README.txt"))

    let faces = try CelebA.load(directory: root.url.path, size: 32)
    XCTAssertEqual(faces.shape, [3, 3, 32, 32])
    XCTAssertNil(faces.labels)
    // Image 0 is 000001.png: red plane's first value is the mean column of the first 148/32 block.
    let block = 148.0 / 32
    XCTAssertEqual(Double(faces[0].first!), 15 + block / 2 - 0.5, accuracy: 0.6)
    XCTAssertEqual(Double(faces[1].first!), (15 + block / 2 - 0.5) / 2, accuracy: 1)
    XCTAssertEqual(try CelebA.load(directory: folder, size: 16, limit: 1).count, 1)
  }

  func testFolderErrors() throws {
    let root = try TemporaryFolder()
    assertThrows(
      DatasetError.missingFile(path: root.path("nope"), expected: "a folder of PNG or JPEG images")
    ) {
      try ImageFolder.load(directory: root.path("nope"))
    }
    let empty = try root.folder("empty")
    try Data("x".utf8).write(to: URL(fileURLWithPath: empty + "/notes.txt"))
    assertThrows(DatasetError.emptyFolder(path: empty, expected: "at least one .png, .jpg or .jpeg file")) {
      try ImageFolder.load(directory: empty)
    }
    let mixed = try root.folder("mixed")
    TestFiles.writePNG(
      path: mixed + "/a.png", width: 4, height: 4, pixels: coordinateImage(width: 4, height: 4))
    TestFiles.writePNG(
      path: mixed + "/b.png", width: 5, height: 4, pixels: coordinateImage(width: 5, height: 4))
    assertThrows(
      DatasetError.wrongImageSize(path: mixed + "/b.png", expected: "4x4 like the first image", found: "5x4")
    ) { try ImageFolder.load(directory: mixed) }
    assertThrows(DatasetError.wrongImageSize(path: mixed + "/a.png", expected: "5x4", found: "4x4")) {
      try ImageFolder.load(directory: mixed, requiredSize: ImageSize(width: 5, height: 4))
    }
    assertThrows(
      DatasetError.wrongImageSize(
        path: mixed + "/a.png", expected: "at least 148x148 for the center crop", found: "4x4")
    ) { try CelebA.load(directory: mixed) }
    let resized = try ImageFolder.load(directory: mixed, size: ImageSize(square: 2), method: .bilinear)
    XCTAssertEqual(resized.shape, [2, 3, 2, 2])
    // Decoding runs in parallel, but the error reported is the first bad file in name order.
    let order = try root.folder("order")
    TestFiles.writePNG(
      path: order + "/a.png", width: 2, height: 2, pixels: coordinateImage(width: 2, height: 2))
    try Data([0xFF, 0xD8, 0, 1]).write(to: URL(fileURLWithPath: order + "/b.jpg"))
    try Data("junk".utf8).write(to: URL(fileURLWithPath: order + "/c.png"))
    for _ in 0..<5 {
      let error = thrownError(DatasetError.self) { try ImageFolder.load(directory: order) }
      guard case .unreadableImage(let path, _)? = error else {
        return XCTFail("got \(String(describing: error))")
      }
      XCTAssertEqual(path, order + "/b.jpg")
    }
  }
}
