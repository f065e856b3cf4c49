// Entry point of `realnvp-kernel`: `realnvp-kernel -f CONNECTION_FILE` runs the kernel,
// `realnvp-kernel install` writes the kernelspec.
KernelCommand.main()
