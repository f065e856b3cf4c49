import Dispatch
// MARK: - Public op

/// How a convolution pads its input.
public enum Padding {
  /// Zero padding of (k - 1) / 2 on each side, so the output has the input's height and width.
  case same
}

/// A 2-D convolution (cross-correlation, as in PyTorch) with stride 1 and same padding.
///
/// `input` is [N, C, H, W], `weight` is [O, C, k, k] with odd k (1 and 3 are the usual sizes),
/// `bias` is [O]; the result is [N, O, H, W]. Forward and both backward passes use im2col + GEMM.
public func conv2d(_ input: Tensor, _ weight: Tensor, bias: Tensor? = nil, padding: Padding = .same) -> Tensor
{
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
    var grads: [Tensor?] = [
      wants[0] ? ConvKernels.inputGradient(g, weight) : nil,
      wants[1] ? ConvKernels.weightGradient(g, input, kernel: weight.shape[2]) : nil,
    ]
    if bias != nil {
      grads.append(wants[2] ? g.sumKernel(keptShape: [1, g.shape[1], 1, 1]).reshaped([g.shape[1]]) : nil)
    }
    return grads
  }
}

/// A 2-D convolution with a bias given positionally: `conv2d(x, w, b)`.
public func conv2d(_ input: Tensor, _ weight: Tensor, _ bias: Tensor?, padding: Padding = .same) -> Tensor {
  conv2d(input, weight, bias: bias, padding: padding)
}

// MARK: - Kernels

/// im2col + GEMM kernels. The batch is cut into chunks of a few images whose column buffer fits
/// in one core's L2 cache; each core takes whole chunks (im2col, a single-threaded GEMM, and the
/// scatter) so the column data never leaves its cache.
enum ConvKernels {
  /// Floats of column buffer per chunk (about 1.5 MiB, below a 2 MiB L2).
  nonisolated(unsafe) static var columnBudget = 393_216
  /// Planes (H*W) from this size up get one GEMM per image, with no scatter or gather copies.
  nonisolated(unsafe) static var directPlane = 128

  /// out[n, o] = sum_c,i,j w[o, c, i, j] * x[n, c, y + i - p, x + j - p] + bias[o].
  static func forward(_ input: Tensor, _ weight: Tensor, bias: Tensor?) -> Tensor {
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (o, k) = (weight.shape[0], weight.shape[2])
    let (plane, rowsK) = (h * w, c * k * k)
    let output = Tensor(uninitializedShape: [n, o, h, w])
    let images = chunkSize(n: n, columns: rowsK * plane)
    let out = output.storage.base
    let biasBase = bias?.storage.base
    forEachChunk(n: n, images: images, buffers: [rowsK * images * plane, o * images * plane]) {
      start, count, buffers in
      let width = count * plane
      im2col(input, images: start..<(start + count), kernel: k, into: buffers[0])
      // Planes large enough for an efficient GEMM: one GEMM per image writes [O, HW] straight
      // into the output; small planes: one GEMM for the chunk into a product buffer, then a scatter.
      if count == 1 || plane >= directPlane {
        for slot in 0..<count {
          let dst = out + (start + slot) * o * plane
          BLAS.sgemm(
            transA: false, transB: false, m: o, n: plane, k: rowsK, a: weight.storage.base, lda: rowsK,
            b: buffers[0] + slot * plane, ldb: width, c: dst, ldc: plane)
          if let biasBase {
            for channel in 0..<o {
              let (row, b) = (dst + channel * plane, biasBase[channel])
              for i in 0..<plane { row[i] += b }
            }
          }
        }
        return
      }
      let product = buffers[1]
      BLAS.sgemm(
        transA: false, transB: false, m: o, n: width, k: rowsK, a: weight.storage.base, lda: rowsK,
        b: buffers[0], ldb: width, c: product, ldc: width)
      for channel in 0..<o {  // [O, count*HW] -> [count, O, HW] + bias
        let b = biasBase?[channel] ?? 0
        for image in 0..<count {
          let src = product + channel * width + image * plane
          let dst = out + ((start + image) * o + channel) * plane
          for i in 0..<plane { dst[i] = src[i] + b }
        }
      }
    }
    return withExtendedLifetime((input, weight, bias)) { output }
  }

  /// d loss / d input: the convolution of the output gradient with the flipped, transposed kernel.
  static func inputGradient(_ gradOutput: Tensor, _ weight: Tensor) -> Tensor {
    let (o, c, k) = (weight.shape[0], weight.shape[1], weight.shape[2])
    let flipped = Tensor(uninitializedShape: [c, o, k, k])
    let (src, dst) = (weight.storage.base, flipped.storage.base)
    for oc in 0..<o {
      for ic in 0..<c {
        for i in 0..<(k * k) { dst[(ic * o + oc) * k * k + i] = src[(oc * c + ic) * k * k + (k * k - 1 - i)] }
      }
    }
    return withExtendedLifetime(weight) { forward(gradOutput, flipped, bias: nil) }
  }

