// Gradient check at a trained state, Swift side: the mnist-bench loss and its gradient with respect
// to every parameter at CHECKPOINT, on saved batch STEP of a lockstep run (training mode, as the
// step itself computes them). bench/parity/peers/torch_gradient_check.py compares them with PyTorch in
// float32 and float64.
//
// Usage: GradientAt CHECKPOINT DATA STEP OUTPUT   (DATA: data.safetensors of bench/parity/lockstep.sh)
// PRECISION=bf16 in the environment runs the convolutions in bfloat16 (fp32 where the CPU has no
// AVX512_BF16, said on standard error).
// Writes OUTPUT (safetensors): one gradient per parameter, under the parameter's checkpoint name,
// with the loss in the metadata. Built and run by bench/parity/gradient-check.sh.
import Foundation
import RealNVP
import TensorCore

let arguments = CommandLine.arguments
guard arguments.count == 5, Int(arguments[3]) != nil else {
  FileHandle.standardError.write(Data("usage: GradientAt CHECKPOINT DATA STEP OUTPUT\n".utf8))
  exit(2)
}
ComputeThreads.count = ProcessInfo.processInfo.activeProcessorCount
let precisionName = ProcessInfo.processInfo.environment["PRECISION"] ?? "fp32"
guard let precision = Precision(rawValue: precisionName) else {
  FileHandle.standardError.write(Data("PRECISION must be fp32 or bf16, got \(precisionName)\n".utf8))
  exit(2)
}
ComputeBackend.convolutionPrecision = precision
guard let model = ExperimentConfiguration.mnistBench.makeModel() as? MultiScaleRealNVP else {
  fatalError("mnist-bench is a multi-scale model")
}
try model.loadCheckpoint(from: URL(fileURLWithPath: arguments[1]))
let data = try SafeTensors.read(from: URL(fileURLWithPath: arguments[2])).tensors
guard let batch = data["batch\(arguments[3])"], let noise = data["noise\(arguments[3])"] else {
  FileHandle.standardError.write(
    Data("\(arguments[2]) has no batch\(arguments[3]) and noise\(arguments[3])\n".utf8))
  exit(1)
}
let dequantized =
  Tensor(shape: batch.shape, scalars: batch.scalars) + Tensor(shape: noise.shape, scalars: noise.scalars)
let (loss, gradients) = valueAndGradient(at: model.parameters) {
  model.negativeLogLikelihood(dequantized: dequantized, training: true).mean() + model.regularization
}
var entries: [String: SafeTensors.Entry] = [:]
for (parameter, gradient) in zip(model.parameters, gradients) {
  entries[parameter.name] = (gradient.shape, gradient.scalars)
}
try SafeTensors.write(entries, metadata: ["loss": "\(loss.item())"], to: URL(fileURLWithPath: arguments[4]))
print(
  "swift (\(ComputeBackend.convolutionPrecision.rawValue)): loss \(loss.item()), "
    + "gradient norm \(globalNorm(gradients))")
