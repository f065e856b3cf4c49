import CProcessControl
import Foundation

// MARK: - Allocator

/// glibc malloc settings for a process that allocates the same large tensors every step.
///
/// By default glibc serves blocks above a moving threshold with fresh `mmap`s and returns freed
/// memory to the system, so every step page-faults its activations in again (the kernel zeroes
/// each page), and two threads of one process queue on the address-space lock to do it. Here
/// blocks up to 32 MiB (glibc's largest threshold) come from the heap, and freed memory stays in
/// it for the next step: the peak resident memory is about the same (the same blocks are reused)
/// and a step page-faults less. `REALNVP_MALLOC=default` keeps glibc's settings.
enum AllocatorSettings {
  /// Applies the settings, before the first tensor is made.
  static func keepStepMemory() {
    guard ProcessInfo.processInfo.environment["REALNVP_MALLOC"] != "default" else { return }
    _ = realnvp_keep_step_memory()
  }
}
