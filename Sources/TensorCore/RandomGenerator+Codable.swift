// MARK: - Saving a generator's position

extension RandomGenerator: Codable {
  private enum CodingKeys: String, CodingKey {
    case state, spareNormal
  }

  /// Restores a generator at exactly the position it was encoded at.
  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let words = try container.decode([UInt64].self, forKey: .state)
    guard words.count == 4 else {
      throw DecodingError.dataCorruptedError(
        forKey: .state, in: container, debugDescription: "expected 4 state words, found \(words.count)")
    }
    self.init(state: (words[0], words[1], words[2], words[3]))
    spareNormal = try container.decodeIfPresent(Float.self, forKey: .spareNormal)
  }

  /// Encodes the 256-bit state and the kept normal value, if any.
  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode([state.0, state.1, state.2, state.3], forKey: .state)
    try container.encodeIfPresent(spareNormal, forKey: .spareNormal)
  }
}

extension RandomGenerator: Equatable {
  /// Two generators are equal when they will produce the same numbers.
  public static func == (a: RandomGenerator, b: RandomGenerator) -> Bool {
    a.state == b.state && a.spareNormal == b.spareNormal
  }
}
