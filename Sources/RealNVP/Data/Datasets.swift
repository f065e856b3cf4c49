// MARK: - One entry point for notebooks

/// Every dataset the library can make or read, under one name for notebook cells:
/// `Datasets.moons(count: 2000, noise: 0.05, seed: 0)`, `try Datasets.fashionMNIST(split: .train)`.
public enum Datasets {
  // MARK: - Toy 2D sets

  /// Two interleaving half circles, as scikit-learn's `make_moons`.
  public static func moons(count: Int, noise: Float = 0, seed: UInt64 = 0) -> PointSet {
    Toy2D.moons(count: count, noise: noise, seed: seed)
  }

  /// Two concentric circles with radii ratio `factor`, as scikit-learn's `make_circles`.
  public static func circles(count: Int, factor: Float = 0.8, noise: Float = 0, seed: UInt64 = 0) -> PointSet
  {
    Toy2D.circles(count: count, factor: factor, noise: noise, seed: seed)
  }

  /// Gaussian blobs around `centers` random centers, as scikit-learn's `make_blobs`.
  public static func blobs(count: Int, centers: Int = 3, std: Float = 1, seed: UInt64 = 0) -> PointSet {
    Toy2D.blobs(count: count, centers: centers, std: std, seed: seed)
  }

  /// Points uniform on the unit square.
  public static func uniform(count: Int, seed: UInt64 = 0) -> PointSet {
    Toy2D.uniform(count: count, seed: seed)
  }

  // MARK: - Images

  /// Fashion-MNIST from `directory` (Debian's dataset-fashion-mnist location by default).
  public static func fashionMNIST(
    directory: String = FashionMNIST.defaultDirectory, split: DatasetSplit
  ) throws -> ImageDataset {
    try FashionMNIST.load(directory: directory, split: split)
  }

  /// MNIST from the IDX files in `directory`.
  public static func mnist(directory: String, split: DatasetSplit) throws -> ImageDataset {
    try MNIST.load(directory: directory, split: split)
  }

  /// CIFAR-10 binary batches from `directory`.
  public static func cifar10(directory: String, split: DatasetSplit, limit: Int? = nil) throws -> ImageDataset
  {
    try CIFAR10.load(directory: directory, split: split, limit: limit)
  }

  /// CelebA faces from `directory`, center-cropped and resized to `size` x `size`.
  public static func celebA(directory: String, size: Int = 64, limit: Int? = nil) throws -> ImageDataset {
    try CelebA.load(directory: directory, size: size, limit: limit)
  }

  /// Seeded structured stand-in images for when CIFAR-10 or CelebA is absent.
  public static func synthetic(
    count: Int, channels: Int = 3, height: Int = 32, width: Int = 32, seed: UInt64 = 0
  ) -> ImageDataset {
    SyntheticImages.generate(count: count, channels: channels, height: height, width: width, seed: seed)
  }
}
