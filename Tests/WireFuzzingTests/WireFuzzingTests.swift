import Foundation
import ExecutorWire
import JupyterProtocol
import XCTest

@testable import WireFuzzing

/// A short seeded slice of the wire fuzz campaign (scripts/fuzz-wire.sh runs the long one), and
/// checks that its properties can fail.
final class WireFuzzingTests: XCTestCase {
  func testEverySeedIsAdmittedAndKeepsEveryProperty() {
    for input in SeedCorpus.inputs {
      let report = WireFuzzTarget.run(input)
      XCTAssertNotNil(report.admitted, "seed \(input.frames.count) frames refused: \(report.refusal ?? "")")
      XCTAssertEqual(report.violations, [])
    }
  }

  func testTheByteFormRoundTrips() {
    for input in SeedCorpus.inputs {
      XCTAssertEqual(FuzzInput(bytes: input.bytes), input)
    }
    XCTAssertEqual(FuzzInput(bytes: []).frames, [])
    // A length past the end takes the rest; an odd trailing byte is not a frame.
    XCTAssertEqual(FuzzInput(bytes: [1, 200, 0, 65, 66, 7]).frames, [Data([65, 66, 7])])
    XCTAssertEqual(FuzzInput(bytes: [1, 1, 0, 65, 9]).frames, [Data([65])])
  }

  func testASeededCampaignBreaksNothingAndReachesEveryRefusal() {
    var mutator = WireMutator(seed: 2026)
    var campaign = FuzzCampaign()
    for _ in 0..<6_000 { campaign.run(mutator.next()) }
    let failures = campaign.failures.map { failure in
      "\(failure.violations) for input \(failure.input.bytes.prefix(256).map { String(format: "%02x", $0) }.joined())"
    }
    XCTAssertEqual(campaign.failureCount, 0, failures.joined(separator: "\n"))
    for reason in ["missingDelimiter", "missingFrames", "badSignature", "invalidJSON", "badHeader"] {
      XCTAssertGreaterThan(campaign.refused[reason, default: 0], 10, "refusals: \(campaign.refused)")
    }
    let admitted = campaign.admitted.values.reduce(0, +)
    XCTAssertGreaterThan(admitted, 600, campaign.summary)
    XCTAssertGreaterThan(campaign.admitted["execute_request", default: 0], 50, campaign.summary)
  }

  func testTheSameSeedMakesTheSameInputs() {
    var first = WireMutator(seed: 7)
    var second = WireMutator(seed: 7)
    for _ in 0..<200 { XCTAssertEqual(first.next(), second.next()) }
  }

  // MARK: - The properties can fail

  func testAForgedSignatureThatGetsThroughIsReported() {
    // An admission without a key lets anything through; the property names the forgery.
    let message = SeedMessages.messages[1]
    var frames = WireCodec(signer: MessageSigner(key: FuzzInput.key)).encode(message)
    frames[frames.firstIndex(of: WireCodec.delimiter)! + 1] = Data(String(repeating: "0", count: 64).utf8)
    var admission = MessageAdmission(codec: WireCodec(signer: MessageSigner(key: "")))
    XCTAssertNoThrow(try admission.admit(frames))
    let violations = WireFuzzTarget.checkSignature(frames, admission: &admission)
    XCTAssertTrue(violations.contains { $0.hasPrefix("admitted signature 0000") }, "\(violations)")
    XCTAssertTrue(violations.contains { $0.contains("twice") } == false, "unsigned admission records nothing")
  }

  func testAnExecuteOnControlIsFramedButNotAnswered() {
    let message = SeedMessages.messages[1]  // execute_request
    let codec = WireCodec(signer: MessageSigner(key: ""))
    XCTAssertEqual(WireFuzzTarget.checkDispatch(message, channel: .shell, codec: codec), [])
    // Not served on control: busy and idle only, which the property expects there.
    XCTAssertEqual(WireFuzzTarget.checkDispatch(message, channel: .control, codec: codec), [])
  }
}
