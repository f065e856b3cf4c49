import CDNNL
import Foundation

/// The process-wide oneDNN CPU engine, a pool of streams, and the threading rule for every call
/// into oneDNN.
///
/// Threading rule: Debian's oneDNN runs on GNU OpenMP, and a libgomp thread team does not survive
/// fork(): a forked child hangs at its first parallel region if its parent ever ran one on more
/// than one thread. The kernel's executor forks between cells, so the tensor core never lets
/// OpenMP start a team. Every thread sets its own OpenMP thread count to 1 before it calls oneDNN
/// (the count is a per-thread setting), and the tensor core splits the work over its own threads
/// (`ComputeThreads`) instead. Splitting a batch over threads is also faster here than oneDNN's
/// own parallel loops.
enum DNNL {
  /// The CPU engine every primitive runs on.
  static let engine: dnnl_engine_t = {
    singleThreaded()
    var engine: dnnl_engine_t?
    check(dnnl_engine_create(&engine, dnnl_cpu, 0), "creating the CPU engine")
    ComputeBackend.reportSlowPath()
    return engine!
  }()

  /// Makes this thread's calls into oneDNN single-threaded (see the type's summary).
  @inline(__always)
  static func singleThreaded() { omp_set_num_threads(1) }

  /// Stops with a message naming the failed call; a oneDNN error here is a programming mistake
  /// (shapes are checked before any primitive is made).
  static func check(_ status: dnnl_status_t, _ action: @autoclosure () -> String) {
    precondition(status == dnnl_success, "oneDNN failed \(action()): status \(status.rawValue)")
  }

  /// oneDNN's version, for example "2.6.3".
  static var version: String {
    guard let v = dnnl_version()?.pointee else { return "unknown" }
    return "\(v.major).\(v.minor).\(v.patch)"
  }

  // MARK: - Streams

  private static let lock = NSLock()
  nonisolated(unsafe) private static var freeStreams: [dnnl_stream_t] = []

  /// Runs `body` with a stream that no other thread uses meanwhile (streams are not thread-safe).
  static func withStream<R>(_ body: (dnnl_stream_t) -> R) -> R {
    lock.lock()
    var stream = freeStreams.popLast()
    lock.unlock()
    if stream == nil {
      check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "creating a stream")
    }
    defer {
      lock.lock()
      freeStreams.append(stream!)
      lock.unlock()
    }
    let result = body(stream!)
    check(dnnl_stream_wait(stream!), "waiting for a stream")
    return result
  }

  // MARK: - Memory descriptors

  /// A memory descriptor for data of these dimensions (Float32 unless `type` says otherwise) in
  /// the given layout.
  static func memoryDescriptor(
    _ dimensions: [Int], _ layout: dnnl_format_tag_t, _ type: dnnl_data_type_t = dnnl_f32
  ) -> dnnl_memory_desc_t {
    var descriptor = dnnl_memory_desc_t()
    let dims = dimensions.map { Int64($0) }
    check(
      dnnl_memory_desc_init_by_tag(&descriptor, Int32(dims.count), dims, type, layout),
      "describing a \(dimensions) tensor")
    return descriptor
  }

  /// The plain row-major layout tag for a tensor of `rank` dimensions (NCHW, OIHW, ...).
  static func plainLayout(rank: Int) -> dnnl_format_tag_t {
    switch rank {
    case 1: dnnl_a
    case 2: dnnl_ab
    case 4: dnnl_abcd
    default: preconditionFailure("oneDNN tensors here have rank 1, 2 or 4, got \(rank)")
    }
  }
}