  /// d loss / d weight = sum over images of gradOutput[O, HW] x columns[C*k*k, HW]^T; each core
  /// accumulates its own partial sum, and the partial sums are added at the end.
  static func weightGradient(_ gradOutput: Tensor, _ input: Tensor, kernel k: Int) -> Tensor {
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let o = gradOutput.shape[1]
    let (plane, rowsK) = (h * w, c * k * k)
    let images = chunkSize(n: n, columns: rowsK * plane)
    let grad = gradOutput.storage.base
    let workers = Swift.min(ComputeThreads.count, (n + images - 1) / images)
    let partials = Tensor.zeros([Swift.max(workers, 1), o, c, k, k])
    forEachChunk(n: n, images: images, buffers: [rowsK * images * plane, o * images * plane]) {
      start, count, buffers, worker in
      let width = count * plane
      let columns = buffers[0]
      let partial = partials.storage.base + worker * o * rowsK
      im2col(input, images: start..<(start + count), kernel: k, into: columns)
      // Large planes: each image's gradient is already [O, HW], one accumulating GEMM per image;
      // small planes: gather the chunk into [O, count*HW] for one GEMM.
      if count == 1 || plane >= directPlane {
        for slot in 0..<count {
          BLAS.sgemm(
            transA: false, transB: true, m: o, n: rowsK, k: plane, a: grad + (start + slot) * o * plane,
            lda: plane, b: columns + slot * plane, ldb: width, beta: 1, c: partial, ldc: rowsK)
        }
        return
      }
      let gathered = buffers[1]
      for channel in 0..<o {
        for image in 0..<count {
          (gathered + channel * width + image * plane)
            .update(from: grad + ((start + image) * o + channel) * plane, count: plane)
        }
      }
      BLAS.sgemm(
        transA: false, transB: true, m: o, n: rowsK, k: width, a: gathered, lda: width,
        b: columns, ldb: width, beta: 1, c: partial, ldc: rowsK)
    }
    let result = withExtendedLifetime((gradOutput, input)) { partials.sumKernel(keptShape: [1, o, c, k, k]) }
    return result.reshaped([o, c, k, k])
  }

  /// How many images fit in one column buffer (at least one).
  static func chunkSize(n: Int, columns perImage: Int) -> Int {
    Swift.max(1, Swift.min(n, columnBudget / Swift.max(perImage, 1)))
  }

  /// Runs `body(start, count, buffers)` for each chunk of `images` images, spreading chunks over
  /// the compute threads; each thread has its own scratch buffers of the given sizes.
  static func forEachChunk(
    n: Int, images: Int, buffers sizes: [Int],
    _ body: (_ start: Int, _ count: Int, _ buffers: [UnsafeMutablePointer<Float>]) -> Void
  ) {
    forEachChunk(n: n, images: images, buffers: sizes) { start, count, buffers, _ in
      body(start, count, buffers)
    }
  }

  /// Like `forEachChunk(n:images:buffers:_:)`, also passing the worker index (0..<threads).
  static func forEachChunk(
    n: Int, images: Int, buffers sizes: [Int],
    _ body: (_ start: Int, _ count: Int, _ buffers: [UnsafeMutablePointer<Float>], _ worker: Int) -> Void
  ) {
    let chunks = (n + images - 1) / images
    let workers = Swift.max(1, Swift.min(ComputeThreads.count, chunks))
    func run(_ worker: Int) {
      ScratchPool.withBuffers(sizes) { buffers in
        for chunk in stride(from: worker, to: chunks, by: workers) {
          let start = chunk * images
          body(start, Swift.min(images, n - start), buffers, worker)
        }
      }
    }
    if workers == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: workers) { run($0) } }
  }

  /// Writes columns[(ch*k + i)*k + j][image*HW + y*W + x] = input[image, ch, y+i-p, x+j-p] (0 outside).
  ///
  /// Each (channel, i, j, image) plane is one block copy: shifting a whole plane by dx moves the
  /// values that wrap around a row end into the edge columns, which are then zeroed.
  static func im2col(
    _ input: Tensor, images: Range<Int>, kernel k: Int, into columns: UnsafeMutablePointer<Float>
  ) {
    let (c, h, w) = (input.shape[1], input.shape[2], input.shape[3])
    let (plane, pad) = (h * w, (k - 1) / 2)
    let width = images.count * plane
    let src = input.storage.base
    for ch in 0..<c {
      for i in 0..<k {
        let (y0, y1) = (Swift.max(0, pad - i), Swift.min(h, h + pad - i))
        for j in 0..<k {
          let row = columns + ((ch * k + i) * k + j) * width
          let dx = j - pad
          for (slot, image) in images.enumerated() {
            let dst = row + slot * plane
            guard y1 > y0, Swift.abs(dx) < w else {
              dst.update(repeating: 0, count: plane)
              continue
            }
            let source = src + (image * c + ch) * plane + (y0 + i - pad) * w + dx
            dst.update(repeating: 0, count: y0 * w)
            let count = (y1 - y0) * w - Swift.abs(dx)
            let skip = Swift.max(0, -dx)  // never read before the start of the plane
            (dst + y0 * w + skip).update(from: source + skip, count: count)
            (dst + y1 * w).update(repeating: 0, count: (h - y1) * w)
            if dx != 0 {  // zero the edge columns (one value per row for 3x3 kernels)
              let span = Swift.abs(dx)
              var edge = dst + y0 * w + (dx < 0 ? 0 : w - dx)
              for _ in y0..<y1 {
                edge.pointee = 0
                for x in 1..<span { edge[x] = 0 }
                edge += w
              }
            }
          }
        }
      }
    }
    withExtendedLifetime(input) {}
  }
}
