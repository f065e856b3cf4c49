import Foundation
import XCTest

@testable import RealNVP

final class ArchiveReaderTests: XCTestCase {
  // MARK: - SHA-256

  func testSHA256KnownVectors() {
    // FIPS 180-4 examples: empty, one block, two blocks (56 bytes), and a million a's.
    XCTAssertEqual(
      SHA256Hash.hex(of: [UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(
      SHA256Hash.hex(of: Array("abc".utf8)),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(
      SHA256Hash.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    XCTAssertEqual(
      SHA256Hash.hex(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  // MARK: - Tar

  func testReadsRegularFilesAndSkipsFolders() throws {
    let file = UInt8(ascii: "0")
    let tar = TestFiles.tar([
      ("top/", [], UInt8(ascii: "5")), ("top/a.txt", Array("alpha".utf8), file), ("top/empty", [], file),
      ("top/b.bin", (0..<1300).map { UInt8(truncatingIfNeeded: $0) }, file),
    ])
    let entries = try TarArchive.regularFiles(in: tar, path: "t.tar")
    XCTAssertEqual(entries.map(\.path), ["top/a.txt", "top/empty", "top/b.bin"])
    XCTAssertEqual(entries[0].bytes, Array("alpha".utf8))
    XCTAssertEqual(entries[2].bytes.count, 1300)
    XCTAssertEqual(entries[2].name, "b.bin")
  }

  func testLongNamesFromPaxAndGNUHeaders() throws {
    let long = String(repeating: "folder/", count: 20) + "train-images.idx3-ubyte"
    let record = " path=\(long)\n"
    let length = record.utf8.count + String(record.utf8.count + 3).count
    let pax = Array("\(length)\(record)".utf8)
    let file = UInt8(ascii: "0")
    let tar = TestFiles.tar([
      ("PaxHeader/x", pax, UInt8(ascii: "x")), ("short-pax", [1, 2], file),
      ("././@LongLink", Array((long + "2\0").utf8), UInt8(ascii: "L")), ("short-gnu", [3], file),
    ])
    let entries = try TarArchive.regularFiles(in: tar, path: "t.tar")
    XCTAssertEqual(entries.map(\.path), [long, long + "2"])
    XCTAssertEqual(entries.map(\.bytes), [[1, 2], [3]])
  }

  func testDamagedHeaderIsAnErrorNamingTheArchive() {
    var tar = TestFiles.tar([("a.txt", Array("alpha".utf8))])
    tar[3] ^= 0x20
    let error = thrownError(DatasetError.self) { try TarArchive.regularFiles(in: tar, path: "bad.tar") }
    guard case .malformedFile("bad.tar", let expected, _)? = error else {
      return XCTFail("expected malformedFile, got \(String(describing: error))")
    }
    XCTAssertTrue(expected.contains("checksum"), expected)
  }
}
