import TensorCore
// MARK: - Image dataset

/// A set of 8-bit images stored contiguously in NCHW order, with optional integer labels.
struct ImageDataset: Sendable, Equatable {
  /// Number of images.
  let count: Int
  /// Channels per image (1 for grayscale, 3 for RGB).
  let channels: Int
  /// Image height in pixels.
  let height: Int
  /// Image width in pixels.
  let width: Int
  /// All pixel values, 0...255, image after image, each image channel-major (NCHW).
  let pixels: [UInt8]
  /// One class label per image, when the source has them.
  let labels: [Int]?

  /// A dataset over `pixels` (NCHW, `count * channels * height * width` values).
  init(count: Int, channels: Int, height: Int, width: Int, pixels: [UInt8], labels: [Int]? = nil) {
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
  var imageSize: Int { channels * height * width }

  /// The shape of one image: [channels, height, width].
  var imageShape: [Int] { [channels, height, width] }

  /// The shape of the whole dataset: [count, channels, height, width].
  var shape: [Int] { [count, channels, height, width] }

  /// The pixels of image `index` (CHW).
  subscript(index: Int) -> ArraySlice<UInt8> {
    precondition(index >= 0 && index < count, "image index \(index) out of range 0..<\(count)")
    return pixels[(index * imageSize)..<((index + 1) * imageSize)]
  }
}

// MARK: - Subsets and batches

extension ImageDataset {
  /// The images at `indices`, in that order, as NCHW bytes with their shape [n, c, h, w].
  func batch(indices: [Int]) -> (pixels: [UInt8], shape: [Int]) {
    var result = [UInt8]()
    result.reserveCapacity(indices.count * imageSize)
    for index in indices { result.append(contentsOf: self[index]) }
    return (result, [indices.count, channels, height, width])
  }

  /// The images at `indices` as Float pixel values 0...255 (NCHW), ready for `Tensor(shape:scalars:)`.
  func floatBatch(indices: [Int]) -> (scalars: [Float], shape: [Int]) {
    let (bytes, shape) = batch(indices: indices)
    return (bytes.map { Float($0) }, shape)
  }

  /// The labels at `indices`, or nil when the dataset has none.
  func labels(indices: [Int]) -> [Int]? {
    labels.map { all in indices.map { all[$0] } }
  }

  /// A dataset of the images at `indices`, in that order.
  func subset(indices: [Int]) -> ImageDataset {
    ImageDataset(
      count: indices.count, channels: channels, height: height, width: width,
      pixels: batch(indices: indices).pixels, labels: labels(indices: indices))
  }

  /// The first `maxCount` images (all of them when there are fewer).
  func prefix(_ maxCount: Int) -> ImageDataset {
    precondition(maxCount >= 0, "prefix needs a non-negative count, got \(maxCount)")
    let kept = min(maxCount, count)
    return ImageDataset(
      count: kept, channels: channels, height: height, width: width,
      pixels: Array(pixels[0..<(kept * imageSize)]), labels: labels.map { Array($0[0..<kept]) })
  }
}
