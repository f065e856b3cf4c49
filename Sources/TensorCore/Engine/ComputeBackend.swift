import CDNNL
import Foundation

/// What the tensor core's heavy operations run on, as recorded by benchmarks and run journals.
public enum ComputeBackend {
  /// The instruction set oneDNN generates code for on this CPU, for example "avx512_core_bf16".
  ///
  /// oneDNN reads the CPU's feature flags itself (the `DNNL_MAX_CPU_ISA` environment variable
  /// caps it), so the fast path needs no settings. On a CPU without AVX2 the first call prints
  /// one line to standard error naming the slower path.
  public static var isa: String { name(of: dnnl_get_effective_cpu_isa()) }

  /// The GEMM implementation, for example "oneDNN 2.6.3 sgemm".
  public static var gemm: String { "oneDNN \(DNNL.version) sgemm" }

  /// The convolution engine and the implementation it picks for a 3x3, 64-channel convolution,
  /// for example "oneDNN 2.6.3 jit_wino_4x3:avx512_core".
  public static var convolutionEngine: String {
    let probe = ConvolutionShape(input: [1, 64, 8, 8], weight: [64, 64, 3, 3], hasBias: true)
    return "oneDNN \(DNNL.version) \(ConvolutionPrimitives.forShape(probe).forward.implementation)"
  }

  /// Whether 3x3 convolutions of 16 or more channels (in and out) use oneDNN's Winograd
  /// F(4x4, 3x3) kernels where this CPU has them (AVX-512); other shapes and CPUs always run the
  /// direct kernels. On by default; `REALNVP_WINOGRAD=0` in the environment turns it off.
  ///
  /// Measured on a trained mnist-bench state, the whole gradient's relative error against a
  /// float64 reference is 5.7e-5 with Winograd, 8.9e-5 with the direct kernels and 6.6e-5 in
  /// PyTorch's float32 (bench/parity/gradient-check.sh).
  public static var winogradConvolutions: Bool {
    get { ConvolutionPrimitives.useWinograd }
    set { ConvolutionPrimitives.useWinograd = newValue }
  }

  /// Whether convolutions hand their outputs (and input gradients) back in the channel-blocked
  /// layout they compute in, so that instance norm, ReLU, element-wise arithmetic and the next
  /// convolution read them without a reorder (see `StorageFormat`). On by default;
  /// `REALNVP_BLOCKED=0` in the environment turns it off, and every activation is then reordered
  /// to NCHW after each convolution.
  public static var channelBlockedActivations: Bool {
    get { ConvolutionPrimitives.blockedActivations }
    set { ConvolutionPrimitives.blockedActivations = newValue }
  }

  /// Says once, on standard error, that this CPU takes a slower path; called when the engine starts.
  static func reportSlowPath() {
    let found = dnnl_get_effective_cpu_isa()
    guard !hasAVX2(found) else { return }
    FileHandle.standardError.write(
      Data("TensorCore: this CPU has no AVX2; oneDNN runs its slower \(name(of: found)) kernels\n".utf8))
  }

  /// oneDNN's name for an instruction set.
  static func name(of isa: dnnl_cpu_isa_t) -> String {
    switch isa {
    case dnnl_cpu_isa_sse41: "sse41"
    case dnnl_cpu_isa_avx: "avx"
    case dnnl_cpu_isa_avx2: "avx2"
    case dnnl_cpu_isa_avx2_vnni: "avx2_vnni"
    case dnnl_cpu_isa_avx512_mic, dnnl_cpu_isa_avx512_mic_4ops: "avx512_mic"
    case dnnl_cpu_isa_avx512_core: "avx512_core"
    case dnnl_cpu_isa_avx512_core_vnni: "avx512_core_vnni"
    case dnnl_cpu_isa_avx512_core_bf16: "avx512_core_bf16"
    case dnnl_cpu_isa_avx512_core_amx: "avx512_core_amx"
    default: "baseline x86-64 (code \(isa.rawValue))"
    }
  }

  /// Whether the instruction set includes AVX2 (oneDNN's ISA codes are bit sets).
  static func hasAVX2(_ isa: dnnl_cpu_isa_t) -> Bool {
    isa.rawValue & dnnl_cpu_isa_avx2.rawValue == dnnl_cpu_isa_avx2.rawValue
  }
}
