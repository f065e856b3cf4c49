// MARK: - Public op

/// A 2-D convolution (cross-correlation, as in PyTorch) with stride 1 and zero padding of
/// (k - 1) / 2 on each side, so the output has the input's height and width.
///
/// `input` is [N, C, H, W], `weight` is [O, C, k, k] with odd k (1 and 3 are the usual sizes),
/// `bias` is [O]; the result is [N, O, H, W]. Forward and both backward passes run on oneDNN, in
/// `ComputeBackend.convolutionPrecision` as it was for the forward pass.
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
  let shape = ConvolutionShape(input: input.shape, weight: weight.shape, hasBias: bias != nil)
  let (output, source) = ConvKernels.forward(input, weight, bias: bias, of: shape)
  let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
  return Tensor.record(output, inputs) { g, wants in
    let grads = ConvKernels.backward(
      g, source, weight, of: shape, wantsInput: wants[0], wantsParameters: wants.dropFirst().contains(true))
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
///
/// Activations come in either order (`StorageFormat`); an output or input gradient is handed back
/// channel-blocked when the primitive works in that layout, so that the layers after it read it
/// without a reorder.
enum ConvKernels {
  /// out[n, o] = sum_c,i,j w[o, c, i, j] * x[n, c, y + i - p, x + j - p] + bias[o]; also the
  /// input as the weight gradient will read it (see `Source`).
  static func forward(
    _ input: Tensor, _ weight: Tensor, bias: Tensor?, of shape: ConvolutionShape
  ) -> (output: Tensor, source: Source) {
    let slices = Slices(shape)
    let destination = bias == nil ? 2 : 3
    let output = Tensor(
      uninitializedShape: shape.output,
      format: slices.choseBlocked { $0.forward.choseBlocked(destination) }
        ? ChannelBlocks.format(of: shape.output) : .plain)
    FLOPCount.add(shape.flops)
    let (source, kernel, out) = (Operands(input), Operands(weight), Operands(output))
    let biasOperands = bias.map(Operands.init)
    let kept = ReorderedInput(for: slices, reading: source)
    slices.run { _, images, primitives in
      var read = source.slice(images, shape.input)
      if let kept {
        let copy = kept.slice(images)
        primitives.forward.reorderToChosen(0, from: read, into: copy.pointer)
        read = copy
      }
      var operands = [read, kernel.whole]
      if let biasOperands { operands.append(biasOperands.whole) }
      operands.append(out.slice(images, shape.output))
      primitives.forward.execute(operands)
    }
    return withExtendedLifetime((input, weight, bias)) {
      (output, kept.map(Source.reordered) ?? .tensor(input))
    }
  }

  /// The gradients of a convolution for the input (the transposed convolution of the output
  /// gradient) and for the weight and bias (each thread sums its own images into partial sums,
  /// added at the end). The output gradient is reordered once for both passes.
  static func backward(
    _ gradOutput: Tensor, _ input: Source, _ weight: Tensor, of shape: ConvolutionShape, wantsInput: Bool,
    wantsParameters: Bool
  ) -> (input: Tensor?, weight: Tensor?, bias: Tensor?) {
    let slices = Slices(shape)
    let parts = slices.parts
    let inputFormat =
      slices.choseBlocked { $0.backwardData.choseBlocked(2) } ? ChannelBlocks.format(of: shape.input) : .plain
    let gradInput = wantsInput ? Tensor(uninitializedShape: shape.input, format: inputFormat) : nil
    let weights = wantsParameters ? Tensor(uninitializedShape: [parts] + shape.weight) : nil
    let biases = wantsParameters ? Tensor(uninitializedShape: [parts, shape.outChannels]) : nil
    FLOPCount.add(shape.flops * ((wantsInput ? 1 : 0) + (wantsParameters ? 1 : 0)))
    let (upstream, kernel) = (Operands(gradOutput), Operands(weight))
    let source = input.operands
    let (inputOut, weightsOut, biasesOut) = (
      gradInput.map(Operands.init), weights.map(Operands.init), biases.map(Operands.init)
    )
    slices.run { part, images, primitives in
      let (data, parameters) = (primitives.backwardData, primitives.backwardWeights)
      var gradient = upstream.slice(images, shape.output)
      let sharedBytes = data.reorderedBytes(0, for: gradient).flatMap {
        data.sharesLayout(0, with: parameters, 1) ? $0 : nil
      }
      ScratchPool.withBytes([wantsInput && wantsParameters ? sharedBytes ?? 0 : 0]) { buffers in
        if let shared = buffers[0] {
          data.reorderToChosen(0, from: gradient, into: shared)
          gradient = .chosen(shared)
        }
        if let inputOut {
          data.execute([gradient, kernel.whole, inputOut.slice(images, shape.input)])
        }
        if let weightsOut, let biasesOut {
          parameters.execute([
            source(images, shape.input), gradient,
            weightsOut.slice(part..<(part + 1), [parts] + shape.weight),
            biasesOut.slice(part..<(part + 1), [parts, shape.outChannels]),
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
}
