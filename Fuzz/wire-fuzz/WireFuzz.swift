import Foundation
import WireFuzzing

#if LIBFUZZER
  // MARK: - libFuzzer entry point

  /// libFuzzer calls this with each input (built with `--sanitize fuzzer -Xswiftc -DLIBFUZZER`,
  /// see scripts/fuzz-wire.sh); a broken property is reported and traps, so libFuzzer saves the input.
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    let report = WireFuzzTarget.run(FuzzInput(bytes: bytes))
    if !report.violations.isEmpty {
      FileHandle.standardError.write(Data((report.violations.joined(separator: "\n") + "\n").utf8))
      fatalError("wire fuzz property broken")
    }
    return 0
  }
#else
  // MARK: - Seeded campaign

  /// `wire-fuzz [--runs N] [--seed S] [--seeds-only] [--corpus DIR]`: runs N structure-aware
  /// mutations of the seed messages (or the seeds themselves) through the kernel's admission and dispatch, prints the counts, memory
  /// before and after, and the first failing inputs; exits 1 if any property broke. With
  /// `--corpus DIR` it writes the seed messages there in libFuzzer's byte form instead.
  @main
  enum WireFuzzCommand {
    static func main() throws {
      let arguments = Array(CommandLine.arguments.dropFirst())
      func value(_ name: String) -> String? {
        arguments.firstIndex(of: name).flatMap {
          arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil
        }
      }
      if let folder = value("--corpus") {
        try writeCorpus(to: URL(fileURLWithPath: folder))
        return
      }
      let runs = Int(value("--runs") ?? "100000") ?? 100_000
      let seed = UInt64(value("--seed") ?? "1") ?? 1
      var mutator = WireMutator(seed: seed)
      // --seeds-only: the seed messages unmutated, in turn (memory on valid traffic alone).
      let seedsOnly = arguments.contains("--seeds-only")
      var turn = 0
      func next() -> FuzzInput {
        guard seedsOnly else { return mutator.next() }
        turn += 1
        return SeedCorpus.inputs[turn % SeedCorpus.inputs.count]
      }
      var campaign = FuzzCampaign()
      let warmUp = min(runs, 10_000)
      for _ in 0..<warmUp { campaign.run(next()) }
      let rssBefore = residentKilobytes()
      let start = Date()
      for _ in warmUp..<runs { campaign.run(next()) }
      let seconds = Date().timeIntervalSince(start)
      print(campaign.summary)
      print(
        String(
          format:
            "seed %llu, %.1f s after warm-up (%.0f inputs/s), RSS %d kB after %d inputs, %d kB at the end",
          seed, seconds, Double(runs - warmUp) / max(seconds, 1e-9), rssBefore, warmUp, residentKilobytes()))
      for (input, violations) in campaign.failures {
        print("FAILED input \(input.bytes.prefix(512).map { String(format: "%02x", $0) }.joined()):")
        for violation in violations { print("  \(violation)") }
      }
      if campaign.failureCount > 0 { exit(1) }
    }

    /// The seed messages, signed (and re-signed) and unsigned, on their channels, as files.
    static func writeCorpus(to folder: URL) throws {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      for (index, input) in SeedCorpus.inputs.enumerated() {
        try Data(input.bytes).write(to: folder.appendingPathComponent(String(format: "seed-%03d", index)))
      }
      print("wrote \(SeedCorpus.inputs.count) inputs to \(folder.path)")
    }

    /// This process's resident set size in kB (Linux), or 0 where /proc is missing.
    static func residentKilobytes() -> Int {
      guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
      let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
      return line.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
    }
  }
#endif
