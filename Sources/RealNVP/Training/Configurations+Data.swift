import Foundation

extension ExperimentConfiguration {
  /// Loads this experiment's data for `split`; `directory` overrides the configured path.
  /// For the MNIST-format experiments `directory` may also name a dataset: `mnist` (the folder
  /// `realnvp data fetch mnist` fills) or `fashion-mnist` (Debian's); `./mnist` is a folder.
  /// Toy sets draw the test split from another seed.
  public func loadData(split: DatasetSplit, directory: String? = nil) throws -> Dataset {
    switch data {
    case .toy(let kind, let count):
      let seed: UInt64 = split == .train ? 0 : 1
      return Datasets.toy(kind, count: split == .train ? count : count / 2, noise: 0.05, seed: seed)
    case .mnist(let configured, let limit):
      let splitLimit = split == .train ? limit : limit.map { $0 / 4 }
      switch directory ?? configured ?? FashionMNIST.defaultDirectory {
      case Self.mnistDataName:
        return try Datasets.mnist(split: split, limit: splitLimit)
      case Self.fashionMNISTDataName:
        return try Datasets.fashionMNIST(split: split, limit: splitLimit)
      case let path:
        return try Datasets.idx(directory: path, split: split, limit: splitLimit)
      }
    case .cifar10(let configured, let limit):
      return try Datasets.cifar10(
        directory: directory ?? configured, split: split,
        limit: split == .train ? limit : limit.map { $0 / 4 })
    case .celebA(let configured, let size, let limit):
      // CelebA has no split files here: the test split is the images after the training ones.
      let all = try Datasets.celebA(
        directory: directory ?? configured, size: size, limit: limit.map { $0 * 5 / 4 })
      let trainCount = all.count * 4 / 5
      guard case .images(let images) = all.samples else { return all }
      let indices = split == .train ? Array(0..<trainCount) : Array(trainCount..<all.count)
      return Dataset(.images(images.subset(indices: indices)), source: all.source)
    }
  }

  /// The `--data` name of MNIST in the folder `realnvp data fetch mnist` fills.
  public static let mnistDataName = "mnist"
  /// The `--data` name of Fashion-MNIST from Debian's dataset-fashion-mnist.
  public static let fashionMNISTDataName = "fashion-mnist"

  /// Builds a fresh model for this experiment (see `ModelDescription.makeModel()`).
  public func makeModel() throws -> DensityModel { try model.makeModel() }
}
