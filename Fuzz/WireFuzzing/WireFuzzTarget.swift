import Crypto
import Foundation
import ExecutorWire
import JupyterProtocol

// MARK: - WireFuzzTarget

/// Runs one fuzzer input through what the kernel does with a received message (admission:
/// delimiter, signature, JSON, header, replay history; then the kernel core's dispatch) and
/// checks what must hold for every input, whatever its bytes.
public enum WireFuzzTarget {
  /// What one input did.
  public struct Report: Sendable {
    /// The message type, when the message was admitted.
    public var admitted: String?
    /// Why it was refused (the `WireError` case), when it was.
    public var refusal: String?
    /// Broken properties, each a sentence; empty when everything held.
    public var violations: [String] = []
  }

  /// Message types the core answers with a reply, and the channels it answers them on.
  static let answered: [String: Set<Channel>] = [
    "kernel_info_request": [.shell, .control], "execute_request": [.shell],
    "is_complete_request": [.shell], "complete_request": [.shell], "inspect_request": [.shell],
    "history_request": [.shell], "comm_info_request": [.shell, .control],
    "shutdown_request": [.shell, .control], "interrupt_request": [.shell, .control],
  ]

  /// Runs `input` and reports what happened and which properties broke.
  public static func run(_ input: FuzzInput) -> Report {
    // What the kernel logs about dropped messages is expected here, a line per input.
    let previousSink = KernelLog.setSink { _ in }
    defer { KernelLog.setSink(previousSink) }
    let codec = WireCodec(signer: MessageSigner(key: input.signed ? FuzzInput.key : ""))
    var admission = MessageAdmission(codec: codec)
    let frames = input.deliveredFrames
    let message: Message
    do {
      message = try admission.admit(frames)
    } catch let error as WireError {
      return Report(refusal: name(of: error))
    } catch {
      return Report(refusal: "other", violations: ["admission threw a non-wire error: \(error)"])
    }
    var report = Report(admitted: message.msgType)
    if input.signed {
      report.violations += checkSignature(frames, admission: &admission)
    }
    report.violations += checkRoundTrip(message, codec: codec)
    report.violations += checkDispatch(message, channel: input.channel, codec: codec)
    return report
  }

  // MARK: - Properties

  /// Only the exact lowercase hex HMAC-SHA256 of the four JSON frames is accepted, and only once,
  /// whichever identity sends it.
  static func checkSignature(_ frames: [Data], admission: inout MessageAdmission) -> [String] {
    var violations: [String] = []
    let split = frames.firstIndex(of: WireCodec.delimiter)!
    var joined = Data()
    for frame in frames[(split + 2)...(split + 5)] { joined.append(frame) }
    let mac = HMAC<SHA256>.authenticationCode(
      for: joined, using: SymmetricKey(data: Data(FuzzInput.key.utf8)))
    let expected = Data(mac.map { String(format: "%02x", $0) }.joined().utf8)
    if frames[split + 1] != expected {
      violations.append(
        "admitted signature \(String(decoding: frames[split + 1].prefix(80), as: UTF8.self)), "
          + "expected exactly \(String(decoding: expected, as: UTF8.self))")
    }
    if (try? admission.admit(frames)) != nil {
      violations.append("admitted the same signed frames twice (a replay)")
    }
    var otherSender = frames
    otherSender.replaceSubrange(0..<split, with: [Data("another-identity".utf8)])
    if (try? admission.admit(otherSender)) != nil {
      violations.append("admitted a replay sent from another identity")
    }
    return violations
  }

  /// What the kernel parsed survives its own encoding: the same message comes back.
  static func checkRoundTrip(_ message: Message, codec: WireCodec) -> [String] {
    do {
      let again = try codec.decode(codec.encode(message))
      // The header goes out with its modelled fields only; everything else must come back.
      guard again == message else {
        return ["the re-encoded message decodes to a different one: \(again) vs \(message)"]
      }
      return []
    } catch {
      return ["the re-encoded message does not decode: \(error)"]
    }
  }

  /// Shell and control requests are framed by busy and idle and answered once, each output as a
  /// child of the request and routed to its sender; stdin and iopub send nothing back; everything
  /// the kernel sends decodes again under its key.
  static func checkDispatch(_ message: Message, channel: Channel, codec: WireCodec) -> [String] {
    let transport = RecordingTransport()
    let core = KernelCore(interpreter: EchoInterpreter(), transport: transport, session: "fuzz-session")
    core.receive(message, on: channel)
    core.waitUntilIdle()
    let sent = transport.sent
    var violations: [String] = []
    for (_, out) in sent {
      do {
        guard try codec.decode(codec.encode(out)) == out else {
          violations.append("the kernel sent \(out.msgType) that decodes differently")
          continue
        }
      } catch {
        violations.append("the kernel sent \(out.msgType) that does not decode: \(error)")
      }
      if out.parentHeader != message.header.echoed {
        violations.append("\(out.msgType) does not carry the request's header as its parent")
      }
    }
    guard channel == .shell || channel == .control else {
      if !sent.isEmpty { violations.append("\(sent.count) messages sent for a message on \(channel)") }
      return violations
    }
    let states = sent.filter { $0.message.msgType == "status" }.map {
      $0.message.content["execution_state"]?.stringValue ?? "?"
    }
    if states != ["busy", "idle"] || sent.first?.message.msgType != "status"
      || sent.last?.message.msgType != "status"
    {
      violations.append("statuses \(states), not busy first and idle last")
    }
    let replies = sent.filter { $0.channel != .iopub }
    for (replyChannel, reply) in replies
    where replyChannel != channel || reply.identities != message.identities {
      violations.append("\(reply.msgType) sent on \(replyChannel) to other identities than the request's")
    }
    let expected =
      answered[message.msgType]?.contains(channel) == true
      ? [message.msgType.replacingOccurrences(of: "_request", with: "_reply")] : []
    if replies.map(\.message.msgType) != expected {
      violations.append("replies \(replies.map(\.message.msgType)) to \(message.msgType) on \(channel)")
    }
    return violations
  }

  /// The `WireError` case name, for counting refusals.
  static func name(of error: WireError) -> String {
    switch error {
    case .missingDelimiter: return "missingDelimiter"
    case .missingFrames: return "missingFrames"
    case .badSignature: return "badSignature"
    case .invalidJSON: return "invalidJSON"
    case .badHeader: return "badHeader"
    case .replayed: return "replayed"
    }
  }
}
