import Foundation

// MARK: - MNIST

/// MNIST in its original IDX files (gzip or raw), from a folder the user points to or the one
/// `realnvp data fetch mnist` fills (`DataDirectory.mnist()`).
enum MNIST {
  /// Loads `split` from `directory` as a 1x28x28 dataset with labels; `fetchHint` tells in the
  /// missing-file error how to get the files.
  static func load(directory: String, split: DatasetSplit, fetchHint: String? = nil) throws
    -> ImageDataset
  {
    try IDXDataset.load(directory: directory, split: split, name: "MNIST", installHint: fetchHint)
  }
}

// MARK: - Fashion-MNIST

/// Fashion-MNIST, the same IDX format as MNIST; Debian ships it as `dataset-fashion-mnist`.
enum FashionMNIST {
  /// Where Debian's dataset-fashion-mnist installs the files.
  static let defaultDirectory = Datasets.fashionMNISTDirectory

  /// Loads `split` from `directory` (by default Debian's location) as a 1x28x28 dataset with labels.
  static func load(directory: String = defaultDirectory, split: DatasetSplit) throws -> ImageDataset {
    let hint =
      directory == defaultDirectory
      ? "install it with `sudo apt-get install dataset-fashion-mnist`" : nil
    return try IDXDataset.load(directory: directory, split: split, name: "Fashion-MNIST", installHint: hint)
  }
}

// MARK: - Shared loader

/// Finds and reads the image and label files of an MNIST-format split.
enum IDXDataset {
  static func load(directory: String, split: DatasetSplit, name: String, installHint: String?) throws
    -> ImageDataset
  {
    let prefix = split == .train ? "train" : "t10k"
    let imagesPath = try locate(
      directory: directory, stem: "\(prefix)-images", kind: "idx3", what: "\(name) \(split) images",
      installHint: installHint)
    let labelsPath = try locate(
      directory: directory, stem: "\(prefix)-labels", kind: "idx1", what: "\(name) \(split) labels",
      installHint: installHint)
    let images = try IDXReader.readImages(path: imagesPath)
    let labels = try IDXReader.readLabels(path: labelsPath)
    guard labels.count == images.count else {
      throw DatasetError.malformedFile(
        path: labelsPath, expected: "\(images.count) labels (one per image in \(imagesPath))",
        found: "\(labels.count) labels")
    }
    return ImageDataset(
      count: images.count, channels: 1, height: images.height, width: images.width,
      pixels: images.pixels, labels: labels)
  }

  /// The first existing spelling of the file: `stem-kind-ubyte[.gz]` or `stem.kind-ubyte[.gz]`.
  private static func locate(
    directory: String, stem: String, kind: String, what: String, installHint: String?
  ) throws -> String {
    let names = [
      "\(stem)-\(kind)-ubyte.gz", "\(stem)-\(kind)-ubyte", "\(stem).\(kind)-ubyte.gz",
      "\(stem).\(kind)-ubyte",
    ]
    let folder = URL(fileURLWithPath: directory)
    let candidates = names.map { folder.appendingPathComponent($0).path }
    if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
    var expected = "\(what) as \(names[0]) or \(names[1])"
    if let installHint { expected += "; \(installHint)" }
    throw DatasetError.missingFile(path: candidates[0], expected: expected)
  }
}
