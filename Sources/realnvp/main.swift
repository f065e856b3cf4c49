print("realnvp: not yet implemented")
