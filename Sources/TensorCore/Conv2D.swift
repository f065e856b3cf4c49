// MARK: - Public op

/// A 2-D convolution (cross-correlation, as in PyTorch) with stride 1 and zero padding of
/// (k - 1) / 2 on each side, so the output has the input's height and width.
///
/// `input` is [N, C, H, W], `weight` is [O, C, k, k] with odd k (1 and 3 are the usual sizes),
/// `bias` is [O]; the result is [N, O, H, W]. Forward and both backward passes run on oneDNN.
public func conv2d(_ input: Tensor, _ weight: Tensor, bias: Tensor? = nil) -> Tensor {
  precondition(input.rank == 4, "conv2d expects input [N, C, H, W], got shape \(input.shape)")
  precondition(
    weight.rank == 4 && weight.shape[2] == weight.shape[3] && weight.shape[2] % 2 == 1,
    "conv2d expects weight [O, C, k, k] with odd k, got shape \(weight.shape)")
  precondition(
    weight.shape[1] == input.shape[1],
    "conv2d: weight \(weight.shape) expects \(weight.shape[1]) input channels, "
      + "input \(input.shape) has \(input.shape[1])"
  )
  if let bias {
    precondition(
      bias.shape == [weight.shape[0]], "conv2d expects bias of shape [\(weight.shape[0])], got \(bias.shape)")
  }
  let output = ConvKernels.forward(input, weight, bias: bias)
  let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
  return Tensor.record(output, inputs) { g, wants in
    let shape = ConvolutionShape(input: input.shape, weight: weight.shape, hasBias: bias != nil)
    let grads = ConvKernels.backward(
      g, input, weight, of: shape, wantsInput: wants[0], wantsParameters: wants.dropFirst().contains(true))
    return [grads.input, grads.weight] + (bias == nil ? [] : [grads.bias])
  }
}

/// A 2-D convolution with a bias given positionally: `conv2d(x, w, b)`.
public func conv2d(_ input: Tensor, _ weight: Tensor, _ bias: Tensor?) -> Tensor {
  conv2d(input, weight, bias: bias)
}

// MARK: - Kernels

/// The three passes of a convolution on oneDNN. The batch is split evenly over the compute
/// threads; each thread runs single-threaded primitives on its own images (see `DNNL`).
enum ConvKernels {
  /// out[n, o] = sum_c,i,j w[o, c, i, j] * x[n, c, y + i - p, x + j - p] + bias[o].
  static func forward(_ input: Tensor, _ weight: Tensor, bias: Tensor?) -> Tensor {
    let shape = ConvolutionShape(input: input.shape, weight: weight.shape, hasBias: bias != nil)
    let output = Tensor(uninitializedShape: shape.output)
    FLOPCount.add(shape.flops)
    forEachSlice(shape) { _, images, primitives in
      var operands = [plain(input, images, shape.input), plain(weight)]
      if let bias { operands.append(plain(bias)) }
      operands.append(plain(output, images, shape.output))
      primitives.forward.execute(operands)
    }
    return withExtendedLifetime((input, weight, bias)) { output }
  }

  /// The gradients of a convolution for the input (the transposed convolution of the output
  /// gradient) and for the weight and bias (each thread sums its own images into partial sums,
  /// added at the end). The output gradient is reordered once for both passes.
  static func backward(
    _ gradOutput: Tensor, _ input: Tensor, _ weight: Tensor, of shape: ConvolutionShape, wantsInput: Bool,
    wantsParameters: Bool
  ) -> (input: Tensor?, weight: Tensor?, bias: Tensor?) {
    let parts = sliceCount(shape.batch)
    let gradInput = wantsInput ? Tensor(uninitializedShape: shape.input) : nil
    let weights = wantsParameters ? Tensor(uninitializedShape: [parts] + shape.weight) : nil
    let biases = wantsParameters ? Tensor(uninitializedShape: [parts, shape.outChannels]) : nil
    FLOPCount.add(shape.flops * ((wantsInput ? 1 : 0) + (wantsParameters ? 1 : 0)))
    forEachSlice(shape) { part, images, primitives in
      let (data, parameters) = (primitives.backwardData, primitives.backwardWeights)
      let sharedBytes = data.reorderedBytes(0).flatMap {
        data.sharesLayout(0, with: parameters, 1) ? $0 : nil
      }
      ScratchPool.withBytes([wantsInput && wantsParameters ? sharedBytes ?? 0 : 0]) { buffers in
        var gradient = plain(gradOutput, images, shape.output)
        if let shared = buffers[0], case .plain(let source) = gradient {
          data.reorderToChosen(0, from: source, into: shared)
          gradient = .chosen(shared)
        }
        if let gradInput {
          data.execute([gradient, plain(weight), plain(gradInput, images, shape.input)])
        }
        if let weights, let biases {
          parameters.execute([
            plain(input, images, shape.input), gradient,
            plain(weights, part..<(part + 1), [parts] + shape.weight),
            plain(biases, part..<(part + 1), [parts, shape.outChannels]),
          ])
        }
      }
    }
    withExtendedLifetime((gradOutput, input, weight)) {}
    guard let weights, let biases else { return (gradInput, nil, nil) }
    if parts == 1 { return (gradInput, weights.reshaped(shape.weight), biases.reshaped([shape.outChannels])) }
    return (
      gradInput, weights.sumKernel(keptShape: [1] + shape.weight).reshaped(shape.weight),
      biases.sumKernel(keptShape: [1, shape.outChannels]).reshaped([shape.outChannels])
    )
  }

  /// How many slices a batch of `n` images is cut into: one per thread, at most one per image.
  static func sliceCount(_ n: Int) -> Int { Swift.max(1, Swift.min(ComputeThreads.count, n)) }

  /// Runs `body(part, images, primitives)` on each thread's slice of the batch, with the
  /// primitives made for that slice's size (made before the threads start).
  static func forEachSlice(
    _ shape: ConvolutionShape, _ body: (_ part: Int, _ images: Range<Int>, ConvolutionPrimitives) -> Void
  ) {
    let parts = sliceCount(shape.batch)
    let sizes = Set((0..<parts).map { (shape.batch * ($0 + 1) / parts) - (shape.batch * $0 / parts) })
    let primitives = Dictionary(
      uniqueKeysWithValues: sizes.map { ($0, ConvolutionPrimitives.forShape(shape.withBatch($0))) })
    evenSlices(shape.batch, parts: parts) { part, images in body(part, images, primitives[images.count]!) }
  }

  /// The plain-layout operand starting at the first of `images` of a tensor of the given shape
  /// (or at the start of the tensor).
  static func plain(_ tensor: Tensor, _ images: Range<Int> = 0..<1, _ shape: [Int] = [])
    -> EnginePrimitive.Operand
  {
    let perImage = shape.dropFirst().reduce(1, *)
    return .plain(UnsafeMutableRawPointer(tensor.storage.base + images.lowerBound * perImage))
  }
}
