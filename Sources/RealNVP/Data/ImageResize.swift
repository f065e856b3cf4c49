// MARK: - Resize methods

/// How an image is resampled to a new size.
enum ResizeMethod: String, Sendable, CaseIterable {
  /// Area averaging (box filter with fractional coverage): the right choice for downsampling.
  case area
  /// Bilinear interpolation between the four nearest pixels (half-pixel centers).
  case bilinear
}

// MARK: - Crop and resize

extension RGBImage {
  /// The centered `size` window of this image (offset rounded down, as in CelebA's usual crop).
  func centerCropped(to size: ImageSize) -> RGBImage {
    precondition(
      size.width > 0 && size.height > 0 && size.width <= width && size.height <= height,
      "center crop \(size) must fit inside the \(self.size) image")
    let left = (width - size.width) / 2
    let top = (height - size.height) / 2
    var result = [UInt8]()
    result.reserveCapacity(size.width * size.height * 3)
    for row in top..<(top + size.height) {
      let start = (row * width + left) * 3
      result.append(contentsOf: pixels[start..<(start + size.width * 3)])
    }
    return RGBImage(width: size.width, height: size.height, pixels: result)
  }

  /// This image resampled to `size` with `method`.
  func resized(to size: ImageSize, method: ResizeMethod = .area) -> RGBImage {
    precondition(size.width > 0 && size.height > 0, "resize target must be positive, got \(size)")
    if size == self.size { return self }
    let columns = Self.weights(from: width, to: size.width, method: method)
    let rows = Self.weights(from: height, to: size.height, method: method)
    // Horizontal pass: height x newWidth x 3 floats.
    var horizontal = [Float](repeating: 0, count: height * size.width * 3)
    for row in 0..<height {
      for (column, taps) in columns.enumerated() {
        for channel in 0..<3 {
          var sum: Float = 0
          for (source, weight) in taps { sum += weight * Float(pixels[(row * width + source) * 3 + channel]) }
          horizontal[(row * size.width + column) * 3 + channel] = sum
        }
      }
    }
    // Vertical pass, rounded back to bytes.
    var result = [UInt8](repeating: 0, count: size.height * size.width * 3)
    let rowLength = size.width * 3
    for (row, taps) in rows.enumerated() {
      for offset in 0..<rowLength {
        var sum: Float = 0
        for (source, weight) in taps { sum += weight * horizontal[source * rowLength + offset] }
        result[row * rowLength + offset] = UInt8(min(255, max(0, sum.rounded())))
      }
    }
    return RGBImage(width: size.width, height: size.height, pixels: result)
  }

  /// The pixels in CHW order (channel planes), as `ImageDataset` stores them.
  var planarPixels: [UInt8] {
    let plane = width * height
    var result = [UInt8](repeating: 0, count: plane * 3)
    for index in 0..<plane {
      for channel in 0..<3 { result[channel * plane + index] = pixels[index * 3 + channel] }
    }
    return result
  }

  // MARK: - Filter taps

  /// For each output position, the source positions and weights (summing to 1) that make it.
  static func weights(from input: Int, to output: Int, method: ResizeMethod) -> [[(Int, Float)]] {
    let scale = Double(input) / Double(output)
    return (0..<output).map { position in
      switch method {
      case .area:
        let start = Double(position) * scale
        let end = Double(position + 1) * scale
        var taps = [(Int, Float)]()
        var source = Int(start)
        while Double(source) < end && source < input {
          let overlap = min(end, Double(source + 1)) - max(start, Double(source))
          if overlap > 1e-9 { taps.append((source, Float(overlap / scale))) }
          source += 1
        }
        return taps
      case .bilinear:
        let center = min(max((Double(position) + 0.5) * scale - 0.5, 0), Double(input - 1))
        let low = Int(center)
        let fraction = Float(center - Double(low))
        if low + 1 >= input || fraction == 0 { return [(low, 1)] }
        return [(low, 1 - fraction), (low + 1, fraction)]
      }
    }
  }
}
