"""Gradient check at a trained state, PyTorch side (bench/parity/swift/GradientAt.swift is the Swift side).

Loads a Swift checkpoint into the peer, computes the loss and the gradient on the same saved batch
in float32 and in float64, and reports how far the Swift gradient and the PyTorch float32 gradient
each are from the float64 one: for the whole gradient and per coupling layer. Biases of convolutions
that feed an instance norm have a true gradient of zero, so only their noise is left; they are not
counted per tensor.

Usage: python bench/parity/peers/torch_gradient_check.py CHECKPOINT DATA STEP SWIFT_GRADIENTS
"""

import collections
import os
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # the other parity peers
sys.path.insert(0, os.path.join(HERE, "..", "..", "peers"))  # torch_realnvp, the benchmark peer
import torch_realnvp as peer  # noqa: E402
from torch_lockstep import load_swift_state  # noqa: E402


def loss_and_gradients(checkpoint, pixels, noise, dtype):
    model = peer.MultiScaleRealNVP(**peer.CONFIG)
    pairs = load_swift_state(model, load_file(checkpoint))
    model.to(dtype).train()
    nll = model.negative_log_likelihood(pixels.to(dtype), noise=noise.to(dtype)).mean()
    loss = nll + model.regularization()
    loss.backward()
    return loss.item(), {name: tensor.grad.double().flatten() for name, tensor in pairs}


def is_cancelled_bias(name):
    """A conv bias followed by an instance norm: every one except the output conv's."""
    return name.endswith(".bias") and ".net.out." not in name


def coupling_of(name):
    """coupling3.net.block1.conv2.weight -> coupling3."""
    return name.split(".")[0]


def kind_of(name):
    """coupling3.net.block1.conv2.weight -> net.conv2.weight: the same tensor in every coupling."""
    return ".".join(part for part in name.split(".")[1:] if not part.startswith("block"))


def relative_errors(gradients, reference, group=coupling_of):
    """(whole-gradient relative error, {group: relative error over its counted tensors})."""
    squared = sum((gradients[n] - reference[n]).pow(2).sum().item() for n in reference)
    total = sum(reference[n].pow(2).sum().item() for n in reference)
    error, size = collections.defaultdict(float), collections.defaultdict(float)
    for name in reference:
        if is_cancelled_bias(name):
            continue
        error[group(name)] += (gradients[name] - reference[name]).pow(2).sum().item()
        size[group(name)] += reference[name].pow(2).sum().item()
    return (squared / total) ** 0.5, {key: (error[key] / size[key]) ** 0.5 for key in error}


def main():
    checkpoint, data_path, step, swift_path = sys.argv[1:5]
    torch.set_num_threads(int(os.environ.get("THREADS", os.cpu_count() or 1)))
    with safe_open(data_path, "pt") as data:
        pixels, noise = data.get_tensor(f"batch{step}"), data.get_tensor(f"noise{step}")
    with safe_open(swift_path, "pt") as swift_file:
        swift_loss = float(swift_file.metadata()["loss"])
    swift = {name: tensor.double().flatten() for name, tensor in load_file(swift_path).items()}
    loss32, torch32 = loss_and_gradients(checkpoint, pixels, noise, torch.float32)
    loss64, reference = loss_and_gradients(checkpoint, pixels, noise, torch.float64)
    norm = sum(g.pow(2).sum().item() for g in reference.values()) ** 0.5
    print(f"loss: float64 {loss64:.5f}, PyTorch float32 {loss32:.5f}, Swift {swift_loss:.5f}")
    print(f"gradient norm (float64): {norm:.1f}")
    swift_total, swift_layers = relative_errors(swift, reference)
    torch_total, torch_layers = relative_errors(torch32, reference)
    print(f"relative error of the whole gradient against float64: Swift {swift_total:.2e}, "
          f"PyTorch float32 {torch_total:.2e}")
    print(f"{'layer':<11} {'Swift':>9} {'PyTorch':>9}")
    for layer in sorted(swift_layers, key=lambda name: int(name.removeprefix("coupling"))):
        print(f"{layer:<11} {swift_layers[layer]:>9.2e} {torch_layers[layer]:>9.2e}")
    _, swift_kinds = relative_errors(swift, reference, group=kind_of)
    _, torch_kinds = relative_errors(torch32, reference, group=kind_of)
    print(f"{'tensor, all couplings':<24} {'Swift':>9} {'PyTorch':>9}")
    for kind in sorted(swift_kinds):
        print(f"{kind:<24} {swift_kinds[kind]:>9.2e} {torch_kinds[kind]:>9.2e}")


if __name__ == "__main__":
    main()
