import Foundation
import ExecutorWire
import JupyterProtocol

// MARK: - WireMutator

/// Makes fuzzer inputs from the seed messages by seeded, structure-aware mutation: frames
/// dropped, doubled, swapped, cut or flipped; delimiters missing, misspelt or repeated;
/// signatures forged; JSON made invalid; header and content fields given every wrong type;
/// message types unknown or sent on the wrong channel.
public struct WireMutator {
  private var random: SplitMix64

  /// A mutator whose inputs depend only on `seed`.
  public init(seed: UInt64) {
    random = SplitMix64(seed: seed)
  }

  /// The next input: a seed message, encoded signed or unsigned, with one to four mutations.
  public mutating func next() -> FuzzInput {
    let seed = SeedMessages.messages.randomElement(using: &random)!
    let signed = chance(0.75)
    let codec = WireCodec(signer: MessageSigner(key: signed ? FuzzInput.key : ""))
    var input = FuzzInput(
      signed: signed, resign: signed && chance(0.5), channel: pickChannel(for: seed.msgType),
      frames: codec.encode(seed))
    for _ in 0..<Int.random(in: 0...3, using: &random) + (chance(0.1) ? 0 : 1) {
      mutate(&input)
    }
    return input
  }

  /// The channel a client would use, or now and then another one.
  private mutating func pickChannel(for msgType: String) -> Channel {
    if chance(0.2) { return Channel.allCases.randomElement(using: &random)! }
    if msgType == "input_reply" { return .stdin }
    let control: Set = ["interrupt_request", "shutdown_request", "kernel_info_request"]
    return control.contains(msgType) && chance(0.5) ? .control : .shell
  }

  // MARK: - Mutations

  private mutating func mutate(_ input: inout FuzzInput) {
    switch Int.random(in: 0..<10, using: &random) {
    case 0...3: mutateJSONFrame(&input)
    case 4, 5: mutateFrames(&input.frames)
    case 6: mutateSignature(&input)
    case 7: mutateBytes(&input.frames)
    case 8: input.channel = Channel.allCases.randomElement(using: &random)!
    default: mutateDelimiter(&input.frames)
    }
  }

  /// Drops, doubles, swaps, cuts, adds or empties whole frames.
  private mutating func mutateFrames(_ frames: inout [Data]) {
    guard !frames.isEmpty else {
      frames.append(randomBytes(count: Int.random(in: 0...16, using: &random)))
      return
    }
    let index = Int.random(in: 0..<frames.count, using: &random)
    switch Int.random(in: 0..<7, using: &random) {
    case 0: frames.remove(at: index)
    case 1: frames.insert(frames[index], at: index)
    case 2: frames.swapAt(index, Int.random(in: 0..<frames.count, using: &random))
    case 3: frames[index] = frames[index].prefix(Int.random(in: 0...frames[index].count, using: &random))
    case 4: frames.insert(Data(), at: Int.random(in: 0...frames.count, using: &random))
    case 5:
      for _ in 0..<Int.random(in: 1...40, using: &random) {
        frames.append(randomBytes(count: Int.random(in: 0...64, using: &random)))
      }
    default: frames.removeLast(Int.random(in: 0...frames.count, using: &random))
    }
  }

  /// Removes, misspells or repeats the `<IDS|MSG>` delimiter.
  private mutating func mutateDelimiter(_ frames: inout [Data]) {
    let nearMisses = ["<IDS|MSG", "<ids|msg>", "<IDS|MSG> ", " <IDS|MSG>", "<IDS|MSG>\0", "", "IDS|MSG"]
    let split = frames.firstIndex(of: WireCodec.delimiter)
    switch (Int.random(in: 0..<3, using: &random), split) {
    case (0, let split?): frames.remove(at: split)
    case (1, let split?): frames[split] = Data(nearMisses.randomElement(using: &random)!.utf8)
    default: frames.insert(WireCodec.delimiter, at: Int.random(in: 0...frames.count, using: &random))
    }
  }

  /// Forges the signature: wrong case, one digit changed, cut, lengthened, empty or not hex.
  private mutating func mutateSignature(_ input: inout FuzzInput) {
    input.resign = false
    guard let split = input.frames.firstIndex(of: WireCodec.delimiter), split + 1 < input.frames.count else {
      return
    }
    var signature = [UInt8](input.frames[split + 1])
    switch Int.random(in: 0..<7, using: &random) {
    case 0: signature = Array(String(decoding: signature, as: UTF8.self).uppercased().utf8)
    case 1 where !signature.isEmpty:
      let at = Int.random(in: 0..<signature.count, using: &random)
      signature[at] = signature[at] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
    case 2: signature = Array(signature.prefix(Int.random(in: 0...signature.count, using: &random)))
    case 3: signature += Array("00".utf8)
    case 4: signature = []
    case 5: signature = Array(String(repeating: "g", count: 64).utf8)
    default: signature = Array(String(repeating: "0", count: 64).utf8)
    }
    input.frames[split + 1] = Data(signature)
  }

  /// Flips, inserts or deletes random bytes, invalid UTF-8 among them.
  private mutating func mutateBytes(_ frames: inout [Data]) {
    guard !frames.isEmpty else { return }
    let index = Int.random(in: 0..<frames.count, using: &random)
    var bytes = [UInt8](frames[index])
    let invalidUTF8: [[UInt8]] = [
      [0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80],
    ]
    let at = Int.random(in: 0...bytes.count, using: &random)
    switch Int.random(in: 0..<4, using: &random) {
    case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] ^= UInt8.random(in: 1...255, using: &random)
    case 1: bytes.insert(contentsOf: invalidUTF8.randomElement(using: &random)!, at: at)
    case 2 where at < bytes.count: bytes.remove(at: at)
    default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: at)
    }
    frames[index] = Data(bytes)
  }

  // MARK: - Randomness

  mutating func chance(_ probability: Double) -> Bool {
    Double.random(in: 0..<1, using: &random) < probability
  }

  mutating func randomBytes(count: Int) -> Data {
    Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) })
  }

  mutating func pick<T>(_ choices: [T]) -> T {
    choices.randomElement(using: &random)!
  }

  mutating func integer(in range: ClosedRange<Int>) -> Int {
    Int.random(in: range, using: &random)
  }

  mutating func integer(in range: Range<Int>) -> Int {
    Int.random(in: range, using: &random)
  }
}
