import Foundation

// MARK: - Storage

/// A heap buffer of Float32 values that tensor copies share until one of them writes.
///
/// The values are in the tensor's row-major order (`.plain`) or, for the activations between
/// convolutions, in oneDNN's channel-blocked order (see `StorageFormat`). A blocked buffer turns
/// itself plain, in place, the first time an op that only knows the plain order reads it.
final class TensorStorage {
  /// Number of Float values in the buffer.
  let count: Int
  /// First element; the buffer is owned and freed by this object.
  private(set) var base: UnsafeMutablePointer<Float>
  /// The order of the values in the buffer.
  private(set) var format: StorageFormat

  init(count: Int, format: StorageFormat = .plain) {
    _ = TensorStorage.allocatorTuned
    self.count = count
    self.format = format
    base = .allocate(capacity: Swift.max(count, 1))
  }

  /// Keeps freed tensor buffers inside the process (glibc would otherwise mmap and unmap every
  /// large buffer, paying page faults on each training step); memory stays at its steady peak.
  private static let allocatorTuned: Void = {
    #if os(Linux)
      typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
      guard let symbol = dlsym(nil, "mallopt") else { return }
      let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
      _ = mallopt(-3, 1 << 26)  // M_MMAP_THRESHOLD: 64 MiB
      _ = mallopt(-1, 1 << 29)  // M_TRIM_THRESHOLD: 512 MiB
    #endif
  }()

  deinit { base.deallocate() }

  var buffer: UnsafeMutableBufferPointer<Float> { .init(start: base, count: count) }

  private static let conversionLock = NSLock()

  /// Rewrites the buffer in the plain order if it is blocked (once; later calls return at once).
  func makePlain() {
    if format == .plain { return }
    TensorStorage.conversionLock.lock()
    defer { TensorStorage.conversionLock.unlock() }
    guard case .channelBlocked(let channels, let planeSize) = format else { return }
    let plain = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
    ChannelBlocks.unblock(base, into: plain, channels: channels, planeSize: planeSize, count: count)
    base.deallocate()
    (base, format) = (plain, .plain)
  }
}

// MARK: - Tensor

/// An n-dimensional array of Float32 values in row-major order (images are NCHW).
///
/// Tensors have value semantics: copies share storage until one of them is written to.
/// Operations on tensors are recorded for differentiation only inside `valueAndGradient`.
public struct Tensor {
  /// The size of each dimension, outermost first.
  public let shape: [Int]
  /// The buffer in whatever order it is in; `storage` is the same buffer made plain.
  var raw: TensorStorage
  var trace: Trace?

  init(shape: [Int], storage: TensorStorage, trace: Trace? = nil) {
    precondition(
      storage.count == Tensor.elementCount(shape),
      "Tensor storage holds \(storage.count) values but shape \(shape) needs \(Tensor.elementCount(shape))")
    self.shape = shape
    self.raw = storage
    self.trace = trace
  }

  /// Creates a tensor with uninitialized storage (the caller must write every element).
  init(uninitializedShape shape: [Int], format: StorageFormat = .plain) {
    self.init(shape: shape, storage: TensorStorage(count: Tensor.elementCount(shape), format: format))
  }

  /// The buffer in the plain row-major order (a blocked buffer is reordered in place first).
  /// Every op that does not handle blocked buffers itself reads its operands through this.
  var storage: TensorStorage {
    raw.makePlain()
    return raw
  }

  /// Creates a tensor of the given shape from row-major scalars.
  public init(shape: [Int], scalars: [Float]) {
    let count = Tensor.elementCount(shape)
    precondition(
      scalars.count == count,
      "Tensor(shape: \(shape)) expects \(count) scalars, got \(scalars.count)")
    self.init(uninitializedShape: shape)
    _ = scalars.withUnsafeBufferPointer { storage.buffer.initialize(fromContentsOf: $0) }
  }

