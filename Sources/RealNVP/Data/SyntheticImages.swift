import Foundation
import TensorCore

// MARK: - Synthetic images

/// A seeded stand-in for CIFAR-10 or CelebA when the real files are absent: smooth images with
/// structure a flow can learn (Gaussian blobs, stripes, rings over a color gradient).
enum SyntheticImages {
  /// The kinds of picture, by label.
  enum Kind: Int, CaseIterable, Sendable {
    /// One to three soft colored blobs.
    case blobs
    /// Parallel stripes at a random angle and frequency.
    case stripes
    /// Concentric rings around a random center.
    case rings
  }

  /// `count` images of `channels` x `height` x `width` with pixel values 0...255; the label of each
  /// image is its `Kind` raw value. The result depends only on the arguments.
  static func generate(
    count: Int, channels: Int = 3, height: Int = 32, width: Int = 32, seed: UInt64 = 0
  ) -> ImageDataset {
    precondition(count >= 0, "SyntheticImages needs a non-negative count, got \(count)")
    precondition(channels > 0 && height > 0 && width > 0, "SyntheticImages needs a positive image shape")
    var random = RandomGenerator(seed: seed, stream: 0x5EED)
    var pixels = [UInt8]()
    pixels.reserveCapacity(count * channels * height * width)
    var labels = [Int]()
    for _ in 0..<count {
      let kind = Kind(rawValue: random.nextInt(below: Kind.allCases.count))!
      labels.append(kind.rawValue)
      pixels += image(kind, channels: channels, height: height, width: width, random: &random)
    }
    return ImageDataset(
      count: count, channels: channels, height: height, width: width, pixels: pixels, labels: labels)
  }

  // MARK: - Drawing

  private static func image(
    _ kind: Kind, channels: Int, height: Int, width: Int, random: inout RandomGenerator
  ) -> [UInt8] {
    let background = (0..<channels).map { _ in 40 + 120 * random.nextDouble() }
    let gradient = (0..<channels).map { _ in 60 * (random.nextDouble() - 0.5) }
    let foreground = (0..<channels).map { _ in 255 * random.nextDouble() }
    let angle = Double.pi * random.nextDouble()
    let frequency = 1.5 + 2.5 * random.nextDouble()
    let phase = 2 * Double.pi * random.nextDouble()
    let blobCount = 1 + random.nextInt(below: 3)
    let blobs = (0..<blobCount).map { _ in
      (x: random.nextDouble(), y: random.nextDouble(), radius: 0.1 + 0.2 * random.nextDouble())
    }
    let center = (x: 0.2 + 0.6 * random.nextDouble(), y: 0.2 + 0.6 * random.nextDouble())

    var result = [UInt8](repeating: 0, count: channels * height * width)
    for row in 0..<height {
      for column in 0..<width {
        let y = (Double(row) + 0.5) / Double(height)
        let x = (Double(column) + 0.5) / Double(width)
        let weight: Double
        switch kind {
        case .blobs:
          weight = min(
            1,
            blobs.reduce(0) { sum, blob in
              let distance2 = (x - blob.x) * (x - blob.x) + (y - blob.y) * (y - blob.y)
              return sum + exp(-distance2 / (2 * blob.radius * blob.radius))
            })
        case .stripes:
          let along = x * cos(angle) + y * sin(angle)
          weight = 0.5 + 0.5 * sin(2 * Double.pi * frequency * along + phase)
        case .rings:
          let radius = ((x - center.x) * (x - center.x) + (y - center.y) * (y - center.y)).squareRoot()
          weight = 0.5 + 0.5 * cos(2 * Double.pi * frequency * radius + phase)
        }
        for channel in 0..<channels {
          let base = background[channel] + gradient[channel] * (x + y - 1)
          let value = base + weight * (foreground[channel] - base)
          result[(channel * height + row) * width + column] = UInt8(min(255, max(0, value.rounded())))
        }
      }
    }
    return result
  }
}
