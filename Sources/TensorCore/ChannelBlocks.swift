// MARK: - Storage formats

/// The order of the values in a tensor's buffer.
///
/// Convolutions on AVX-512 work on images whose channels come in blocks of 16: [N, C/16, H, W, 16]
/// (oneDNN's `nChw16c`). A convolution hands its output back in that order, and instance norm, the
/// fused ReLU, element-wise arithmetic and the next convolution read it as it is, so a chain of
/// those layers is reordered only where it starts and ends. Any other op reads a blocked tensor
/// through `Tensor.storage`, which makes it plain first.
enum StorageFormat: Equatable {
  /// Row-major in the tensor's shape.
  case plain
  /// [N, C/16, H, W, 16] for a tensor of shape [N, C, H, W] (C a multiple of 16); `planeSize` is
  /// H * W.
  case channelBlocked(channels: Int, planeSize: Int)
}

/// The channel-blocked order's block width and the reorders between it and the plain order.
enum ChannelBlocks {
  /// Channels per block: one AVX-512 register of Float32.
  static let width = 16

  /// Whether a tensor of `shape` can be held channel-blocked: rank 4 with whole blocks of channels.
  static func fits(_ shape: [Int]) -> Bool {
    shape.count == 4 && shape[1] > 0 && shape[1] % width == 0
  }

  /// The blocked format of a tensor of `shape` (which must fit).
  static func format(of shape: [Int]) -> StorageFormat {
    precondition(
      fits(shape), "A channel-blocked tensor needs [N, C, H, W] with C a multiple of 16, got \(shape)")
    return .channelBlocked(channels: shape[1], planeSize: shape[2] * shape[3])
  }

  /// Writes the plain order of a blocked buffer of `count` values into `plain`.
  static func unblock(
    _ blocked: UnsafePointer<Float>, into plain: UnsafeMutablePointer<Float>, channels: Int, planeSize: Int,
    count: Int
  ) {
    transpose(count: count, channels: channels, planeSize: planeSize) { chunk, lane, position, offset in
      plain[chunk * width * planeSize + lane * planeSize + position] = blocked[offset]
    }
  }

  /// Writes the blocked order of a plain buffer of `count` values into `blocked`.
  static func block(
    _ plain: UnsafePointer<Float>, into blocked: UnsafeMutablePointer<Float>, channels: Int, planeSize: Int,
    count: Int
  ) {
    transpose(count: count, channels: channels, planeSize: planeSize) { chunk, lane, position, offset in
      blocked[offset] = plain[chunk * width * planeSize + lane * planeSize + position]
    }
  }

  /// Visits every value once, chunk by chunk (one chunk is 16 channels of one image, the same
  /// `width * planeSize` values in either order), over the compute threads. `body` gets the chunk,
  /// the channel within its block, the position in the plane and the offset in the blocked order.
  @inline(__always)
  private static func transpose(
    count: Int, channels: Int, planeSize: Int,
    _ body: (_ chunk: Int, _ lane: Int, _ position: Int, _ offset: Int) -> Void
  ) {
    let chunkSize = width * planeSize
    parallelRanges(count / Swift.max(chunkSize, 1), costPerItem: chunkSize) { chunks in
      for chunk in chunks {
        // Tiles of 16 positions keep both the reads and the writes within a few cache lines.
        var start = 0
        while start < planeSize {
          let end = Swift.min(planeSize, start + 16)
          for lane in 0..<width {
            for position in start..<end {
              body(chunk, lane, position, chunk * chunkSize + position * width + lane)
            }
          }
          start = end
        }
      }
    }
  }
}

// MARK: - Tensor conversions

extension Tensor {
  /// Whether the buffer is in the channel-blocked order.
  var isChannelBlocked: Bool { raw.format != .plain }

  /// The same values in a channel-blocked buffer (a new one, unless this one already is);
  /// recorded as the identity. The shape must fit `ChannelBlocks.fits`.
  func channelBlocked() -> Tensor {
    if isChannelBlocked { return self }
    let format = ChannelBlocks.format(of: shape)
    let result = Tensor(uninitializedShape: shape, format: format)
    let source = storage
    ChannelBlocks.block(
      source.base, into: result.raw.base, channels: shape[1], planeSize: shape[2] * shape[3],
      count: scalarCount)
    return withExtendedLifetime(source) { Tensor(shape: shape, storage: result.raw, trace: trace) }
  }

  /// An uninitialized tensor of this shape whose buffer is in the same order as this one's.
  func uninitializedLike() -> Tensor { Tensor(uninitializedShape: shape, format: raw.format) }
}
