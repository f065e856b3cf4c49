import Foundation
import RealNVP

// MARK: - Journal tables and curves

extension RunComparison: NotebookRenderable {
  /// The comparison as a table.
  public var table: Table {
    Table(titles: columns, rows: rows.map { $0.map { Table.Cell.text($0) } }, caption: "Runs compared")
  }

  /// HTML and plain text.
  public func mimeBundle() -> MimeBundle { table.mimeBundle() }
}

extension Journal: NotebookRenderable {
  /// One row per run: id, configuration, note, status, epochs, final bits/dim, data.
  public var table: Table {
    let (runs, problems) = read()
    let rows: [[Table.Cell]] = runs.map { run in
      [
        .text(run.id), .text(run.configuration), .text(run.note), .text(run.status.rawValue),
        .number(Double(run.epochs.count)), .optional(run.finalBitsPerDim.map(Double.init)),
        .text(run.dataset.source.name),
      ]
    }
    let caption =
      "Run journal \(fileURL.path)"
      + (problems.isEmpty ? "" : " (\(problems.count) unreadable line(s) skipped)")
    return Table(
      columns: [
        Table.Column("run"), Table.Column("configuration"), Table.Column("note"), Table.Column("status"),
        Table.Column("epochs", format: .integer), Table.Column("bits/dim", format: .decimals(3)),
        Table.Column("data"),
      ], rows: rows, caption: caption)
  }

  /// The runs table.
  public func mimeBundle() -> MimeBundle { table.mimeBundle() }

  /// `metric` per epoch for several runs on one chart.
  public func plot(_ ids: [String], metric: RunMetric = .testBitsPerDim) throws -> LinePlot {
    let series = try curves(ids, metric: metric).map {
      LineSeries(name: $0.label, x: $0.epochs.map(Double.init), y: $0.values.map(Double.init))
    }
    return LinePlot(series, title: metric.rawValue, xLabel: "epoch", yLabel: metric.rawValue)
  }
}

extension ReplayReport: NotebookRenderable {
  /// The summary as preformatted text.
  public func mimeBundle() -> MimeBundle {
    MimeBundle(data: ["text/plain": summary, "text/html": "<pre>\(escapeHTML(summary))</pre>"])
  }
}
