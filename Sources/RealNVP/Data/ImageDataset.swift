import TensorCore
// MARK: - Image dataset

/// A set of 8-bit images stored contiguously in NCHW order, with optional integer labels.
public struct ImageDataset: Sendable, Equatable {
  /// Number of images.
  public let count: Int
  /// Channels per image (1 for grayscale, 3 for RGB).
  public let channels: Int
  /// Image height in pixels.
  public let height: Int
  /// Image width in pixels.
  public let width: Int
  /// All pixel values, 0...255, image after image, each image channel-major (NCHW).
  public let pixels: [UInt8]
  /// One class label per image, when the source has them.
  public let labels: [Int]?

  /// A dataset over `pixels` (NCHW, `count * channels * height * width` values).
  public init(count: Int, channels: Int, height: Int, width: Int, pixels: [UInt8], labels: [Int]? = nil) {
    precondition(
      count >= 0 && channels > 0 && height > 0 && width > 0,
      "ImageDataset needs count >= 0 and positive channels/height/width, got "
        + "\(count)x\(channels)x\(height)x\(width)")
    precondition(
      pixels.count == count * channels * height * width,
      "ImageDataset expects \(count * channels * height * width) pixel values for "
        + "\(count)x\(channels)x\(height)x\(width), got \(pixels.count)")
    if let labels {
      precondition(
        labels.count == count, "ImageDataset expects \(count) labels, got \(labels.count)")
    }
    self.count = count
    self.channels = channels
    self.height = height
    self.width = width
    self.pixels = pixels
    self.labels = labels
  }

  /// Values per image: channels * height * width.
  public var imageSize: Int { channels * height * width }

  /// The shape of one image: [channels, height, width].
  public var imageShape: [Int] { [channels, height, width] }

  /// The shape of the whole dataset: [count, channels, height, width].
  public var shape: [Int] { [count, channels, height, width] }

  /// The pixels of image `index` (CHW).
  public subscript(index: Int) -> ArraySlice<UInt8> {
    precondition(index >= 0 && index < count, "image index \(index) out of range 0..<\(count)")
    return pixels[(index * imageSize)..<((index + 1) * imageSize)]
  }
}

// MARK: - Subsets and batches

extension ImageDataset {
  /// The images at `indices`, in that order, as NCHW bytes with their shape [n, c, h, w].
  public func batch(indices: [Int]) -> (pixels: [UInt8], shape: [Int]) {
    var result = [UInt8]()
    result.reserveCapacity(indices.count * imageSize)
    for index in indices { result.append(contentsOf: self[index]) }
    return (result, [indices.count, channels, height, width])
  }

  /// The images at `indices` as Float pixel values 0...255 (NCHW), ready for `Tensor(shape:scalars:)`.
  public func floatBatch(indices: [Int]) -> (scalars: [Float], shape: [Int]) {
    let (bytes, shape) = batch(indices: indices)
    return (bytes.map { Float($0) }, shape)
  }

  /// The labels at `indices`, or nil when the dataset has none.
  public func labels(indices: [Int]) -> [Int]? {
    labels.map { all in indices.map { all[$0] } }
  }

  /// A dataset of the images at `indices`, in that order.
  public func subset(indices: [Int]) -> ImageDataset {
    ImageDataset(
      count: indices.count, channels: channels, height: height, width: width,
      pixels: batch(indices: indices).pixels, labels: labels(indices: indices))
  }

  /// The first `maxCount` images (all of them when there are fewer).
  public func prefix(_ maxCount: Int) -> ImageDataset {
    precondition(maxCount >= 0, "prefix needs a non-negative count, got \(maxCount)")
    let kept = min(maxCount, count)
    return ImageDataset(
      count: kept, channels: channels, height: height, width: width,
      pixels: Array(pixels[0..<(kept * imageSize)]), labels: labels.map { Array($0[0..<kept]) })
  }

  /// A permutation of 0..<count that depends only on `seed` (the same on every machine).
  public func shuffledIndices(seed: UInt64) -> [Int] {
    var random = RandomGenerator(seed: seed)
    return random.permutation(count)
  }
}

// MARK: - Horizontal flips

extension ImageDataset {
  /// Mirrors every image of an NCHW batch left to right.
  public static func flippedHorizontally(_ batch: [UInt8], shape: [Int]) -> [UInt8] {
    flipRows(batch, shape: shape) { _ in true }
  }

  /// Mirrors each image of an NCHW batch with probability `probability`, using `random`.
  public static func randomlyFlipped(
    _ batch: [UInt8], shape: [Int], probability: Double = 0.5, random: inout RandomGenerator
  ) -> [UInt8] {
    let count = shape.first ?? 0
    let choices = (0..<count).map { _ in random.nextDouble() < probability }
    return flipRows(batch, shape: shape) { choices[$0] }
  }

  private static func flipRows(_ batch: [UInt8], shape: [Int], where flip: (Int) -> Bool) -> [UInt8] {
    precondition(shape.count == 4, "a batch shape must be [n, c, h, w], got \(shape)")
    precondition(
      batch.count == shape.reduce(1, *),
      "batch of shape \(shape) needs \(shape.reduce(1, *)) values, got \(batch.count)")
    let width = shape[3]
    let imageSize = shape[1] * shape[2] * width
    var result = batch
    for image in 0..<shape[0] where flip(image) {
      var rowStart = image * imageSize
      while rowStart < (image + 1) * imageSize {
        for column in 0..<width { result[rowStart + column] = batch[rowStart + width - 1 - column] }
        rowStart += width
      }
    }
    return result
  }
}
