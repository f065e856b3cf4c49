import Foundation

// MARK: - FuzzCampaign

/// Counts over many inputs: how many were admitted (by message type) or refused (by reason),
/// and the inputs that broke a property.
public struct FuzzCampaign: Sendable {
  /// Inputs run.
  public private(set) var runs = 0
  /// The message types of the seed messages.
  static let knownTypes = Set(SeedMessages.contents.map(\.msgType))

  /// Admitted inputs by message type (mutated types as "(other)").
  public private(set) var admitted: [String: Int] = [:]
  /// Refused inputs by `WireError` case.
  public private(set) var refused: [String: Int] = [:]
  /// The first inputs that broke a property, with what broke (at most `keep`).
  public private(set) var failures: [(input: FuzzInput, violations: [String])] = []
  /// How many failing inputs are kept.
  public let keep: Int

  /// An empty tally that keeps up to `keep` failing inputs.
  public init(keep: Int = 10) {
    self.keep = keep
  }

  /// Runs `input` and counts it.
  public mutating func run(_ input: FuzzInput) {
    let report = WireFuzzTarget.run(input)
    runs += 1
    if let type = report.admitted {
      // Mutated types (any string, some of 70,000 characters) are counted together.
      admitted[FuzzCampaign.knownTypes.contains(type) ? type : "(other)", default: 0] += 1
    }
    if let reason = report.refusal { refused[reason, default: 0] += 1 }
    guard !report.violations.isEmpty else { return }
    failureCount += 1
    if failures.count < keep { failures.append((input, report.violations)) }
  }

  /// Inputs that broke a property (also those beyond the kept ones).
  public private(set) var failureCount = 0

  /// A few lines: runs, admitted and refused counts, failures.
  public var summary: String {
    let admittedTotal = admitted.values.reduce(0, +)
    let refusedList = refused.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
    let admittedList = admitted.sorted { $0.value > $1.value }.prefix(12).map { "\($0.key) \($0.value)" }
    return """
      inputs: \(runs), admitted: \(admittedTotal), refused: \(runs - admittedTotal), failures: \(failureCount)
      refused by reason: \(refusedList.joined(separator: ", "))
      admitted by type: \(admittedList.joined(separator: ", "))
      """
  }
}
