"""Lockstep check, PyTorch side: takes the same steps as bench/lockstep/Lockstep.swift.

Loads the Swift model's initial parameters and running statistics (init.safetensors), the
batches and dequantization noise it used (data.safetensors), trains the peer of
torch_realnvp.py with the same Adam settings, and prints both losses per step, both gradient
norms, and both final test bits/dim. Agreement to a few decimals over the first steps, then a
slow float drift, means the two implementations compute the same function and gradients.

Usage: python bench/peers/torch_lockstep.py DIR   (DIR as written by the Swift side)
"""

import json
import os
import sys
import time

import torch
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_realnvp as peer  # noqa: E402


def named_tensors(model):
    """(Swift checkpoint name, tensor) for every trainable parameter, in the Swift order."""
    pairs = []

    def conv(prefix, layer):
        pairs.append((prefix + ".weight", layer.weight))
        if layer.gain is not None:
            pairs.append((prefix + ".gain", layer.gain))
        pairs.append((prefix + ".bias", layer.bias))

    def norm(prefix, layer):
        pairs.extend([(prefix + ".scale", layer.scale), (prefix + ".offset", layer.offset)])

    for i, coupling in enumerate(model.couplings):
        name, net = f"coupling{i}", coupling.net
        pairs.append((f"{name}.scale", coupling.scale))
        conv(f"{name}.net.in", net.input_conv)
        for j, block in enumerate(net.blocks):
            norm(f"{name}.net.block{j}.norm1", block.norm1)
            conv(f"{name}.net.block{j}.conv1", block.conv1)
            norm(f"{name}.net.block{j}.norm2", block.norm2)
            conv(f"{name}.net.block{j}.conv2", block.conv2)
        norm(f"{name}.net.outNorm", net.output_norm)
        conv(f"{name}.net.out", net.output_conv)
    return pairs


def load_swift_state(model, state):
    params = named_tensors(model)
    if len(params) != len(list(model.parameters())):
        raise RuntimeError("the name map does not cover every parameter of the peer")
    batch_norms = [m for m in model.modules() if isinstance(m, peer.FlowBatchNorm)]
    with torch.no_grad():
        for name, tensor in params:
            tensor.copy_(state[name].reshape(tensor.shape))
        for i, bn in enumerate(batch_norms):
            bn.running_mean.copy_(state[f"coupling{i}.batchNorm.runningMean"].reshape(bn.running_mean.shape))
            bn.running_var.copy_(state[f"coupling{i}.batchNorm.runningVariance"].reshape(bn.running_var.shape))
    return params


def main():
    directory = sys.argv[1]
    torch.set_num_threads(int(os.environ.get("THREADS", os.cpu_count() or 1)))
    swift = json.load(open(os.path.join(directory, "swift.json")))
    data = load_file(os.path.join(directory, "data.safetensors"))
    model = peer.MultiScaleRealNVP(**peer.CONFIG)
    params = [t for _, t in load_swift_state(model, load_file(os.path.join(directory, "init.safetensors")))]
    optimizer = torch.optim.Adam(params, lr=peer.CONFIG["learning_rate"])

    print(f"{'step':>5} {'loss swift':>12} {'loss torch':>12} {'rel diff':>9} {'|g| swift':>11} {'|g| torch':>11}")
    worst = 0.0
    started = time.perf_counter()
    for step, record in enumerate(swift["steps"]):
        model.train()
        optimizer.zero_grad(set_to_none=True)
        nll = model.negative_log_likelihood(data[f"batch{step}"], noise=data[f"noise{step}"]).mean()
        loss = nll + model.regularization()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, peer.CONFIG["max_grad_norm"]).item()
        optimizer.step()
        relative = abs(loss.item() - record["loss"]) / abs(record["loss"])
        worst = max(worst, relative)
        if step < 5 or (step + 1) % 10 == 0:
            print(f"{step + 1:>5} {record['loss']:>12.3f} {loss.item():>12.3f} {relative:>9.1e} "
                  f"{record['gradientNorm']:>11.1f} {norm:>11.1f}")

    seconds = time.perf_counter() - started
    model.eval()
    total = 0.0
    with torch.inference_mode():
        for i in range(0, len(data["test"]), 500):
            total += model.negative_log_likelihood(
                data["test"][i:i + 500], noise=data["testNoise"][i:i + 500]).double().sum().item()
    torch_bits = peer.bits_per_dim(total / len(data["test"]), model.dimensions)
    print(f"training time for {len(swift['steps'])} steps: swift {swift['trainSeconds']:.1f} s, "
          f"torch {seconds:.1f} s on {torch.get_num_threads()} threads")
    print(f"largest relative loss difference over {len(swift['steps'])} steps: {worst:.1e}")
    print(f"test bits/dim on {len(data['test'])} images: swift {swift['testBitsPerDim']:.4f}, "
          f"torch {torch_bits:.4f}, difference {swift['testBitsPerDim'] - torch_bits:+.4f}")


if __name__ == "__main__":
    main()
