#if MPI
  import CMPI
  import Foundation
  import RealNVP

  /// The ranks of MPI_COMM_WORLD as a replica group (Open MPI).
  ///
  /// Every allreduce is nonblocking (MPI_Iallreduce) and polled against a deadline: when it
  /// has not completed within `timeoutSeconds` (another rank died or hangs), this rank prints
  /// which rank it is, what it waited for and which ranks never reached that allreduce, and
  /// aborts the whole job with MPI_Abort, so that a job never hangs silently. Before each
  /// allreduce every rank sends the others a small arrival notice, which is how the missing
  /// ranks are known. The deadline is `REALNVP_MPI_TIMEOUT` seconds, 120 by default.
  public final class MPIReplicaGroup: ReplicaGroup, @unchecked Sendable {
    /// This process's rank in MPI_COMM_WORLD.
    public let rank: Int
    /// The size of MPI_COMM_WORLD.
    public let worldSize: Int
    /// How long one collective may take before the job is aborted.
    public let timeoutSeconds: Double
    /// Seconds this rank spent blocked in allreduces (starting them and waiting for them), by
    /// purpose; only the caller's thread touches it.
    public private(set) var seconds: [CollectivePurpose: Double] = [:]
    /// Allreduces started, by purpose.
    public private(set) var calls: [CollectivePurpose: Int] = [:]

    private nonisolated(unsafe) static var shared: MPIReplicaGroup?
    /// Allreduces begun so far; the arrival notices of the current one carry it.
    private var sequence = 0
    /// Arrival notices still being sent, with the buffers they send from.
    private var pendingNotices: [(request: MPI_Request?, payload: UnsafeMutablePointer<Int64>)] = []

    /// The world, initializing MPI on first use.
    public static func world() throws -> MPIReplicaGroup {
      if let shared { return shared }
      let code = MPI_Init(nil, nil)
      guard code == MPI_SUCCESS else { throw LaunchError.mpiFailed(call: "MPI_Init", code: code) }
      var rank: Int32 = 0
      var size: Int32 = 0
      MPI_Comm_rank(cmpi_comm_world(), &rank)
      MPI_Comm_size(cmpi_comm_world(), &size)
      let timeout = ProcessInfo.processInfo.environment["REALNVP_MPI_TIMEOUT"].flatMap(Double.init) ?? 120
      let group = MPIReplicaGroup(rank: Int(rank), worldSize: Int(size), timeoutSeconds: timeout)
      shared = group
      return group
    }

    private init(rank: Int, worldSize: Int, timeoutSeconds: Double) {
      (self.rank, self.worldSize, self.timeoutSeconds) = (rank, worldSize, timeoutSeconds)
    }

    /// Sums `buffer` over all ranks in place; aborts the job after `timeoutSeconds`.
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, purpose: CollectivePurpose) {
      startAllreduceSum(buffer, purpose: purpose).wait()
    }

    /// Starts an MPI_Iallreduce of `buffer` and returns it; `wait()` aborts the job when it has
    /// not completed within `timeoutSeconds`.
    public func startAllreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>, purpose: CollectivePurpose)
      -> any PendingCollective
    {
      let start = Date()
      let tag = announceArrival()
      var request = cmpi_request_null()
      let code = MPI_Iallreduce(
        cmpi_in_place(), buffer.baseAddress, Int32(buffer.count), cmpi_float(), cmpi_sum(),
        cmpi_comm_world(), &request)
      if code != MPI_SUCCESS { abort("MPI_Iallreduce (\(purpose.rawValue)) failed with code \(code)") }
      seconds[purpose, default: 0] += Date().timeIntervalSince(start)
      calls[purpose, default: 0] += 1
      return MPIPendingAllreduce(group: self, request: request, tag: tag, purpose: purpose)
    }

    /// Whether gradient buckets are sent during the backward pass: yes unless
    /// `REALNVP_MPI_OVERLAP` is 0.
    public var overlapsGradientExchange: Bool {
      ProcessInfo.processInfo.environment["REALNVP_MPI_OVERLAP"] != "0"
    }

    /// Polls `request` until it completes, counting the time as `purpose`'s; aborts the job
    /// after `timeoutSeconds` of waiting.
    fileprivate func wait(for request: inout MPI_Request?, tag: Int32, purpose: CollectivePurpose) {
      let start = Date()
      var done: Int32 = 0
      var polls = 0
      while done == 0 {
        MPI_Test(&request, &done, cmpi_status_ignore())
        if done != 0 { break }
        polls += 1
        // Spin briefly (a peer is usually close behind), then poll every 0.1 ms.
        if polls > 2000 { usleep(100) } else { sched_yield() }
        if polls % 1000 == 0, Date().timeIntervalSince(start) > timeoutSeconds {
          abort(
            "allreduce of \(purpose.rawValue) did not complete within \(Int(timeoutSeconds)) s: "
              + missingRanks(tag: tag))
        }
      }
      collectArrivals(tag: tag)
      seconds[purpose, default: 0] += Date().timeIntervalSince(start)
    }

    /// Whether `request` has completed, without waiting.
    fileprivate func test(_ request: inout MPI_Request?, tag: Int32) -> Bool {
      var done: Int32 = 0
      MPI_Test(&request, &done, cmpi_status_ignore())
      if done != 0 { collectArrivals(tag: tag) }
      return done != 0
    }

    // MARK: - Arrival notices

    /// Sends every other rank a notice that this rank reached the next allreduce; returns its tag.
    private func announceArrival() -> Int32 {
      pendingNotices.removeAll { notice in
        var request = notice.request
        var done: Int32 = 0
        MPI_Test(&request, &done, cmpi_status_ignore())
        if done != 0 { notice.payload.deallocate() }
        return done != 0
      }
      sequence += 1
      let tag = Int32(sequence % 30000) + 1  // MPI promises tags up to 32767
      for peer in 0..<worldSize where peer != rank {
        let payload = UnsafeMutablePointer<Int64>.allocate(capacity: 1)
        payload.pointee = Int64(sequence)
        var request = cmpi_request_null()
        MPI_Isend(payload, 1, cmpi_int64(), Int32(peer), tag, cmpi_comm_world(), &request)
        pendingNotices.append((request, payload))
      }
      return tag
    }

    /// Receives the other ranks' notices for the allreduce just completed (each rank sent its
    /// notice before joining it, so they are all there).
    private func collectArrivals(tag: Int32) {
      for peer in 0..<worldSize where peer != rank {
        var sequenceNumber: Int64 = 0
        MPI_Recv(&sequenceNumber, 1, cmpi_int64(), Int32(peer), tag, cmpi_comm_world(), cmpi_status_ignore())
      }
    }

    /// Which ranks sent no notice for the allreduce with `tag`, in words.
    private func missingRanks(tag: Int32) -> String {
      let missing = (0..<worldSize).filter { peer in
        guard peer != rank else { return false }
        var arrived: Int32 = 0
        MPI_Iprobe(Int32(peer), tag, cmpi_comm_world(), &arrived, cmpi_status_ignore())
        return arrived == 0
      }
      if missing.isEmpty { return "every rank reached it, so one stopped inside it" }
      let names = missing.map(String.init).joined(separator: ", ")
      return "rank\(missing.count > 1 ? "s" : "") \(names) never reached it (died or hangs)"
    }

    /// Shuts MPI down; call once, after the last collective.
    public func finalize() {
      for notice in pendingNotices {
        var request = notice.request
        MPI_Wait(&request, cmpi_status_ignore())
        notice.payload.deallocate()
      }
      pendingNotices.removeAll()
      MPI_Finalize()
    }

    /// Prints "rank R of N: message" to standard error and ends every rank of the job.
    private func abort(_ message: String) -> Never {
      FileHandle.standardError.write(
        Data("rank \(rank) of \(worldSize): \(message); aborting the job.\n".utf8))
      MPI_Abort(cmpi_comm_world(), 3)
      exit(3)
    }
  }

  /// An allreduce started by `MPIReplicaGroup`, still to be waited for.
  final class MPIPendingAllreduce: PendingCollective {
    private let group: MPIReplicaGroup
    private var request: MPI_Request?
    private let tag: Int32
    private let purpose: CollectivePurpose
    private var completed = false

    fileprivate init(group: MPIReplicaGroup, request: MPI_Request?, tag: Int32, purpose: CollectivePurpose) {
      (self.group, self.request, self.tag, self.purpose) = (group, request, tag, purpose)
    }

    /// Whether the allreduce has completed; lets MPI's progress engine move it on.
    func test() -> Bool {
      if !completed { completed = group.test(&request, tag: tag) }
      return completed
    }

    /// Waits for the allreduce (the job is aborted if it hangs).
    func wait() {
      guard !completed else { return }
      group.wait(for: &request, tag: tag, purpose: purpose)
      completed = true
    }
  }
#endif
