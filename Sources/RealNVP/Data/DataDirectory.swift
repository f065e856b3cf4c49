import Foundation

// MARK: - Data folders

/// Where downloaded datasets live: a folder outside the repository, one subfolder per dataset.
public enum DataDirectory {
  /// The folder of downloaded datasets: `$REALNVP_DATA`, else `$XDG_CACHE_HOME/realnvp`,
  /// else `~/.cache/realnvp`.
  public static func root(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    if let configured = environment["REALNVP_DATA"], !configured.isEmpty { return configured }
    let cache =
      environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
      ?? URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".cache").path
    return URL(fileURLWithPath: cache).appendingPathComponent("realnvp").path
  }

  /// The MNIST folder: `$MNIST_DIR`, else `mnist` under `root(environment:)`.
  public static func mnist(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    if let configured = environment["MNIST_DIR"], !configured.isEmpty { return configured }
    return URL(fileURLWithPath: root(environment: environment)).appendingPathComponent("mnist").path
  }

  /// The command that fills `directory` with MNIST (naming the folder unless it is the default).
  public static func mnistFetchCommand(
    for directory: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String {
    let command = "realnvp data fetch mnist"
    return directory == mnist(environment: environment) ? command : "\(command) --directory \(directory)"
  }
}
