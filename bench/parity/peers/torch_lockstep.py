"""Lockstep check, PyTorch side: takes the same steps as bench/parity/swift/Lockstep.swift.

Loads the Swift model's initial parameters and running statistics (init.safetensors), the
batches and dequantization noise it used (data.safetensors), trains the peer of
torch_realnvp.py with the same Adam settings, and prints both losses per step, both gradient
norms, and both final test bits/dim. Agreement to a few decimals over the first steps, then a
slow float drift, means the two implementations compute the same function and gradients.
Writes the peer's final state, under the Swift names, to DIR/torch-final.safetensors (so
bench/parity/gradient-check.sh can take it as CHECKPOINT), and its per-step loss, gradient norm, tail
readout, final test bits/dim and training time to DIR/torch.json (as swift.json holds Swift's).
THREADS sets the peer's threads (default: every core).

Usage: python bench/parity/peers/torch_lockstep.py DIR [TAIL_STEPS]   (DIR as written by the Swift side)
Without DIR/swift.json (the Swift side still running: it writes that file last) the peer runs
alone, on as many steps as DIR/data.safetensors holds batches and with TAIL_STEPS tail readouts;
bench/parity/summary.py then compares the two.
"""

import json
import os
import sys
import time

import torch
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # the other parity peers
sys.path.insert(0, os.path.join(HERE, "..", "..", "peers"))  # torch_realnvp, the benchmark peer
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


def test_bits(model, data, images):
    """Test bits/dim in inference mode on the first `images` saved test images and their noise."""
    model.eval()
    total = 0.0
    with torch.inference_mode():
        for i in range(0, images, 500):
            j = min(i + 500, images)
            total += model.negative_log_likelihood(
                data["test"][i:j], noise=data["testNoise"][i:j]).double().sum().item()
    return peer.bits_per_dim(total / images, model.dimensions)


def describe(values):
    """Mean, sample standard deviation, minimum and maximum, as one line."""
    mean = sum(values) / len(values)
    sd = (sum((v - mean) ** 2 for v in values) / max(len(values) - 1, 1)) ** 0.5
    return f"mean {mean:.4f} sd {sd:.4f} min {min(values):.4f} max {max(values):.4f}"


def swift_state(model):
    """The peer's parameters and running statistics under the Swift checkpoint's names."""
    state = {name: tensor.detach().clone().contiguous() for name, tensor in named_tensors(model)}
    batch_norms = [m for m in model.modules() if isinstance(m, peer.FlowBatchNorm)]
    for i, bn in enumerate(batch_norms):
        state[f"coupling{i}.batchNorm.runningMean"] = bn.running_mean.clone()
        state[f"coupling{i}.batchNorm.runningVariance"] = bn.running_var.clone()
    return state


def main():
    directory = sys.argv[1]
    torch.set_num_threads(int(os.environ.get("THREADS", os.cpu_count() or 1)))
    data = load_file(os.path.join(directory, "data.safetensors"))
    swift_path = os.path.join(directory, "swift.json")
    if os.path.exists(swift_path):
        swift = json.load(open(swift_path))
        steps = len(swift["steps"])
        tail_steps = sum("tailTestBitsPerDim" in record for record in swift["steps"])
    else:  # alone, at the same time as the Swift side: steps from the batches, tail from argv
        swift = None
        steps = sum(key.startswith("batch") for key in data)
        tail_steps = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    model = peer.MultiScaleRealNVP(**peer.CONFIG)
    params = [t for _, t in load_swift_state(model, load_file(os.path.join(directory, "init.safetensors")))]
    optimizer = torch.optim.Adam(params, lr=peer.CONFIG["learning_rate"])

    if swift:
        print(f"{'step':>5} {'loss swift':>12} {'loss torch':>12} {'rel diff':>9} {'|g| swift':>11} {'|g| torch':>11}")
    else:
        print(f"{'step':>5} {'loss torch':>12} {'|g| torch':>11}")
    worst = 0.0
    records = []  # torch.json: the peer's per-step loss, gradient norm and tail readout
    tail_images = min(1000, len(data["test"]))
    tail_seconds = 0.0  # left out of the training time
    started = time.perf_counter()
    for step in range(steps):
        model.train()
        optimizer.zero_grad(set_to_none=True)
        nll = model.negative_log_likelihood(data[f"batch{step}"], noise=data[f"noise{step}"]).mean()
        loss = nll + model.regularization()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, peer.CONFIG["max_grad_norm"]).item()
        optimizer.step()
        records.append({"step": step + 1, "loss": loss.item(), "gradientNorm": norm})
        if step >= steps - tail_steps:
            evaluation_started = time.perf_counter()
            records[-1]["tailTestBitsPerDim"] = test_bits(model, data, tail_images)
            tail_seconds += time.perf_counter() - evaluation_started
        shown = step < 5 or (step + 1) % 10 == 0
        if not swift:
            if shown:
                print(f"{step + 1:>5} {loss.item():>12.3f} {norm:>11.1f}")
            continue
        record = swift["steps"][step]
        relative = abs(loss.item() - record["loss"]) / abs(record["loss"])
        worst = max(worst, relative)
        if shown:
            print(f"{step + 1:>5} {record['loss']:>12.3f} {loss.item():>12.3f} {relative:>9.1e} "
                  f"{record['gradientNorm']:>11.1f} {norm:>11.1f}")

    seconds = time.perf_counter() - started - tail_seconds
    save_file(swift_state(model), os.path.join(directory, "torch-final.safetensors"))
    torch_bits = test_bits(model, data, len(data["test"]))
    summary = {"steps": records, "testBitsPerDim": torch_bits, "trainSeconds": seconds,
               "threads": torch.get_num_threads()}
    with open(os.path.join(directory, "torch.json"), "w") as file:
        json.dump(summary, file, indent=1)
    print(f"torch: {steps} steps in {seconds:.1f} s on {torch.get_num_threads()} threads, "
          f"test bits/dim on {len(data['test'])} images {torch_bits:.4f}")
    if not swift:
        return
    swift_threads = f" on {int(swift['threads'])} threads" if "threads" in swift else ""
    print(f"training time for {steps} steps: swift {swift['trainSeconds']:.1f} s{swift_threads}, "
          f"torch {seconds:.1f} s on {torch.get_num_threads()} threads")
    print(f"largest relative loss difference over {steps} steps: {worst:.1e}")
    if tail_steps:
        swift_tail = [r["tailTestBitsPerDim"] for r in swift["steps"] if "tailTestBitsPerDim" in r]
        torch_tail = [r["tailTestBitsPerDim"] for r in records if "tailTestBitsPerDim" in r]
        print(f"test bits/dim on {tail_images} images after each of the last {tail_steps} steps:")
        print(f"  swift {describe(swift_tail)}")
        print(f"  torch {describe(torch_tail)}")
        print(f"  tail means differ by {sum(swift_tail) / tail_steps - sum(torch_tail) / tail_steps:+.4f}")
    print(f"test bits/dim on {len(data['test'])} images: swift {swift['testBitsPerDim']:.4f}, "
          f"torch {torch_bits:.4f}, difference {swift['testBitsPerDim'] - torch_bits:+.4f}")


if __name__ == "__main__":
    main()