  /// Creates a rank-0 tensor holding one value.
  public init(_ scalar: Float) {
    self.init(shape: [], scalars: [scalar])
  }

  /// Creates a rank-1 tensor from an array.
  public init(_ scalars: [Float]) {
    self.init(shape: [scalars.count], scalars: scalars)
  }

  /// Creates a tensor whose scalars are written by `body` (which must write every element).
  public init(
    shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Float>) throws -> Void
  ) rethrows {
    self.init(uninitializedShape: shape)
    try body(storage.buffer)
  }

  /// The number of elements a shape holds; checks that no dimension is negative.
  static func elementCount(_ shape: [Int]) -> Int {
    var count = 1
    for dimension in shape {
      precondition(dimension >= 0, "Tensor dimensions must be non-negative, got shape \(shape)")
      count *= dimension
    }
    return count
  }
}

// MARK: - Accessors

extension Tensor {
  /// All elements in row-major order (a copy).
  public var scalars: [Float] { Array(storage.buffer) }

  /// The number of elements.
  public var scalarCount: Int { raw.count }

  /// The number of dimensions.
  public var rank: Int { shape.count }

  /// The single value of a rank-0 or one-element tensor.
  public func item() -> Float {
    precondition(scalarCount == 1, "item() needs a tensor with one element, got shape \(shape)")
    return storage.base[0]
  }

  /// The same values, cut off from gradient recording (a "stop gradient").
  public func detached() -> Tensor { Tensor(shape: shape, storage: raw) }

  /// Whether this tensor is being tracked for gradients by the running `valueAndGradient`.
  public var isTracked: Bool { trace.map { Tape.active?.serial == $0.serial } ?? false }

  /// Calls `body` with read access to the row-major elements.
  public func withUnsafeBufferPointer<R>(
    _ body: (UnsafeBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    try body(UnsafeBufferPointer(storage.buffer))
  }

  /// Calls `body` with write access, copying the storage first if another tensor shares it.
  mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    raw.makePlain()
    if !isKnownUniquelyReferenced(&raw) {
      let copy = TensorStorage(count: raw.count)
      copy.base.update(from: raw.base, count: raw.count)
      raw = copy
    }
    return try body(raw.buffer)
  }
}

// MARK: - Factories

extension Tensor {
  /// A tensor of the given shape filled with `value`.
  public static func full(_ shape: [Int], value: Float) -> Tensor {
    Tensor(shape: shape) { $0.initialize(repeating: value) }
  }

  /// A tensor of zeros.
  public static func zeros(_ shape: [Int]) -> Tensor { full(shape, value: 0) }

  /// A tensor of ones.
  public static func ones(_ shape: [Int]) -> Tensor { full(shape, value: 1) }

  /// The values 0, 1, ..., n-1 as a rank-1 tensor.
  public static func arange(_ n: Int) -> Tensor {
    Tensor(shape: [n]) { buffer in for i in 0..<n { buffer[i] = Float(i) } }
  }

  /// Values drawn uniformly from [low, high) with the given generator.
  public static func uniform(
    _ shape: [Int], low: Float = 0, high: Float = 1, using rng: inout RandomGenerator
  ) -> Tensor {
    Tensor(shape: shape) { buffer in
      for i in buffer.indices { buffer[i] = low + (high - low) * rng.nextFloat() }
    }
  }

  /// Values drawn from a normal distribution with the given generator.
  public static func normal(
    _ shape: [Int], mean: Float = 0, std: Float = 1, using rng: inout RandomGenerator
  ) -> Tensor {
    Tensor(shape: shape) { buffer in
      for i in buffer.indices { buffer[i] = mean + std * rng.nextNormal() }
    }
  }
}

// MARK: - Description

extension Tensor: CustomStringConvertible {
  /// A short summary: the shape and up to the first eight values.
  public var description: String {
    let shown = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
    let more = scalarCount > 8 ? ", ..." : ""
    return "Tensor(shape: \(shape), [\(shown)\(more)])"
  }
}
