import Foundation

// MARK: - Unoptimized builds

/// Says once per process, on standard error, that the library was built without optimization
/// (a debug build, as plain `swift run` and `swift test` make), in which training runs many
/// times slower; release builds say nothing.
enum DebugBuildNotice {
  /// The notice.
  static let text =
    "RealNVP: this is a debug build of the library, so training runs many times slower; "
    + "build and run with -c release (swift run -c release).\n"

  private static let said: Void = {
    #if DEBUG
      FileHandle.standardError.write(Data(text.utf8))
    #endif
  }()

  /// Writes the notice in a debug build, the first time only.
  static func sayOnce() { _ = said }
}
