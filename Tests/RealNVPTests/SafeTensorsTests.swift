import Foundation
import TensorCore
import XCTest

@testable import RealNVP

final class SafeTensorsTests: XCTestCase {
  private let tensors: [String: SafeTensors.Entry] = [
    "b": (shape: [2], scalars: [1, -2]),
    "a": (shape: [], scalars: [0.5]),
  ]

  // MARK: - Layout

  func testHeaderLayoutBytes() throws {
    let bytes = try SafeTensors.encode(tensors, metadata: ["format": "pt"])
    let json =
      #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"#
      + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
    let padded = json + String(repeating: " ", count: (8 - json.utf8.count % 8) % 8)
    XCTAssertEqual(padded.utf8.count % 8, 0)
    let length = padded.utf8.count
    XCTAssertEqual(Array(bytes[0..<8]), [UInt8(length & 0xFF), UInt8(length >> 8), 0, 0, 0, 0, 0, 0])
    XCTAssertEqual(String(decoding: bytes[8..<(8 + length)], as: UTF8.self), padded)
    XCTAssertEqual(
      Array(bytes[(8 + length)...]),
      [0x00, 0x00, 0x00, 0x3F, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    XCTAssertEqual(SafeTensors.jsonString("a\"b\\c\n\u{1}"), #""a\"b\\c\n\u0001""#)
  }

  // MARK: - Round trip

  func testRoundTripIsExact() throws {
    let folder = try TemporaryFolder()
    let url = folder.url.appendingPathComponent("model.safetensors")
    var random = RandomGenerator(seed: 1)
    let big = (0..<(3 * 4 * 5)).map { _ in Float(random.nextGaussian()) }
    let all = tensors.merging(
      ["layer.0.weight": ([3, 4, 5], big), "empty": ([0, 3], []), "odd \"name\"": ([1], [.infinity])]
    ) { first, _ in first }
    try SafeTensors.write(all, metadata: ["step": "42", "config": "mnist"], to: url)
    let read = try SafeTensors.read(from: url)
    XCTAssertEqual(read.metadata, ["step": "42", "config": "mnist"])
    XCTAssertEqual(Set(read.tensors.keys), Set(all.keys))
    for (name, entry) in all {
      XCTAssertEqual(read.tensors[name]?.shape, entry.shape, name)
      XCTAssertEqual(read.tensors[name]?.scalars.map(\.bitPattern), entry.scalars.map(\.bitPattern), name)
    }
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
    XCTAssertEqual(leftovers, ["model.safetensors"])
  }

  // MARK: - Failures

  func testFailedWriteKeepsTheOldCheckpoint() throws {
    let folder = try TemporaryFolder()
    let url = folder.url.appendingPathComponent("ckpt.safetensors")
    try SafeTensors.write(tensors, to: url)
    let before = try Data(contentsOf: url)
    assertThrows(CheckpointError.invalidInput(tensor: "w", detail: "shape [2, 2] needs 4 scalars, got 3")) {
      try SafeTensors.write(["w": ([2, 2], [1, 2, 3])], to: url)
    }
    XCTAssertEqual(try Data(contentsOf: url), before)
    let missingFolder = folder.url.appendingPathComponent("no/such/dir/x.safetensors")
    let error = thrownError(CheckpointError.self) { try SafeTensors.write(tensors, to: missingFolder) }
    guard case .writeFailed(let path, _)? = error else { return XCTFail("got \(String(describing: error))") }
    XCTAssertEqual(path, missingFolder.path)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.url.path), ["ckpt.safetensors"])
  }

  func testTruncatedAndCorruptFilesThrow() throws {
    let folder = try TemporaryFolder()
    let good = try SafeTensors.encode(tensors)
    let headerLength = Int(good[0]) | Int(good[1]) << 8
    func check(_ bytes: [UInt8], _ name: String, _ expected: (CheckpointError) -> Bool) throws {
      let path = try folder.write(bytes, to: name)
      let error = thrownError(CheckpointError.self) { try SafeTensors.read(from: URL(fileURLWithPath: path)) }
      XCTAssertTrue(error.map(expected) ?? false, "\(name): \(String(describing: error))")
      XCTAssertTrue(error?.description.contains(path) ?? false)
    }
    try check(
      Array(good.prefix(5)), "tiny",
      { $0 == .truncatedFile(path: folder.path("tiny"), expectedBytes: 8, foundBytes: 5) })
    try check(
      Array(good.prefix(8 + headerLength - 3)), "header",
      {
        $0
          == .truncatedFile(
            path: folder.path("header"), expectedBytes: 8 + headerLength, foundBytes: 8 + headerLength - 3)
      })
    try check(
      Array(good.dropLast(2)), "data",
      {
        if case .truncatedFile = $0 { return true } else { return false }
      })
    var garbled = good
    garbled[8] = UInt8(ascii: "[")
    try check(garbled, "garbled", { if case .corruptHeader = $0 { return true } else { return false } })
    try check(
      good + [0, 0, 0, 0], "extra", { if case .corruptHeader = $0 { return true } else { return false } })
    let f64 = String(decoding: good, as: UTF8.self).replacingOccurrences(of: "\"F32\"", with: "\"F64\"")
    try check(
      Array(f64.utf8), "f64",
      {
        if case .unsupportedDType(_, _, "F64") = $0 { return true } else { return false }
      })
    var huge = good
    huge[7] = 0x7F
    try check(huge, "huge", { if case .truncatedFile = $0 { return true } else { return false } })
    let error = thrownError(CheckpointError.self) {
      try SafeTensors.read(from: folder.url.appendingPathComponent("none"))
    }
    XCTAssertEqual(error, .missingFile(path: folder.path("none")))
  }
}

// MARK: - Full disks and crashed writers

extension SafeTensorsTests {
  func testAFullDiskKeepsThePreviousCheckpointAndNamesIt() throws {
    let folder = try TemporaryFolder()
    let url = folder.url.appendingPathComponent("ckpt.safetensors")
    try SafeTensors.write(tensors, to: url)
    let before = try Data(contentsOf: url)
    let larger: [String: SafeTensors.Entry] = ["w": ([4096], [Float](repeating: 1, count: 4096))]
    let error = withFileSizeLimit(before.count + 1000) {
      thrownError(CheckpointError.self) { try SafeTensors.write(larger, to: url) }
    }
    guard case .writeFailed(let path, let detail)? = error else {
      return XCTFail("got \(String(describing: error))")
    }
    XCTAssertEqual(path, url.path)
    XCTAssertTrue(detail.contains("File too large"), detail)
    XCTAssertEqual(try Data(contentsOf: url), before)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.url.path), ["ckpt.safetensors"])
  }

  func testTemporariesOfKilledWritersAreRemovedByTheNextWrite() throws {
    let folder = try TemporaryFolder()
    let url = folder.url.appendingPathComponent("ckpt.safetensors")
    let finished = Process()
    finished.executableURL = URL(fileURLWithPath: "/bin/true")
    try finished.run()
    finished.waitUntilExit()
    let dead = ".ckpt.safetensors.tmp-\(finished.processIdentifier)-5eed"
    let alive = ".ckpt.safetensors.tmp-\(getpid())-a11e"
    let otherFile = ".other.safetensors.tmp-\(finished.processIdentifier)-5eed"
    for name in [dead, alive, otherFile] { try folder.write([1, 2, 3], to: name) }
    try SafeTensors.write(tensors, to: url)
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted(),
      [alive, otherFile, "ckpt.safetensors"].sorted(),
      "only the dead writer's temporary of this file is removed")
  }
}
