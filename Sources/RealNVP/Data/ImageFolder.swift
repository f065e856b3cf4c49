import Foundation
import TensorCore

// MARK: - Image folder

/// Reads every PNG and JPEG file of a folder (sorted by name) into an RGB `ImageDataset`.
enum ImageFolder {
  /// File extensions the reader picks up (compared case-insensitively).
  static let extensions: Set<String> = ["png", "jpg", "jpeg"]

  /// The image files of `directory`, sorted by name; throws when it is missing or has none.
  static func imagePaths(directory: String) throws -> [String] {
    guard DatasetFile.isDirectory(directory) else {
      throw DatasetError.missingFile(path: directory, expected: "a folder of PNG or JPEG images")
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: directory)
      .filter { !$0.hasPrefix(".") && extensions.contains(($0 as NSString).pathExtension.lowercased()) }
      .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    guard !names.isEmpty else {
      throw DatasetError.emptyFolder(path: directory, expected: "at least one .png, .jpg or .jpeg file")
    }
    return names.map { URL(fileURLWithPath: directory).appendingPathComponent($0).path }
  }

  /// Loads the folder's images: each must be `requiredSize` (when given), is center-cropped to
  /// `crop` (when given) and resized to `size` (when given) with `method`; `limit` keeps the first
  /// files only. Without a crop or size, all images must share the first image's size. Files are
  /// decoded in parallel; the first failing file in name order is the error reported.
  static func load(
    directory: String, crop: ImageSize? = nil, size: ImageSize? = nil, method: ResizeMethod = .area,
    requiredSize: ImageSize? = nil, limit: Int? = nil
  ) throws -> ImageDataset {
    var paths = try imagePaths(directory: directory)
    if let limit { paths = Array(paths.prefix(max(0, limit))) }
    let results = UnsafeMutableBufferPointer<Result<RGBImage, Error>?>.allocate(capacity: paths.count)
    results.initialize(repeating: nil)
    defer {
      _ = results.deinitialize()
      results.deallocate()
    }
    ComputeThreads.concurrentPerform(iterations: paths.count) { index in
      results[index] = Result {
        try prepare(path: paths[index], crop: crop, size: size, method: method, requiredSize: requiredSize)
      }
    }

    var outputSize = size ?? crop
    var pixels = [UInt8]()
    for (index, result) in results.enumerated() {
      let image = try result!.get()
      let target = outputSize ?? image.size
      guard image.size == target else {
        throw DatasetError.wrongImageSize(
          path: paths[index], expected: "\(target) like the first image", found: image.size.description)
      }
      if outputSize == nil {
        outputSize = target
        pixels.reserveCapacity(paths.count * target.width * target.height * 3)
      }
      pixels += image.planarPixels
    }
    let final = outputSize ?? ImageSize(square: 1)
    return ImageDataset(
      count: paths.count, channels: 3, height: final.height, width: final.width, pixels: pixels)
  }

  /// Decodes one file and applies the size check, crop and resize.
  private static func prepare(
    path: String, crop: ImageSize?, size: ImageSize?, method: ResizeMethod, requiredSize: ImageSize?
  ) throws -> RGBImage {
    var image = try ImageDecoder.decodeRGB(path: path)
    if let requiredSize, image.size != requiredSize {
      throw DatasetError.wrongImageSize(
        path: path, expected: requiredSize.description, found: image.size.description)
    }
    if let crop {
      guard crop.width <= image.width, crop.height <= image.height else {
        throw DatasetError.wrongImageSize(
          path: path, expected: "at least \(crop) for the center crop", found: image.size.description)
      }
      image = image.centerCropped(to: crop)
    }
    if let size { image = image.resized(to: size, method: method) }
    return image
  }
}

// MARK: - CelebA

/// CelebA's aligned faces (178x218 JPEGs), center-cropped and downsampled as in the Real NVP paper.
enum CelebA {
  /// The usual square crop that keeps the face (from 178x218 images).
  static let defaultCrop = ImageSize(square: 148)

  /// Loads `directory` (or its `img_align_celeba` subfolder): center crop `crop`, then resize to
  /// `size` x `size` with `method`; `limit` keeps the first files in name order.
  static func load(
    directory: String, size: Int = 64, crop: ImageSize = defaultCrop, method: ResizeMethod = .area,
    limit: Int? = nil
  ) throws -> ImageDataset {
    let nested = URL(fileURLWithPath: directory).appendingPathComponent("img_align_celeba").path
    let folder = DatasetFile.isDirectory(nested) ? nested : directory
    return try ImageFolder.load(
      directory: folder, crop: crop, size: ImageSize(square: size), method: method, limit: limit)
  }
}
