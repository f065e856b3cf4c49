// Cross-evaluation, Swift side: the test bits/dim of each CHECKPOINT (mnist-bench, inference mode)
// on the first IMAGES saved test images of a lockstep run, with their saved dequantization noise.
// bench/parity/peers/torch_cross_evaluate.py computes the same numbers in PyTorch, so a checkpoint trained
// by either side is read out by both.
//
// Usage: EvaluateAt DATA IMAGES CHECKPOINT...   (DATA: data.safetensors of bench/parity/lockstep.sh)
// Prints one line per checkpoint: its path and the bits/dim to 9 decimals. Built and run by
// bench/parity/cross-evaluate.sh.
import Foundation
import RealNVP
import TensorCore

let arguments = CommandLine.arguments
guard arguments.count >= 4, let images = Int(arguments[2]), images > 0 else {
  FileHandle.standardError.write(Data("usage: EvaluateAt DATA IMAGES CHECKPOINT...\n".utf8))
  exit(2)
}
ComputeThreads.count =
  Int(ProcessInfo.processInfo.environment["THREADS"] ?? "")
  ?? ProcessInfo.processInfo.activeProcessorCount
let data = try SafeTensors.read(from: URL(fileURLWithPath: arguments[1])).tensors
guard let test = data["test"], let noise = data["testNoise"] else {
  FileHandle.standardError.write(Data("\(arguments[1]) has no test and testNoise\n".utf8))
  exit(1)
}
guard images <= test.shape[0] else {
  FileHandle.standardError.write(
    Data("\(arguments[1]) holds \(test.shape[0]) test images, asked for \(images)\n".utf8))
  exit(1)
}
let dequantized =
  Tensor(shape: test.shape, scalars: test.scalars) + Tensor(shape: noise.shape, scalars: noise.scalars)
for path in arguments[3...] {
  guard let model = ExperimentConfiguration.mnistBench.makeModel() as? MultiScaleRealNVP else {
    fatalError("mnist-bench is a multi-scale model")
  }
  try model.loadCheckpoint(from: URL(fileURLWithPath: path))
  var total = 0.0
  for start in stride(from: 0, to: images, by: 500) {
    let rows = start..<min(start + 500, images)
    total += Double(
      withoutGradients {
        model.negativeLogLikelihood(dequantized: dequantized.rows(rows), training: false).sum().item()
      })
  }
  let bits = total / Double(images) / (Double(model.dimensions) * M_LN2)  // in Double: 9 decimals
  print("\(path) \(String(format: "%.9f", bits))")
}
