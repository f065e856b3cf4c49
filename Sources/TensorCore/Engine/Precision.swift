import CDNNL
import Foundation

/// The number format convolutions multiply in.
///
/// With `.bfloat16`, a convolution's input and kernel (and, in the backward pass, its output
/// gradient) are rounded to bfloat16 on their way into oneDNN, which multiplies them with AVX-512
/// BF16 instructions and accumulates in Float32; outputs, gradients, parameters and everything
/// outside convolutions stay Float32.
public enum Precision: String, Codable, Sendable, CaseIterable {
  /// Float32 throughout.
  case float32 = "fp32"
  /// bfloat16 products with Float32 accumulation in convolutions.
  case bfloat16 = "bf16"
}

extension ComputeBackend {
  /// The precision convolutions run in from now on (made and run then; a backward pass uses the
  /// precision its forward pass had). Default `.float32`.
  ///
  /// Setting `.bfloat16` on a CPU without AVX512_BF16 (or with `DNNL_MAX_CPU_ISA` below
  /// `AVX512_CORE_BF16`) keeps `.float32` and says so once, in one line on standard error.
  public static var convolutionPrecision: Precision {
    get { PrecisionSetting.lock.withLock { PrecisionSetting.current } }
    set {
      let effective = newValue == .bfloat16 && !hasBFloat16 ? Precision.float32 : newValue
      if effective != newValue { PrecisionSetting.reportFallback() }
      PrecisionSetting.lock.withLock { PrecisionSetting.current = effective }
    }
  }

  /// Whether oneDNN runs bfloat16 convolutions with AVX512_BF16 instructions on this CPU.
  public static var hasBFloat16: Bool {
    let found = dnnl_get_effective_cpu_isa().rawValue
    let wanted = dnnl_cpu_isa_avx512_core_bf16.rawValue
    return found & wanted == wanted
  }

  /// Runs `body` with `convolutionPrecision` set to `precision`, then restores it.
  public static func withConvolutionPrecision<R>(_ precision: Precision, _ body: () throws -> R) rethrows -> R
  {
    let saved = convolutionPrecision
    convolutionPrecision = precision
    defer { PrecisionSetting.lock.withLock { PrecisionSetting.current = saved } }
    return try body()
  }
}

/// The stored setting behind `ComputeBackend.convolutionPrecision`.
enum PrecisionSetting {
  static let lock = NSLock()
  nonisolated(unsafe) static var current = Precision.float32
  nonisolated(unsafe) private static var reported = false

  /// The one line on standard error for a bfloat16 request this CPU cannot run.
  static func reportFallback() {
    let first = lock.withLock {
      defer { reported = true }
      return !reported
    }
    guard first else { return }
    FileHandle.standardError.write(
      Data(
        ("TensorCore: this CPU has no AVX512_BF16 (oneDNN runs \(ComputeBackend.isa)); "
          + "--precision bf16 runs as fp32\n").utf8))
  }
}
