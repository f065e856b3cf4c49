print("realnvp-executor: not yet implemented")
