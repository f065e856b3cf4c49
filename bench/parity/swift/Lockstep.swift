// Lockstep comparison, Swift side: trains mnist-bench for N steps from its seed-S initialization
// on fixed batches and fixed dequantization noise, and writes everything the PyTorch peer needs
// to take exactly the same steps (bench/parity/peers/torch_lockstep.py compares the two).
//
// Usage: Lockstep STEPS OUTPUT_DIR [SEED] [TEST_IMAGES] [TAIL_STEPS]
// Writes: init.safetensors (parameters and buffers before training), data.safetensors (batches,
// noise, test images and their noise), final.safetensors, swift.json (per-step loss and
// gradient norm, final test NLL, and the test bits/dim on the first 1000 test images after each of
// the last TAIL_STEPS steps, default 0). Built and run by bench/parity/lockstep.sh. THREADS sets the
// compute threads (default: every core), as it does for the peer.
import Foundation
import RealNVP
import TensorCore

let arguments = CommandLine.arguments
guard arguments.count >= 3, let steps = Int(arguments[1]), steps > 0 else {
  FileHandle.standardError.write(
    Data("usage: Lockstep STEPS OUTPUT_DIR [SEED] [TEST_IMAGES] [TAIL_STEPS]\n".utf8))
  exit(2)
}
let output = URL(fileURLWithPath: arguments[2])
let seed = arguments.count > 3 ? UInt64(arguments[3]) ?? 0 : 0
let testCount = arguments.count > 4 ? Int(arguments[4]) ?? 2000 : 2000
let tailSteps = arguments.count > 5 ? Int(arguments[5]) ?? 0 : 0
let requestedThreads = ProcessInfo.processInfo.environment["THREADS"].flatMap { Int($0) }
ComputeThreads.count = Swift.max(1, requestedThreads ?? ProcessInfo.processInfo.activeProcessorCount)

var experiment = ExperimentConfiguration.mnistBench
experiment.model.seed = seed
guard let model = experiment.makeModel() as? MultiScaleRealNVP else {
  fatalError("mnist-bench is a multi-scale model")
}
let batchSize = experiment.options.batchSize
try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
_ = try model.saveCheckpoint(to: output.appendingPathComponent("init.safetensors"))

// Batches and noise drawn as `train()` draws them for `realnvp train --seed SEED` (the same
// streams, in the same order), so this run repeats that one step for step; both saved for the peer.
let train = try Datasets.fashionMNIST()
let test = try Datasets.fashionMNIST(split: .test, limit: testCount)
var root = RandomGenerator(seed: seed)
var orderRNG = root.fork()
var noiseRNG = root.fork()
let order = orderRNG.permutation(train.count)
var saved: [String: SafeTensors.Entry] = [:]
var batches: [(pixels: Tensor, noise: Tensor)] = []
for step in 0..<steps {
  let start = (step * batchSize) % (train.count - batchSize + 1)
  let pixels = train.batch(Array(order[start..<(start + batchSize)]))
  let noise = Tensor.uniform(pixels.shape, using: &noiseRNG)
  batches.append((pixels, noise))
  saved["batch\(step)"] = (pixels.shape, pixels.scalars)
  saved["noise\(step)"] = (noise.shape, noise.scalars)
}
let testPixels = test.tensor
let testNoise = Tensor.uniform(testPixels.shape, using: &noiseRNG)
saved["test"] = (testPixels.shape, testPixels.scalars)
saved["testNoise"] = (testNoise.shape, testNoise.scalars)
try SafeTensors.write(saved, to: output.appendingPathComponent("data.safetensors"))

let adam = Adam(
  parameters: model.parameters, learningRate: experiment.options.learningRate,
  maxGradientNorm: experiment.options.maxGradientNorm)

/// Test bits/dim of the model in inference mode on the first `images` test images.
func testBitsPerDimension(images: Int) -> Double {
  var total = 0.0
  for start in stride(from: 0, to: images, by: 500) {
    let rows = start..<min(start + 500, images)
    total += Double(
      withoutGradients {
        model.negativeLogLikelihood(
          dequantized: testPixels.rows(rows) + testNoise.rows(rows), training: false
        ).sum().item()
      })
  }
  return Double(
    bitsPerDimension(negativeLogLikelihood: Float(total / Double(images)), dimensions: model.dimensions))
}

var records: [[String: Double]] = []
var evaluationSeconds = 0.0  // tail evaluations, left out of the training time
let started = Date()
for (step, batch) in batches.enumerated() {
  let (loss, gradients) = valueAndGradient(at: model.parameters) {
    model.negativeLogLikelihood(dequantized: batch.pixels + batch.noise, training: true).mean()
      + model.regularization
  }
  let norm = globalNorm(gradients)
  adam.update(gradients, globalNorm: norm)
  var record = ["step": Double(step + 1), "loss": Double(loss.item()), "gradientNorm": Double(norm)]
  if step >= steps - tailSteps {
    let evaluationStarted = Date()
    record["tailTestBitsPerDim"] = testBitsPerDimension(images: min(1000, testPixels.shape[0]))
    evaluationSeconds += Date().timeIntervalSince(evaluationStarted)
  }
  records.append(record)
  if (step + 1) % 10 == 0 { print("step \(step + 1) loss \(loss.item())") }
}
let seconds = Date().timeIntervalSince(started) - evaluationSeconds
let bits = testBitsPerDimension(images: testPixels.shape[0])
_ = try model.saveCheckpoint(to: output.appendingPathComponent("final.safetensors"))
let summary: [String: Any] = [
  "steps": records, "testBitsPerDim": Double(bits), "trainSeconds": seconds, "seed": Double(seed),
  "threads": Double(ComputeThreads.count),
]
try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
  .write(to: output.appendingPathComponent("swift.json"))
print("swift: \(steps) steps in \(String(format: "%.1f", seconds)) s, test bits/dim \(bits)")
