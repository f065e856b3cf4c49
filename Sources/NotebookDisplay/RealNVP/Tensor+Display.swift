import RealNVP
import TensorCore

// MARK: - Images and points from tensors

extension ImageGrid {
  /// A grid of images [N, C, H, W] in pixel space (0...255), C = 1 or 3.
  public init(
    _ images: Tensor, rows: Int? = nil, columns: Int? = nil, padding: Int = 2, paddingValue: UInt8 = 255,
    scale: Int = 1
  ) {
    self.init(
      pixels: images.scalars, shape: images.shape, rows: rows, columns: columns, padding: padding,
      paddingValue: paddingValue, scale: scale)
  }

  /// The first `limit` images of a dataset.
  public init(_ data: Dataset, limit: Int = 64, rows: Int? = nil, columns: Int? = nil, scale: Int = 1) {
    self.init(data.batch(Array(0..<min(limit, data.count))), rows: rows, columns: columns, scale: scale)
  }
}

/// A short name for the data-versus-samples scatter plot, as the README's examples use it.
public typealias Scatter = ScatterPlot

extension ScatterPlot {
  /// Training data in blue and model samples in red, both [N, 2].
  public init(_ data: Tensor, _ samples: Tensor, title: String? = nil) {
    precondition(
      data.rank == 2 && data.shape[1] == 2 && samples.rank == 2 && samples.shape[1] == 2,
      "Scatter expects two [N, 2] point sets, got \(data.shape) and \(samples.shape)")
    self = ScatterPlot.dataAndSamples(data: data.scalars, samples: samples.scalars, title: title)
  }

  /// A toy dataset in blue and model samples in red.
  public init(_ data: Dataset, _ samples: Tensor, title: String? = nil) {
    self.init(data.tensor, samples, title: title)
  }

  /// One point set in one color.
  public init(_ points: Tensor, name: String = "points", color: String = PlotColor.blue, title: String? = nil)
  {
    precondition(
      points.rank == 2 && points.shape[1] == 2, "Scatter expects [N, 2] points, got \(points.shape)")
    self.init([PointSeries(name: name, interleaved: points.scalars, color: color)], title: title)
  }
}
