import ArgumentParser
import Foundation
import NotebookDisplay
import RealNVP
import TensorCore

/// `realnvp sample`: writes a PNG grid (images) or an SVG scatter plot (2D points).
struct SampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample",
    abstract: "Draw samples from a checkpoint or a shipped model into a PNG grid or SVG scatter plot.")

  @OptionGroup var trained: TrainedModelOptions

  @Option(help: "Number of samples.")
  var count: Int = 64

  @Option(help: "Latent temperature (standard deviation of z).")
  var temperature: Float = 1

  @Option(help: "Seed of the latent draws.")
  var seed: UInt64 = 0

  @Option(help: "Output file (.png for images, .svg for points).")
  var output: String = "samples.png"

  func run() throws {
    let (_, model, _) = try trained.load()
    var rng = RandomGenerator(seed: seed)
    let samples = model.sample(count: count, temperature: temperature, using: &rng)
    let url = URL(fileURLWithPath: output)
    if samples.rank == 4 {
      try ImageGrid(samples, scale: 2).save(to: url)
    } else {
      try ScatterPlot(samples, name: "samples", color: PlotColor.red).save(to: url)
    }
    print("Wrote \(count) samples to \(url.path)")
  }
}
