import Foundation
import XCTest

@testable import JupyterProtocol

/// What the kernel lets in: signed under the key, once.
final class MessageAdmissionTests: XCTestCase {
  let codec = WireCodec(signer: MessageSigner(key: "a0436f6c-1916-498b-8eb9-e81ab9368e84"))

  private func frames() -> [Data] {
    codec.encode(
      Message(
        identities: [Data("client".utf8)], header: MessageHeader(msgType: "execute_request", session: "s"),
        content: ["code": "print(1)"]))
  }

  func testAMessageIsAdmittedOnceWhoeverSendsItAgain() throws {
    var admission = MessageAdmission(codec: codec)
    let original = frames()
    XCTAssertEqual(try admission.admit(original).content["code"], "print(1)")
    XCTAssertThrowsError(try admission.admit(original)) { XCTAssertEqual($0 as? WireError, .replayed) }
    var otherSender = original
    otherSender[0] = Data("someone-else".utf8)
    XCTAssertThrowsError(try admission.admit(otherSender)) { XCTAssertEqual($0 as? WireError, .replayed) }
  }

  func testTheSameSignatureInUpperCaseIsNotASecondAdmission() throws {
    // Found by the wire fuzzer: hex was read case-insensitively while the history compared bytes,
    // so the upper-case spelling of a captured message's signature ran it a second time.
    var admission = MessageAdmission(codec: codec)
    let original = frames()
    _ = try admission.admit(original)
    var recased = original
    recased[2] = Data(String(decoding: original[2], as: UTF8.self).uppercased().utf8)
    XCTAssertThrowsError(try admission.admit(recased)) { XCTAssertEqual($0 as? WireError, .badSignature) }
  }

  func testForgedMessagesDoNotEnterTheHistory() throws {
    var admission = MessageAdmission(codec: codec, historyLimit: 4)
    var forged = frames()
    forged[2] = Data(String(repeating: "0", count: 64).utf8)
    for _ in 0..<10 { XCTAssertThrowsError(try admission.admit(forged)) }
    XCTAssertEqual(admission.signatures.count, 0)
  }
}
