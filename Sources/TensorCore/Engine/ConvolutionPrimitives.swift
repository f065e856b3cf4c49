import CDNNL
import Foundation

/// The shape of one stride-1, same-padding convolution call.
struct ConvolutionShape: Hashable {
  /// Images, input channels, output channels, height, width, kernel side.
  let batch: Int, inChannels: Int, outChannels: Int, height: Int, width: Int, kernel: Int
  /// Whether the forward pass adds a bias.
  let hasBias: Bool
  /// What the products are computed in.
  let precision: Precision

  /// The shape of a convolution of an [N, C, H, W] input with an [O, C, k, k] kernel, in the
  /// current `ComputeBackend.convolutionPrecision` unless `precision` is given.
  init(input: [Int], weight: [Int], hasBias: Bool, precision: Precision? = nil) {
    (batch, inChannels, height, width) = (input[0], input[1], input[2], input[3])
    (outChannels, kernel) = (weight[0], weight[2])
    self.hasBias = hasBias
    self.precision = precision ?? ComputeBackend.convolutionPrecision
  }

  /// The same convolution on `images` images.
  func withBatch(_ images: Int) -> ConvolutionShape {
    ConvolutionShape(
      input: [images, inChannels, height, width], weight: weight, hasBias: hasBias, precision: precision)
  }

  var input: [Int] { [batch, inChannels, height, width] }
  var output: [Int] { [batch, outChannels, height, width] }
  var weight: [Int] { [outChannels, inChannels, kernel, kernel] }
}

/// oneDNN's forward, backward-data and backward-weights primitives for one convolution shape,
/// made on first use and kept for the life of the process.
///
/// Argument order of each primitive's `execute`:
/// - `forward`: input, weight, bias (when the shape has one), output;
/// - `backwardData`: output gradient, weight, input gradient;
/// - `backwardWeights`: input, output gradient, weight gradient, bias gradient.
final class ConvolutionPrimitives {
  let forward: EnginePrimitive
  let backwardData: EnginePrimitive
  let backwardWeights: EnginePrimitive

  private static let lock = NSLock()
  nonisolated(unsafe) private static var cache: [CacheKey: ConvolutionPrimitives] = [:]

  private struct CacheKey: Hashable {
    let shape: ConvolutionShape
    let winograd: Bool
  }

  /// The primitives for `shape`, made once: Winograd where chosen and available, else direct.
  static func forShape(_ shape: ConvolutionShape) -> ConvolutionPrimitives {
    lock.lock()
    defer { lock.unlock() }
    let key = CacheKey(shape: shape, winograd: prefersWinograd(shape))
    if let found = cache[key] { return found }
    let winograd = key.winograd ? ConvolutionPrimitives(shape, algorithm: dnnl_convolution_winograd) : nil
    guard let made = winograd ?? ConvolutionPrimitives(shape, algorithm: dnnl_convolution_direct) else {
      preconditionFailure("oneDNN has no direct convolution for \(shape)")
    }
    cache[key] = made
    return made
  }

  /// See `ComputeBackend.winogradConvolutions`.
  nonisolated(unsafe) static var useWinograd = ProcessInfo.processInfo.environment["REALNVP_WINOGRAD"] != "0"

  /// See `ComputeBackend.channelBlockedActivations`.
  nonisolated(unsafe) static var blockedActivations =
    ProcessInfo.processInfo.environment["REALNVP_BLOCKED"] != "0"

  private static func prefersWinograd(_ shape: ConvolutionShape) -> Bool {
    useWinograd && shape.precision == .float32 && shape.kernel == 3 && shape.inChannels % 16 == 0
      && shape.outChannels % 16 == 0
  }

