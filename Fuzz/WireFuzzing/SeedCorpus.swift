import Foundation
import ExecutorWire
import JupyterProtocol

// MARK: - SeedCorpus

/// The seed messages as fuzzer inputs: each signed and re-signed, signed as it is, and unsigned,
/// on the channel a client sends it on.
public enum SeedCorpus {
  /// Three inputs per seed message.
  public static let inputs: [FuzzInput] = SeedMessages.messages.flatMap { message -> [FuzzInput] in
    let channel: Channel =
      message.msgType == "input_reply" ? .stdin : message.msgType == "interrupt_request" ? .control : .shell
    let signed = WireCodec(signer: MessageSigner(key: FuzzInput.key)).encode(message)
    let unsigned = WireCodec(signer: MessageSigner(key: "")).encode(message)
    return [
      FuzzInput(signed: true, resign: true, channel: channel, frames: signed),
      FuzzInput(signed: true, resign: false, channel: channel, frames: signed),
      FuzzInput(signed: false, resign: false, channel: channel, frames: unsigned),
    ]
  }
}
