import Foundation

// MARK: - CIFAR-10

/// CIFAR-10 in its binary version: records of 1 label byte and 3x32x32 pixel bytes (CHW).
enum CIFAR10 {
  /// Bytes per record: the label and 3072 pixel values.
  static let recordSize = 1 + 3 * 32 * 32
  /// Class names by label.
  static let classNames = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
  ]

  /// The batch files of a split, in reading order.
  static func fileNames(for split: DatasetSplit) -> [String] {
    split == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
  }

  /// Loads `split` from `directory` (the batch folder, or its parent holding `cifar-10-batches-bin`)
  /// as a 3x32x32 dataset with labels; `limit` stops after that many images.
  static func load(directory: String, split: DatasetSplit, limit: Int? = nil) throws -> ImageDataset {
    let folder = resolveFolder(directory)
    var pixels = [UInt8]()
    var labels = [Int]()
    for name in fileNames(for: split) {
      if let limit, labels.count >= limit { break }
      let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
      let bytes = try DatasetFile.bytes(
        at: path, expected: "CIFAR-10 binary batch \(name) (from cifar-10-binary.tar.gz)")
      try readRecords(bytes, path: path, limit: limit.map { $0 - labels.count }, into: &pixels, &labels)
    }
    return ImageDataset(
      count: labels.count, channels: 3, height: 32, width: 32, pixels: pixels, labels: labels)
  }

  /// Appends the records of one batch file to `pixels` and `labels`.
  static func readRecords(
    _ bytes: [UInt8], path: String, limit: Int?, into pixels: inout [UInt8], _ labels: inout [Int]
  ) throws {
    guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
      let records = max(1, (bytes.count + recordSize - 1) / recordSize)
      throw DatasetError.truncatedFile(
        path: path, expectedBytes: records * recordSize, foundBytes: bytes.count)
    }
    let count = min(bytes.count / recordSize, limit ?? Int.max)
    pixels.reserveCapacity(pixels.count + count * (recordSize - 1))
    for record in 0..<count {
      let start = record * recordSize
      let label = Int(bytes[start])
      guard label < classNames.count else {
        throw DatasetError.malformedFile(
          path: path, expected: "labels 0...9 (record \(record))", found: "label \(label)")
      }
      labels.append(label)
      pixels.append(contentsOf: bytes[(start + 1)..<(start + recordSize)])
    }
  }

  private static func resolveFolder(_ directory: String) -> String {
    let nested = URL(fileURLWithPath: directory).appendingPathComponent("cifar-10-batches-bin").path
    return DatasetFile.isDirectory(nested) ? nested : directory
  }
}
