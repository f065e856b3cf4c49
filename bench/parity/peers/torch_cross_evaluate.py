"""Cross-evaluation, PyTorch side: the test bits/dim of each CHECKPOINT in the peer's inference path.

Loads each checkpoint (Swift names: a Swift final.safetensors or the peer's torch-final.safetensors)
into the peer of torch_realnvp.py and evaluates the first IMAGES saved test images of a lockstep run
with their saved noise, as torch_lockstep.py does after training. bench/parity/swift/EvaluateAt.swift
computes the same numbers in Swift; bench/parity/cross-evaluate.sh runs both.

Usage: python bench/parity/peers/torch_cross_evaluate.py DATA IMAGES CHECKPOINT...
Prints one line per checkpoint: its path and the bits/dim to 9 decimals. THREADS sets the threads.
"""

import os
import sys

import torch
from safetensors.torch import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # the other parity peers
sys.path.insert(0, os.path.join(HERE, "..", "..", "peers"))  # torch_realnvp, the benchmark peer
import torch_lockstep as lockstep  # noqa: E402
import torch_realnvp as peer  # noqa: E402


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: torch_cross_evaluate.py DATA IMAGES CHECKPOINT...")
    torch.set_num_threads(int(os.environ.get("THREADS", os.cpu_count() or 1)))
    data = load_file(sys.argv[1])
    images = int(sys.argv[2])
    if images > len(data["test"]):
        sys.exit(f"{sys.argv[1]} holds {len(data['test'])} test images, asked for {images}")
    for path in sys.argv[3:]:
        model = peer.MultiScaleRealNVP(**peer.CONFIG)
        lockstep.load_swift_state(model, load_file(path))
        print(f"{path} {lockstep.test_bits(model, data, images):.9f}")


if __name__ == "__main__":
    main()
