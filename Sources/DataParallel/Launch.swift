import Foundation
import RealNVP

/// How this process was started: alone, or as one rank of an `mpirun` job.
public enum Launch {
  /// The number of ranks the MPI launcher started (Open MPI's or PMI's environment), or nil when
  /// this process was not started by one.
  public static var launcherWorldSize: Int? {
    let environment = ProcessInfo.processInfo.environment
    return (environment["OMPI_COMM_WORLD_SIZE"] ?? environment["PMI_SIZE"]).flatMap { Int($0) }
  }

  /// Whether this build can train across processes (built with the `MPI` trait).
  public static var supportsMPI: Bool {
    #if MPI
      return true
    #else
      return false
    #endif
  }

  /// The group to train in: the MPI world when started by `mpirun`, nil when started alone.
  /// Throws `LaunchError.builtWithoutMPI` when started as one of several ranks by a build
  /// without MPI, which would otherwise train the same model several times over.
  public static func replicaGroup() throws -> (any ReplicaGroup)? {
    guard let size = launcherWorldSize else { return nil }
    #if MPI
      return try MPIReplicaGroup.world()
    #else
      if size > 1 { throw LaunchError.builtWithoutMPI(worldSize: size) }
      return nil
    #endif
  }
}

/// Raised when a process cannot join the data-parallel job it was started in.
public enum LaunchError: Error, CustomStringConvertible {
  /// Started by mpirun as one of several ranks, but built without MPI.
  case builtWithoutMPI(worldSize: Int)
  /// MPI_Init or a query of the world failed with this error code.
  case mpiFailed(call: String, code: Int32)

  /// A sentence naming what went wrong and what to do.
  public var description: String {
    switch self {
    case .builtWithoutMPI(let size):
      return "mpirun started \(size) ranks, but this realnvp was built without MPI support; "
        + "install libopenmpi-dev and build with `swift build -c release --traits MPI`."
    case .mpiFailed(let call, let code):
      return "\(call) failed with MPI error code \(code)."
    }
  }
}
