// A training run per epoch: train/test bits/dim, throughput and wall time, as a table and a curve.

// MARK: - Training history table

/// Rows of (epoch, train bits/dim, test bits/dim, images/s, wall time) built from plain arrays.
public struct TrainingHistoryTable: NotebookRenderable, Sendable {
  /// Epoch numbers.
  public let epochs: [Int]
  /// Mean training bits/dim per epoch.
  public let trainBitsPerDim: [Double]
  /// Test bits/dim per epoch (nil where not evaluated).
  public let testBitsPerDim: [Double?]
  /// Training throughput per epoch.
  public let imagesPerSecond: [Double?]
  /// Wall time in seconds since the start of training, at the end of each epoch.
  public let wallTime: [Double]

  /// A history; all arrays need one entry per epoch.
  public init(
    epochs: [Int], trainBitsPerDim: [Double], testBitsPerDim: [Double?], imagesPerSecond: [Double?],
    wallTime: [Double]
  ) {
    let counts = [trainBitsPerDim.count, testBitsPerDim.count, imagesPerSecond.count, wallTime.count]
    precondition(
      counts.allSatisfy { $0 == epochs.count },
      "TrainingHistoryTable: expected \(epochs.count) entries in every column, got \(counts)")
    (self.epochs, self.trainBitsPerDim, self.testBitsPerDim) = (epochs, trainBitsPerDim, testBitsPerDim)
    (self.imagesPerSecond, self.wallTime) = (imagesPerSecond, wallTime)
  }

  /// The history as a `Table` (bits/dim with 3 decimals, images/s with 1, wall time as a duration).
  public var table: Table {
    let columns = [
      Table.Column("epoch", format: .integer),
      Table.Column("train bits/dim", format: .decimals(3)),
      Table.Column("test bits/dim", format: .decimals(3), alignment: .right),
      Table.Column("images/s", format: .decimals(1)),
      Table.Column("wall time", format: .duration),
    ]
    let rows: [[Table.Cell]] = epochs.indices.map { i in
      [
        .number(Double(epochs[i])), .number(trainBitsPerDim[i]), .optional(testBitsPerDim[i]),
        .optional(imagesPerSecond[i]), .number(wallTime[i]),
      ]
    }
    return Table(columns: columns, rows: rows)
  }

  /// Train and test bits/dim per epoch as a line plot.
  public var plot: LinePlot {
    let x = epochs.map(Double.init)
    var series = [LineSeries(name: "train", x: x, y: trainBitsPerDim, color: PlotColor.blue)]
    if testBitsPerDim.contains(where: { $0 != nil }) {
      series.append(
        LineSeries(name: "test", x: x, y: testBitsPerDim.map { $0 ?? .nan }, color: PlotColor.red))
    }
    return LinePlot(series, title: "bits/dim per epoch", xLabel: "epoch", yLabel: "bits/dim")
  }

  /// The curve above the table, as one output.
  public var report: DisplayGroup { DisplayGroup([plot, table]) }

  /// The table's HTML and plain-text forms.
  public func mimeBundle() -> MimeBundle { table.mimeBundle() }
}
