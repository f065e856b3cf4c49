import Foundation
import JupyterProtocol

// MARK: - Help menu links

/// The links a front end shows in its Help menu for this kernel.
enum HelpLinks {
  /// The library's own documentation (the README of the checkout the kernel was built in, when
  /// it is there), then Swift's and the paper's.
  static var all: [HelpLink] {
    var links: [HelpLink] = []
    if let readme = readme {
      links.append(HelpLink(text: "Real NVP kernel and library (README)", url: readme.absoluteString))
    }
    links += [
      HelpLink(text: "Swift", url: "https://www.swift.org/documentation/"),
      HelpLink(text: "Swift standard library", url: "https://developer.apple.com/documentation/swift"),
      HelpLink(text: "Foundation", url: "https://developer.apple.com/documentation/foundation"),
      HelpLink(text: "Real NVP (Dinh et al. 2016)", url: "https://arxiv.org/abs/1605.08803"),
      HelpLink(
        text: "Normalizing Flows with Real NVP (Keng 2022)",
        url: "https://bjlkeng.io/posts/normalizing-flows-with-real-nvp/"),
    ]
    return links
  }

  /// `README.md` of the package whose build folder holds this binary (`.build/release`).
  private static var readme: URL? {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent()
    for _ in 0..<4 {
      dir = dir.deletingLastPathComponent()
      let candidate = dir.appendingPathComponent("README.md")
      if FileManager.default.fileExists(atPath: candidate.path)
        && FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path)
      {
        return candidate
      }
    }
    return nil
  }
}
