import Foundation
import TensorCore

/// The version of this library, recorded in every run.
public let realNVPLibraryVersion = "0.1.0"

/// What a run ran on: project, toolchain, compute kernels, threads and machine.
public struct RunEnvironment: Codable, Equatable, Sendable {
  /// This library's version.
  public var projectVersion: String
  /// `git rev-parse HEAD` of the working directory's repository, when there is one.
  public var gitCommit: String?
  /// The Swift compiler that built the library.
  public var swiftVersion: String
  /// The instruction set the kernels run (`ComputeBackend.isa`); nil in records that lack it.
  public var isa: String?
  /// The GEMM implementation (`ComputeBackend.gemm`); nil in records that lack it.
  public var gemm: String?
  /// The convolution engine (`ComputeBackend.convolutionEngine`); nil in records that lack it.
  public var convEngine: String?
  /// Threads used for GEMM, convolutions and parallel loops.
  public var threads: Int
  /// CPU model, core count and memory.
  public var machine: String
  /// Operating system and kernel.
  public var system: String
  /// Processes training the run data-parallel (`mpirun -np N`); nil for one process.
  public var worldSize: Int? = nil

  /// Reads the environment of this process.
  public static func current() -> RunEnvironment {
    RunEnvironment(
      projectVersion: realNVPLibraryVersion, gitCommit: gitCommit(), swiftVersion: compilerVersion,
      isa: ComputeBackend.isa, gemm: ComputeBackend.gemm, convEngine: ComputeBackend.convolutionEngine,
      threads: ComputeThreads.count, machine: machineDescription(), system: systemDescription())
  }

  /// Fields whose values differ from `other`, as "name: this vs other".
  public func differences(from other: RunEnvironment) -> [String] {
    var out: [String] = []
    func check(_ name: String, _ a: String?, _ b: String?) {
      if a != b { out.append("\(name): \(a ?? "-") vs \(b ?? "-")") }
    }
    check("projectVersion", projectVersion, other.projectVersion)
    check("gitCommit", gitCommit, other.gitCommit)
    check("swiftVersion", swiftVersion, other.swiftVersion)
    check("isa", isa, other.isa)
    check("gemm", gemm, other.gemm)
    check("convEngine", convEngine, other.convEngine)
    check("threads", "\(threads)", "\(other.threads)")
    check("machine", machine, other.machine)
    check("system", system, other.system)
    check("worldSize", "\(worldSize ?? 1)", "\(other.worldSize ?? 1)")
    return out
  }

  private static var compilerVersion: String {
    #if compiler(>=6.3)
      return "Swift 6.3 or later"
    #elseif compiler(>=6.2)
      return "Swift 6.2"
    #else
      return "Swift 6.1 or earlier"
    #endif
  }

  private static func machineDescription() -> String {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
      .map {
        $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
      }
    let memoryGB = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
    let cores = ProcessInfo.processInfo.activeProcessorCount
    return "\(model ?? "unknown CPU"), \(cores) cores, \(String(format: "%.0f", memoryGB)) GiB"
  }

  private static func systemDescription() -> String {
    var name = utsname()
    uname(&name)
    func field<T>(_ value: T) -> String {
      withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
    return "\(field(name.sysname)) \(field(name.release)) \(field(name.machine))"
  }
}
