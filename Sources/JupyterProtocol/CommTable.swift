import Foundation

// MARK: - Open comms

/// The comms open between the frontend and the code behind the kernel, with their target
/// names: what `comm_info_request` lists, and which ids a `comm_msg` may name.
final class CommTable: @unchecked Sendable {
  private let lock = NSLock()
  private var targets: [String: String] = [:]

  /// Records comm `id`, opened to `target`.
  func opened(_ id: String, target: String) {
    lock.withLock { targets[id] = target }
  }

  /// Forgets comm `id`; returns whether it was open.
  @discardableResult
  func closed(_ id: String) -> Bool {
    lock.withLock { targets.removeValue(forKey: id) != nil }
  }

  /// Whether comm `id` is open.
  func contains(_ id: String) -> Bool {
    lock.withLock { targets[id] != nil }
  }

  /// Comm id to target name, only those opened to `target` when it is given.
  func list(target: String?) -> [String: String] {
    lock.withLock { targets.filter { target == nil || $0.value == target } }
  }
}
