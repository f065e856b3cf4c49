import JupyterProtocol

// MARK: - The interpreter behind the kernel

/// Makes the interpreter the kernel runs cells with.
///
/// TEMPORARY: the echo stand-in until the CellExecutor adapter is merged; swapping in the
/// real interpreter is this one line.
func makeInterpreter() -> KernelInterpreter {
  EchoInterpreter()
}
