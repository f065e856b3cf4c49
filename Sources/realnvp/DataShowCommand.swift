import ArgumentParser
import Foundation
import RealNVP

/// `realnvp data show mnist`: loads both splits from the MNIST folder and prints their sizes.
struct DataShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Load a fetched dataset and print its splits' sizes.")

  @Argument(help: "The dataset: mnist.")
  var dataset: String

  @Option(
    name: [.customLong("directory"), .customLong("data-dir")],
    help: "Read this folder (default: the one `realnvp data fetch mnist` fills).")
  var directory: String?

  func validate() throws {
    guard dataset == "mnist" else { throw ValidationError("Unknown dataset \"\(dataset)\"; expected mnist.") }
  }

  func run() throws {
    print("MNIST in \(directory ?? DataDirectory.mnist()):")
    for split in DatasetSplit.allCases {
      let data = try Datasets.mnist(split: split, directory: directory)
      let shape = data.sampleShape.map(String.init).joined(separator: "x")
      let labels = Set(data.labels ?? []).sorted().map(String.init).joined(separator: " ")
      print("  \(split.rawValue): \(data.count) images of \(shape), labels \(labels)")
    }
  }
}