  private init?(_ shape: ConvolutionShape, algorithm: dnnl_alg_kind_t) {
    DNNL.singleThreaded()
    // In bfloat16, what is multiplied (input, kernel, output gradient) is bf16 and what is
    // accumulated (output, input gradient, kernel and bias gradients) is f32.
    let factors = shape.precision == .bfloat16 ? dnnl_bf16 : dnnl_f32
    func any(_ dimensions: [Int], _ type: dnnl_data_type_t = dnnl_f32) -> dnnl_memory_desc_t {
      DNNL.memoryDescriptor(dimensions, dnnl_format_tag_any, type)
    }
    var (input, weight, output) = (any(shape.input, factors), any(shape.weight, factors), any(shape.output))
    var bias = DNNL.memoryDescriptor([shape.outChannels], dnnl_a)
    let pad = Int64((shape.kernel - 1) / 2)
    let (strides, padding) = ([Int64(1), 1], [pad, pad])
    let what = "a \(shape.kernel)x\(shape.kernel) convolution of \(shape.input) to \(shape.output)"
    typealias Spec = EnginePrimitive.ArgumentSpec

    var forwardOperation = dnnl_convolution_desc_t()
    withUnsafePointer(to: bias) { biasPointer in
      DNNL.check(
        dnnl_convolution_forward_desc_init(
          &forwardOperation, dnnl_forward_training, algorithm, &input, &weight,
          shape.hasBias ? biasPointer : nil, &output, strides, padding, padding),
        "describing \(what)")
    }
    var forwardSpecs = [
      Spec.input(DNNL_ARG_SRC, dnnl_query_src_md, shape.input),
      Spec.input(DNNL_ARG_WEIGHTS, dnnl_query_weights_md, shape.weight),
    ]
    if shape.hasBias {
      forwardSpecs.append(
        Spec.input(DNNL_ARG_BIAS, dnnl_query_weights_md, index: 1, [shape.outChannels]))
    }
    forwardSpecs.append(
      Spec.output(DNNL_ARG_DST, dnnl_query_dst_md, shape.output))
    guard
      let forward = EnginePrimitive(
        operation: &forwardOperation, hint: nil, arguments: forwardSpecs, what: "the forward pass of \(what)")
    else { return nil }
    self.forward = forward

    // The backward passes need the forward pass's descriptor as a hint.
    var hint: dnnl_primitive_desc_t?
    guard dnnl_primitive_desc_create(&hint, &forwardOperation, nil, DNNL.engine, nil) == dnnl_success else {
      return nil
    }
    defer { dnnl_primitive_desc_destroy(hint) }

    var (inputGradient, weightGradient) = (any(shape.input), any(shape.weight))
    var outputGradient = any(shape.output, factors)
    var dataOperation = dnnl_convolution_desc_t()
    DNNL.check(
      dnnl_convolution_backward_data_desc_init(
        &dataOperation, algorithm, &inputGradient, &weight, &outputGradient, strides, padding, padding),
      "describing the input gradient of \(what)")
    guard
      let backwardData = EnginePrimitive(
        operation: &dataOperation, hint: hint,
        arguments: [
          Spec.input(DNNL_ARG_DIFF_DST, dnnl_query_diff_dst_md, shape.output),
          Spec.input(DNNL_ARG_WEIGHTS, dnnl_query_weights_md, shape.weight),
          Spec.output(DNNL_ARG_DIFF_SRC, dnnl_query_diff_src_md, shape.input),
        ], what: "the input gradient of \(what)")
    else { return nil }
    self.backwardData = backwardData

    var weightsOperation = dnnl_convolution_desc_t()
    DNNL.check(
      dnnl_convolution_backward_weights_desc_init(
        &weightsOperation, algorithm, &input, &weightGradient, &bias, &outputGradient, strides, padding,
        padding
      ),
      "describing the weight gradient of \(what)")
    guard
      let backwardWeights = EnginePrimitive(
        operation: &weightsOperation, hint: hint,
        arguments: [
          Spec.input(DNNL_ARG_SRC, dnnl_query_src_md, shape.input),
          Spec.input(DNNL_ARG_DIFF_DST, dnnl_query_diff_dst_md, shape.output),
          Spec.output(DNNL_ARG_DIFF_WEIGHTS, dnnl_query_diff_weights_md, shape.weight),
          Spec.output(DNNL_ARG_DIFF_BIAS, dnnl_query_diff_weights_md, index: 1, [shape.outChannels]),
        ], what: "the weight gradient of \(what)")
    else { return nil }
    self.backwardWeights = backwardWeights
  }
}
