print("realnvp-kernel: not yet implemented")
