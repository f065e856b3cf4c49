// Where each image of a grid goes: rows, columns, padding and integer upscaling.

// MARK: - Grid layout

/// The arithmetic of an image grid: `rows x columns` cells of `cellWidth x cellHeight` output pixels,
/// with `padding` pixels around and between the cells.
public struct GridLayout: Equatable, Sendable {
  /// Number of rows of cells.
  public let rows: Int
  /// Number of columns of cells.
  public let columns: Int
  /// Width of one upscaled image in output pixels.
  public let cellWidth: Int
  /// Height of one upscaled image in output pixels.
  public let cellHeight: Int
  /// Pixels of padding around the grid and between cells.
  public let padding: Int

  /// Lays out `count` images of `imageWidth x imageHeight`, upscaled by `scale`.
  ///
  /// With neither `rows` nor `columns` the grid is near-square (`columns = ceil(sqrt(count))`); with one
  /// of them the other is the fewest that holds all images; with both, only the first `rows * columns`
  /// images are shown.
  public init(
    count: Int, imageWidth: Int, imageHeight: Int, rows: Int? = nil, columns: Int? = nil,
    padding: Int = 2, scale: Int = 1
  ) {
    precondition(count >= 1, "image grid: expected at least one image, got \(count)")
    precondition(
      imageWidth >= 1 && imageHeight >= 1, "image grid: bad image size \(imageWidth)x\(imageHeight)")
    precondition(padding >= 0, "image grid: padding must be >= 0, got \(padding)")
    precondition(scale >= 1, "image grid: scale must be an integer >= 1, got \(scale)")
    precondition((rows ?? 1) >= 1 && (columns ?? 1) >= 1, "image grid: rows and columns must be >= 1")
    switch (rows, columns) {
    case let (r?, c?):
      (self.rows, self.columns) = (r, c)
    case let (r?, nil):
      (self.rows, self.columns) = (r, (count + r - 1) / r)
    case let (nil, c?):
      (self.rows, self.columns) = ((count + c - 1) / c, c)
    case (nil, nil):
      var c = Int(Double(count).squareRoot().rounded(.down))
      while c * c < count { c += 1 }
      (self.rows, self.columns) = ((count + c - 1) / c, c)
    }
    self.cellWidth = imageWidth * scale
    self.cellHeight = imageHeight * scale
    self.padding = padding
  }

  /// Total width of the grid in pixels.
  public var width: Int { columns * cellWidth + (columns + 1) * padding }

  /// Total height of the grid in pixels.
  public var height: Int { rows * cellHeight + (rows + 1) * padding }

  /// Number of cells (images shown at most).
  public var capacity: Int { rows * columns }

  /// Top-left output pixel of image `index` (row-major order).
  public func origin(ofImage index: Int) -> (x: Int, y: Int) {
    precondition(index >= 0 && index < capacity, "image grid: index \(index) outside 0..<\(capacity)")
    let row = index / columns
    let column = index % columns
    return (padding + column * (cellWidth + padding), padding + row * (cellHeight + padding))
  }
}
