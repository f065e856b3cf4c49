import RealNVP

// MARK: - Training history

extension TrainingHistory: NotebookRenderable {
  /// The per-epoch table (epoch, train and test bits/dim, images/s, wall time).
  public var table: TrainingHistoryTable {
    TrainingHistoryTable(
      epochs: epochs.map(\.epoch), trainBitsPerDim: epochs.map { Double($0.trainBitsPerDim) },
      testBitsPerDim: epochs.map { $0.testBitsPerDim.map(Double.init) },
      imagesPerSecond: epochs.map(\.samplesPerSecond), wallTime: epochs.map(\.wallSeconds))
  }

  /// The loss of every optimizer step.
  public var lossCurve: LinePlot {
    LinePlot(
      [LineSeries(name: "loss", values: stepLosses.map(Double.init), color: PlotColor.blue)],
      title: "training loss per step", xLabel: "step", yLabel: "loss (nats)", markerLimit: 0)
  }

  /// Loss curve, bits/dim curve and table side by side with the table below.
  public var report: DisplayGroup {
    let curves: [any PlotPanel] = epochs.count > 1 ? [lossCurve, table.plot] : [lossCurve]
    let note =
      stopReason == .interrupted ? [Markdown("*Interrupted: the table shows the epochs that finished.*")] : []
    return DisplayGroup([FigureRow(curves)] + [table] + note)
  }

  /// The curves and the table (HTML), or the aligned table (text).
  public func mimeBundle() -> MimeBundle { report.mimeBundle() }
}

// MARK: - Run progress

/// Shows training progress as one live bar: in a notebook a display updated in place, in a
/// terminal one rewritten line.
public final class TrainingProgressBar: TrainingProgressReporter {
  private let bar: ProgressBar

  /// A bar for `totalSteps` optimizer steps.
  public init(totalSteps: Int, label: String = "training") {
    bar = ProgressBar(total: totalSteps, label: label)
  }

  /// Moves the bar and shows loss, bits/dim and throughput.
  public func report(_ progress: TrainingProgress) {
    bar.update(
      step: progress.step,
      values: [
        ("epoch", Double(progress.epoch)), ("loss", Double(progress.loss)),
        ("bits/dim", Double(progress.bitsPerDim)), ("img/s", progress.samplesPerSecond),
      ])
  }

  /// Ends the bar with the final summary.
  public func finish(_ history: TrainingHistory) {
    var values: [(String, Double)] = [("steps", Double(history.stepLosses.count))]
    if let bits = history.finalBitsPerDim { values.append(("bits/dim", Double(bits))) }
    bar.finish(values: values)
  }
}

extension DefaultTrainingProgress {
  /// Makes every `train` call without its own reporter show a `TrainingProgressBar`.
  public static func showProgressBars() {
    makeReporter = { TrainingProgressBar(totalSteps: $0) }
  }
}
