import Foundation
import XCTest

@testable import JupyterProtocol

/// HMAC-SHA256 signing against RFC 4231 vectors, hex handling and verification.
final class MessageSignerTests: XCTestCase {
  // MARK: - RFC 4231 test vectors

  func testRFC4231Case1() {
    let signer = MessageSigner(keyBytes: Data(repeating: 0x0b, count: 20))
    XCTAssertEqual(
      signer.signature(for: [Data("Hi There".utf8)]),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
  }

  func testRFC4231Case2SplitAcrossFrames() {
    // Jupyter signs the concatenation of four frames; splitting the input must not change the MAC.
    let signer = MessageSigner(key: "Jefe")
    let frames = ["what do ", "ya want ", "for ", "nothing?"].map { Data($0.utf8) }
    XCTAssertEqual(
      signer.signature(for: frames), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
  }

  func testRFC4231Case6KeyLongerThanBlock() {
    let signer = MessageSigner(keyBytes: Data(repeating: 0xaa, count: 131))
    let data = Data("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
    XCTAssertEqual(
      signer.signature(for: [data]), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
  }

  // MARK: - Verification

  func testVerifiesOwnSignatureAndRejectsTampering() {
    let signer = MessageSigner(key: "secret")
    let frames = ["{}", "{}", "{}", "{\"code\":\"1\"}"].map { Data($0.utf8) }
    let signature = Data(signer.signature(for: frames).utf8)
    XCTAssertTrue(signer.isValid(signature: signature, for: frames))
    var tampered = frames
    tampered[3] = Data("{\"code\":\"2\"}".utf8)
    XCTAssertFalse(signer.isValid(signature: signature, for: tampered))
    XCTAssertFalse(signer.isValid(signature: Data(), for: frames))
    XCTAssertFalse(signer.isValid(signature: Data("zz".utf8), for: frames))
    XCTAssertFalse(MessageSigner(key: "other").isValid(signature: signature, for: frames))
  }

  func testOnlyTheLowercaseSpellingIsValid() {
    // The same MAC in upper case would pass the replay history, which compares bytes.
    let signer = MessageSigner(key: "secret")
    let frames = ["{}", "{}", "{}", "{\"code\":\"1\"}"].map { Data($0.utf8) }
    let signature = signer.signature(for: frames)
    XCTAssertFalse(signer.isValid(signature: Data(signature.uppercased().utf8), for: frames))
    let letter = signature.firstIndex { $0.isLetter }!
    var oneUpper = signature
    oneUpper.replaceSubrange(letter...letter, with: signature[letter].uppercased())
    XCTAssertFalse(signer.isValid(signature: Data(oneUpper.utf8), for: frames))
    XCTAssertFalse(signer.isValid(signature: Data((signature + "00").utf8), for: frames))
  }

  func testEmptyKeyDisablesSigning() {
    let signer = MessageSigner(key: "")
    XCTAssertFalse(signer.isSigning)
    XCTAssertEqual(signer.signature(for: [Data("x".utf8)]), "")
    XCTAssertTrue(signer.isValid(signature: Data(), for: [Data("x".utf8)]))
  }

  func testHexRoundTrip() {
    let bytes = Data((0...255).map { UInt8($0) })
    let text = Hex.encode(bytes)
    XCTAssertEqual(text.count, 512)
    XCTAssertEqual(Hex.decode(Data(text.utf8)), bytes)
    XCTAssertNil(Hex.decode(Data("abc".utf8)))
    XCTAssertNil(Hex.decode(Data("0g".utf8)))
  }
}
