import Foundation

/// The datasets of the post, with their provenance recorded for run journals.
public enum Datasets {
  /// Where Debian's dataset-fashion-mnist installs Fashion-MNIST.
  public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

  /// scikit-learn's make_moons: two interleaved half circles.
  public static func moons(count: Int, noise: Float = 0.05, seed: UInt64 = 0) -> Dataset {
    toy("moons", count: count, noise: noise, seed: seed)
  }

  /// scikit-learn's make_circles with factor 0.5: two concentric circles.
  public static func circles(count: Int, noise: Float = 0.05, seed: UInt64 = 0) -> Dataset {
    toy("circles", count: count, noise: noise, seed: seed)
  }

  /// scikit-learn's make_blobs with three fixed centers (so that train and test sets drawn
  /// with different seeds share them): Gaussian blobs of standard deviation `std`.
  public static func blobs(count: Int, std: Float = 0.3, seed: UInt64 = 0) -> Dataset {
    toy("blobs", count: count, noise: std, seed: seed)
  }

  /// The blobs' centers, on the scale of the moons and circles.
  public static let blobCenters: [(x: Float, y: Float)] = [(-1.5, -1), (1.5, -0.5), (0, 1.5)]

  /// Points uniform in the unit square.
  public static func uniform(count: Int, seed: UInt64 = 0) -> Dataset {
    toy("uniform", count: count, noise: 0, seed: seed)
  }

  /// A toy set by name ("moons", "circles", "blobs", "uniform"); `noise` is the blobs' std.
  public static func toy(_ kind: String, count: Int, noise: Float, seed: UInt64) -> Dataset {
    guard let points = Toy2D.named(kind, count: count, noise: noise, seed: seed) else {
      preconditionFailure("Unknown toy dataset \"\(kind)\"; expected moons, circles, blobs or uniform")
    }
    return points
  }

  /// Fashion-MNIST from Debian's dataset-fashion-mnist (or another IDX directory).
  public static func fashionMNIST(
    split: DatasetSplit = .train, directory: String = fashionMNISTDirectory, limit: Int? = nil
  ) throws -> Dataset {
    try idx(directory: directory, split: split, limit: limit)
  }

  /// MNIST from `directory`, by default the folder `realnvp data fetch mnist` fills
  /// (`DataDirectory.mnist()`: `$MNIST_DIR`, else `mnist` under `$REALNVP_DATA` or the user's
  /// cache). Missing files throw a `DatasetError` that names the command fetching them.
  public static func mnist(split: DatasetSplit = .train, directory: String? = nil, limit: Int? = nil) throws
    -> Dataset
  {
    let folder = directory ?? DataDirectory.mnist()
    let source = DataSource.idx(directory: folder, split: split.rawValue, limit: limit)
    let hint = "fetch it with `\(DataDirectory.mnistFetchCommand(for: folder))`"
    let data = try MNIST.load(directory: folder, split: split, fetchHint: hint)
    return Dataset(.images(limit.map { data.prefix($0) } ?? data), source: source)
  }

  /// MNIST-format IDX files (train-images-idx3-ubyte[.gz] ...) in `directory`.
  public static func idx(directory: String, split: DatasetSplit = .train, limit: Int? = nil) throws -> Dataset
  {
    let source = DataSource.idx(directory: directory, split: split.rawValue, limit: limit)
    let data = try MNIST.load(directory: directory, split: split)
    return Dataset(.images(limit.map { data.prefix($0) } ?? data), source: source)
  }

  /// CIFAR-10 binary batches in `directory`.
  public static func cifar10(directory: String, split: DatasetSplit = .train, limit: Int? = nil) throws
    -> Dataset
  {
    let source = DataSource.cifar10(directory: directory, split: split.rawValue, limit: limit)
    return Dataset(
      .images(try CIFAR10.load(directory: directory, split: split, limit: limit)), source: source)
  }

  /// CelebA image folder, center-cropped and resized to `size` x `size`.
  public static func celebA(directory: String, size: Int = 64, limit: Int? = nil) throws -> Dataset {
    let source = DataSource.celebA(directory: directory, size: size, limit: limit)
    return Dataset(.images(try CelebA.load(directory: directory, size: size, limit: limit)), source: source)
  }

  /// Seeded synthetic images, the stand-in when CIFAR-10 or CelebA files are absent.
  public static func synthetic(count: Int, channels: Int = 3, size: Int = 32, seed: UInt64 = 0) -> Dataset {
    let images = SyntheticImages.generate(
      count: count, channels: channels, height: size, width: size, seed: seed)
    return Dataset(
      .images(images), source: .synthetic(count: count, channels: channels, size: size, seed: seed))
  }
}

extension Toy2D {
  /// A toy set by name, or nil for an unknown name.
  static func named(_ kind: String, count: Int, noise: Float, seed: UInt64) -> Dataset? {
    let points: PointSet
    switch kind {
    case "moons": points = moons(count: count, noise: noise, seed: seed)
    case "circles": points = circles(count: count, factor: 0.5, noise: noise, seed: seed)
    case "blobs": points = blobs(count: count, centers: Datasets.blobCenters, std: noise, seed: seed)
    case "uniform": points = uniform(count: count, seed: seed)
    default: return nil
    }
    return Dataset(.points(points), source: .toy(kind: kind, count: count, noise: noise, seed: seed))
  }
}
