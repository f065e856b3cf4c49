import Foundation

// MARK: - Replayed messages

/// The signatures of the signed messages received since the kernel started, so that a captured
/// message sent again is refused (as jupyter_client's `Session` does with its digest history).
///
/// The history is bounded: past `limit` entries, a random tenth is forgotten, as in
/// jupyter_client, so a flood of distinct messages cannot grow it without end.
public struct SignatureHistory: Sendable {
  /// How many signatures are remembered before some are forgotten.
  public let limit: Int
  private var seen: Set<Data> = []

  /// An empty history that remembers up to `limit` signatures.
  public init(limit: Int = 1 << 16) {
    precondition(limit > 0, "SignatureHistory needs a positive limit, got \(limit)")
    self.limit = limit
  }

  /// How many signatures are remembered now.
  public var count: Int { seen.count }

  /// Records `signature`; returns false if it was seen before (the message is a replay).
  /// Empty signatures (signing off) are never recorded and always accepted.
  public mutating func admit(_ signature: Data) -> Bool {
    guard !signature.isEmpty else { return true }
    guard seen.insert(signature).inserted else { return false }
    if seen.count > limit {
      let forgotten = max(1, limit / 10)
      for old in seen.shuffled().prefix(forgotten) { seen.remove(old) }
    }
    return true
  }
}
