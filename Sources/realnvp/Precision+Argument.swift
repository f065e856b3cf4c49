import ArgumentParser
import TensorCore

/// `--precision fp32` or `--precision bf16` on `train` and `bench`.
extension Precision: ExpressibleByArgument {}
