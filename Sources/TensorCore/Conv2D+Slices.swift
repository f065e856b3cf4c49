// MARK: - Slices and operands

extension ConvKernels {
  /// How many slices a batch of `n` images is cut into: one per thread, at most one per image.
  static func sliceCount(_ n: Int) -> Int { Swift.max(1, Swift.min(ComputeThreads.count, n)) }

  /// The batch cut into one slice per thread, with the primitives made for each slice's size
  /// (made before the threads start).
  struct Slices {
    let batch: Int
    let parts: Int
    let primitives: [Int: ConvolutionPrimitives]

    init(_ shape: ConvolutionShape) {
      let (batch, parts) = (shape.batch, ConvKernels.sliceCount(shape.batch))
      (self.batch, self.parts) = (batch, parts)
      let sizes = Set((0..<parts).map { (batch * ($0 + 1) / parts) - (batch * $0 / parts) })
      primitives = Dictionary(
        uniqueKeysWithValues: sizes.map { ($0, ConvolutionPrimitives.forShape(shape.withBatch($0))) })
    }

    /// Whether channel-blocked activations are on and every slice's primitive passes `test`.
    func choseBlocked(_ test: (ConvolutionPrimitives) -> Bool) -> Bool {
      ComputeBackend.channelBlockedActivations && primitives.values.allSatisfy(test)
    }

    /// Runs `body(part, images, primitives)` on each thread's slice of the batch.
    func run(_ body: (_ part: Int, _ images: Range<Int>, ConvolutionPrimitives) -> Void) {
      evenSlices(batch, parts: parts) { part, images in body(part, images, primitives[images.count]!) }
    }
  }

  /// A tensor's buffer as engine operands, read once before the threads start (a blocked tensor
  /// is passed blocked; reading `storage` would make it plain).
  struct Operands {
    let base: UnsafeMutablePointer<Float>
    let isBlocked: Bool

    init(_ tensor: Tensor) {
      (base, isBlocked) = tensor.isChannelBlocked ? (tensor.raw.base, true) : (tensor.storage.base, false)
    }

    /// The whole buffer.
    var whole: EnginePrimitive.Operand { slice(0..<1, []) }

    /// The operand starting at the first of `images` of a tensor of the given shape.
    func slice(_ images: Range<Int>, _ shape: [Int]) -> EnginePrimitive.Operand {
      let pointer = UnsafeMutableRawPointer(base + images.lowerBound * shape.dropFirst().reduce(1, *))
      return isBlocked ? .blocked(pointer) : .plain(pointer)
    }
  }

  /// A convolution's input as its weight gradient reads it: the tensor, or the copy in the
  /// primitives' layout that the forward pass made (then the tensor itself is not kept).
  enum Source {
    case tensor(Tensor)
    case reordered(ReorderedInput)

    /// The operand for a slice of images of a tensor of the given shape.
    var operands: (_ images: Range<Int>, _ shape: [Int]) -> EnginePrimitive.Operand {
      switch self {
      case .tensor(let tensor):
        let operands = Operands(tensor)
        return { images, shape in withExtendedLifetime(tensor) { operands.slice(images, shape) } }
      case .reordered(let copy):
        return { images, _ in
          precondition(
            copy.sliceSizes.contains(images.count),
            "ComputeThreads.count changed between a convolution's forward and backward pass")
          return copy.slice(images)
        }
      }
    }
  }

  /// The whole batch's input in the layout the forward primitive chose, when it needs a reorder
  /// into it (bfloat16, or a layout other than the tensor's) and the weight gradient's primitive
  /// reads the same layout: reordered once in the forward pass, read again by the weight
  /// gradient, and half the size of the Float32 input in bfloat16.
  final class ReorderedInput {
    private let base: UnsafeMutableRawPointer
    private let bytesPerImage: Int
    /// The slice sizes it was made for (the weight gradient must cut the batch the same way).
    let sliceSizes: Set<Int>

    /// The copy for `slices`, or nil when the input is read as it is or the layouts differ.
    init?(for slices: Slices, reading source: Operands) {
      var perImage: Int?
      for (images, primitives) in slices.primitives {
        let probe = source.slice(0..<1, [])
        guard let bytes = primitives.forward.reorderedBytes(0, for: probe),
          primitives.forward.sharesLayout(0, with: primitives.backwardWeights, 0),
          bytes % images == 0, perImage == nil || perImage == bytes / images
        else { return nil }
        perImage = bytes / images
      }
      guard let perImage else { return nil }
      bytesPerImage = perImage
      sliceSizes = Set(slices.primitives.keys)
      base = .allocate(byteCount: perImage * slices.batch, alignment: 64)
    }

    deinit { base.deallocate() }

    /// The operand for a slice of images.
    func slice(_ images: Range<Int>) -> EnginePrimitive.Operand {
      .chosen(base + images.lowerBound * bytesPerImage)
    }
  }
}
