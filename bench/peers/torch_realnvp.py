"""PyTorch CPU eager peer of the Swift MultiScaleRealNVP for the "mnist-bench" and "mnist" configurations.

The architecture follows Sources/RealNVP (Model/MultiScaleRealNVP.swift and the files it uses)
layer for layer, so that parameter counts, FLOPs and the loss agree:

- Preprocessing `.scale`: pixels in 0...255 plus U[0, 1) noise, divided by 256; its
  log-Jacobian is -D log 256, so likelihoods are densities over 256-level pixel space.
- Per scale: 3 checkerboard couplings (parities 0, 1, 0), squeeze (nn.PixelUnshuffle(2) order),
  3 channel-wise couplings (parities 0, 1, 0), then the FIRST half of the channels goes to the
  latent. The final scale has 4 checkerboard couplings (0, 1, 0, 1). Hidden channels double per
  scale. A FlowBatchNorm follows every coupling.
- Coupling: y = x * exp(s) + t with s = scale * tanh(raw) * (1 - b), t = shift * (1 - b), where
  (raw, shift) = net(b * x); log|det| = sum of s. Checkerboard parity 0 keeps (h + w) even;
  channel-wise parity 0 keeps the first half of the channels.
- s/t network: weight-normed 3x3 conv C -> H; N blocks of [instance norm (affine) -> ReLU ->
  conv3x3 (wn) -> instance norm -> ReLU -> conv3x3 (wn)] + residual; instance norm -> ReLU ->
  a plain, zero-initialized 3x3 conv H -> 2C (first C channels raw scale, last C shift);
  "mnist" has two such networks, H -> C each, one for s and one for t, as the post does.
- Weight norm by hand: w = g * v / ||v|| per output channel, g initialized to ||v||. v and the
  biases start uniform in +-1/sqrt(fan-in) (PyTorch's default conv init).
- FlowBatchNorm (momentum 0.005, eps 1e-5, no affine): in training the running averages first
  take the batch statistics (the variance unbiased) and then normalize, with gradients through
  the batch's share; in inference the running averages alone. log|det| = -1/2 sum log(var + eps)
  over every dimension.
- Loss = mean NLL + 5e-5 * sum(scale^2); Adam lr 5e-4, global gradient norm clipped at 100.
- `--precision bf16`: the s/t networks run under torch.autocast(bfloat16) (convolutions in bf16)
  and hand back Float32; the flow path, the loss and the optimizer stay Float32, as in Swift.

Modes (one JSON line each):
  --bench                      time 20 training steps after 3 warm-up steps (same keys as
                               bench/peers/torch_bench.py and `realnvp bench`, plus params)
  --train --steps N --seed S   train on Fashion-MNIST, then test bits/dim in inference mode

Run with the venv that has PyTorch, e.g.
  bench/.venv/bin/python bench/peers/torch_realnvp.py --bench --config mnist --threads 2
"""

import argparse
import gzip
import json
import math
import os
import resource
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"

# The mnist-bench and mnist configurations (Sources/RealNVP/Training/Configurations.swift).
CONFIGS = {
    "mnist-bench": dict(channels=1, height=28, width=28, scales=2, residual_blocks=2, hidden=32,
                        batch=64, learning_rate=5e-4, max_grad_norm=100.0, bn_momentum=0.005,
                        separate_st=False),
    "mnist": dict(channels=1, height=28, width=28, scales=2, residual_blocks=2, hidden=64,
                  batch=50, learning_rate=5e-4, max_grad_norm=100.0, bn_momentum=0.005,
                  separate_st=True),
}
CONFIG = dict(CONFIGS["mnist-bench"])  # the one in use; main() replaces it from --config
AUTOCAST_BF16 = False  # main() sets it from --precision
SCALE_REGULARIZATION = 5e-5


# ---------------------------------------------------------------------------------------------
# Layers (Layers/Conv2d.swift, Layers/CouplingNetworks.swift)

class Conv2d(nn.Module):
    """3x3 conv, stride 1, same padding, with bias; optional weight norm w = g * v / ||v||."""

    def __init__(self, cin, cout, weight_norm, zero=False):
        super().__init__()
        bound = 1 / math.sqrt(cin * 9)
        if zero:
            self.weight = nn.Parameter(torch.zeros(cout, cin, 3, 3))
            self.bias = nn.Parameter(torch.zeros(cout))
        else:
            self.weight = nn.Parameter(torch.empty(cout, cin, 3, 3).uniform_(-bound, bound))
            self.bias = nn.Parameter(torch.empty(cout).uniform_(-bound, bound))
        # The gain g (one per output channel) starts at ||v|| so that w starts equal to v.
        self.gain = nn.Parameter(self.weight.detach().flatten(1).norm(dim=1)) if weight_norm else None

    def kernel(self):
        if self.gain is None:
            return self.weight
        norm = self.weight.pow(2).sum(dim=(1, 2, 3), keepdim=True).sqrt()
        return self.weight * (self.gain.view(-1, 1, 1, 1) / norm)

    def forward(self, x):
        return F.conv2d(x, self.kernel(), self.bias, padding=1)


class InstanceNorm2d(nn.Module):
    """Per-sample, per-channel normalization over H x W (biased variance), affine [C]."""

    def __init__(self, channels):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(channels))
        self.offset = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return F.instance_norm(x, weight=self.scale, bias=self.offset, eps=1e-5)


class ResidualBlock(nn.Module):
    """x + conv2(relu(norm2(conv1(relu(norm1(x))))))."""

    def __init__(self, channels, weight_norm=True):
        super().__init__()
        self.norm1 = InstanceNorm2d(channels)
        self.conv1 = Conv2d(channels, channels, weight_norm)
        self.norm2 = InstanceNorm2d(channels)
        self.conv2 = Conv2d(channels, channels, weight_norm)

    def forward(self, x):
        return x + self.conv2(F.relu(self.norm2(self.conv1(F.relu(self.norm1(x))))))


class ResNet(nn.Module):
    """Input conv C -> H, residual blocks, norm + ReLU, zero-initialized conv H -> outputs."""

    def __init__(self, channels, hidden, blocks, outputs, weight_norm=True):
        super().__init__()
        self.input_conv = Conv2d(channels, hidden, weight_norm)
        self.blocks = nn.ModuleList(ResidualBlock(hidden, weight_norm) for _ in range(blocks))
        self.output_norm = InstanceNorm2d(hidden)
        self.output_conv = Conv2d(hidden, outputs, weight_norm=False, zero=True)

    def forward(self, x):
        h = self.input_conv(x)
        for block in self.blocks:
            h = block(h)
        return self.output_conv(F.relu(self.output_norm(h)))


class ResNetCouplingNetwork(ResNet):
    """One shared trunk with 2C outputs split into raw scale and shift."""

    def __init__(self, channels, hidden, blocks, weight_norm=True):
        super().__init__(channels, hidden, blocks, 2 * channels, weight_norm)

    def forward(self, x):
        raw_scale, shift = super().forward(x).chunk(2, dim=1)
        return raw_scale, shift


class SeparateResNetCouplingNetwork(nn.Module):
    """Separate s and t ResNets with C outputs each, as the post builds them."""

    def __init__(self, channels, hidden, blocks, weight_norm=True):
        super().__init__()
        self.s = ResNet(channels, hidden, blocks, channels, weight_norm)
        self.t = ResNet(channels, hidden, blocks, channels, weight_norm)

    def forward(self, x):
        return self.s(x), self.t(x)


# ---------------------------------------------------------------------------------------------
# Flows (Flows/*.swift). Each forward returns (output, log|det J| per sample [N]).

def coupling_mask(kind, parity, channels, height, width):
    """b = 1 where the coupling keeps the variable (Flows/Masks.swift)."""
    if kind == "checkerboard":
        h = torch.arange(height).view(-1, 1)
        w = torch.arange(width).view(1, -1)
        return (((h + w + parity) % 2) == 0).float().view(1, 1, height, width)
    keep_first = torch.arange(channels) < channels // 2
    return (keep_first == (parity == 0)).float().view(1, channels, 1, 1)


class AffineCoupling(nn.Module):
    def __init__(self, kind, parity, channels, height, width, hidden, blocks, separate_st=False):
        super().__init__()
        self.register_buffer("mask", coupling_mask(kind, parity, channels, height, width))
        network = SeparateResNetCouplingNetwork if separate_st else ResNetCouplingNetwork
        self.net = network(channels, hidden, blocks)
        self.scale = nn.Parameter(torch.ones(1, channels, 1, 1))

    def forward(self, x):
        b = self.mask
        free = 1 - b
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=AUTOCAST_BF16):
            raw_scale, shift = self.net(x * b)
        raw_scale, shift = raw_scale.float(), shift.float()
        s = self.scale * torch.tanh(raw_scale) * free
        t = shift * free
        return x * torch.exp(s) + t, s.sum(dim=(1, 2, 3))


class FlowBatchNorm(nn.Module):
    def __init__(self, channels, momentum, eps=1e-5):
        super().__init__()
        self.momentum, self.eps = momentum, eps
        self.register_buffer("running_mean", torch.zeros(1, channels, 1, 1))
        self.register_buffer("running_var", torch.ones(1, channels, 1, 1))

    def forward(self, x):
        mean, var = self.running_mean, self.running_var
        if self.training:
            m = self.momentum
            batch_mean = x.mean(dim=(0, 2, 3), keepdim=True)
            batch_var = x.var(dim=(0, 2, 3), keepdim=True, correction=1)  # unbiased
            mean = (1 - m) * mean + m * batch_mean
            var = (1 - m) * var + m * batch_var
            self.running_mean.copy_(mean.detach())
            self.running_var.copy_(var.detach())
        log_scale = -0.5 * torch.log(var + self.eps)
        log_det = log_scale.sum() * (x.shape[2] * x.shape[3])
        return (x - mean) * torch.exp(log_scale), log_det.expand(x.shape[0])


class Squeeze(nn.Module):
    def __init__(self):
        super().__init__()
        self.unshuffle = nn.PixelUnshuffle(2)

    def forward(self, x):
        return self.unshuffle(x), x.new_zeros(x.shape[0])


class FlowSequence(nn.ModuleList):
    def forward(self, x):
        total = x.new_zeros(x.shape[0])
        for layer in self:
            x, log_det = layer(x)
            total = total + log_det
        return x, total


# ---------------------------------------------------------------------------------------------
# The model (Model/MultiScaleRealNVP.swift, Model/Preprocessing.swift, Model/Likelihood.swift)

class MultiScaleRealNVP(nn.Module):
    def __init__(self, channels, height, width, scales, residual_blocks, hidden, bn_momentum,
                 separate_st=False, **_):
        super().__init__()
        self.dimensions = channels * height * width
        self.couplings = []

        def stack(kind, count, c, h, w, hid):
            layers = []
            for i in range(count):
                coupling = AffineCoupling(kind, i % 2, c, h, w, hid, residual_blocks, separate_st)
                self.couplings.append(coupling)
                layers += [coupling, FlowBatchNorm(c, bn_momentum)]
            return layers

        c, h, w, hid = channels, height, width, hidden
        self.scale_flows = nn.ModuleList()
        for _ in range(scales):
            layers = stack("checkerboard", 3, c, h, w, hid)
            layers.append(Squeeze())
            c, h, w = 4 * c, h // 2, w // 2
            layers += stack("channelwise", 3, c, h, w, hid)
            self.scale_flows.append(FlowSequence(layers))
            c //= 2
            hid *= 2
        self.final_flow = FlowSequence(stack("checkerboard", 4, c, h, w, hid))

    def forward_flow(self, x):
        """Preprocessed [N, C, H, W] -> flat latent [N, D] and log|det| per sample."""
        n = x.shape[0]
        log_det = x.new_zeros(n)
        parts = []
        for flow in self.scale_flows:
            out, ld = flow(x)
            log_det = log_det + ld
            factored, x = out.chunk(2, dim=1)  # the first half goes to the latent
            parts.append(factored.reshape(n, -1))
        out, ld = self.final_flow(x)
        parts.append(out.reshape(n, -1))
        return torch.cat(parts, dim=1), log_det + ld

    def negative_log_likelihood(self, pixels, generator=None, noise=None):
        """-log p(pixels) in nats per image, 256-level pixel space, uniform dequantization
        (fresh U[0, 1) noise from `generator` unless `noise` is given)."""
        if noise is None:
            noise = torch.rand(pixels.shape, generator=generator)
        x = (pixels + noise) / 256
        pre_log_det = -math.log(256) * self.dimensions
        z, flow_log_det = self.forward_flow(x)
        log_pz = -0.5 * z.pow(2).sum(dim=1) - 0.5 * math.log(2 * math.pi) * self.dimensions
        return -(log_pz + flow_log_det + pre_log_det)

    def regularization(self):
        return SCALE_REGULARIZATION * sum(c.scale.pow(2).sum() for c in self.couplings)


def bits_per_dim(nats, dimensions):
    return nats / (dimensions * math.log(2))


# ---------------------------------------------------------------------------------------------
# Data and training

def read_idx_images(path):
    """[N, 1, H, W] float32 pixels 0...255 from a gzip IDX image file."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count, rows, cols = np.frombuffer(data[:16], dtype=">i4")
    if magic != 2051 or len(data) != 16 + count * rows * cols:
        raise ValueError(f"{path}: not an IDX image file (magic {magic}, {len(data)} bytes)")
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, 1, rows, cols)
    return torch.from_numpy(pixels.astype(np.float32))


class Trainer:
    def __init__(self, model):
        self.model = model
        self.params = list(model.parameters())
        self.optimizer = torch.optim.Adam(self.params, lr=CONFIG["learning_rate"])

    def step(self, pixels, generator=None):
        """One training step; returns (loss, mean NLL) as floats."""
        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        nll = self.model.negative_log_likelihood(pixels, generator).mean()
        loss = nll + self.model.regularization()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, CONFIG["max_grad_norm"])
        self.optimizer.step()
        return loss.item(), nll.item()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_ms():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * 1000


def run_bench(args, model):
    batch = CONFIG["batch"]
    train_file = os.path.join(FASHION_MNIST, "train-images-idx3-ubyte.gz")
    if os.path.exists(train_file):
        pixels, source = read_idx_images(train_file)[:batch], "fashion-mnist"
    else:
        gen = torch.Generator().manual_seed(0)
        pixels, source = torch.randint(0, 256, (batch, 1, 28, 28), generator=gen).float(), "random"
    trainer = Trainer(model)
    for _ in range(args.warmup):
        trainer.step(pixels)
    times = []
    cpu_start = cpu_ms()
    for _ in range(args.steps):
        start = time.perf_counter()
        trainer.step(pixels)
        times.append((time.perf_counter() - start) * 1000)
    cpu_per_step = (cpu_ms() - cpu_start) / args.steps
    return {
        "config": args.config,
        "precision": args.precision,
        "batch": batch,
        "threads": args.threads,
        "steps": args.steps,
        "ms_per_step_median": round(statistics.median(times), 3),
        "ms_per_step_min": round(min(times), 3),
        "cpu_ms_per_step": round(cpu_per_step, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "params": count_parameters(model),
        "data": source,
        "torch": torch.__version__,
    }


def run_train(args, model):
    train = read_idx_images(os.path.join(FASHION_MNIST, "train-images-idx3-ubyte.gz"))
    test = read_idx_images(os.path.join(FASHION_MNIST, "t10k-images-idx3-ubyte.gz"))
    batch = CONFIG["batch"]
    steps_per_epoch = len(train) // batch  # full batches only, as Trainer.swift
    order_rng = np.random.default_rng(args.seed)
    noise = torch.Generator().manual_seed(args.seed + 1)
    trainer = Trainer(model)
    nlls = []
    start = time.perf_counter()
    order = None
    for step in range(args.steps):
        if step % steps_per_epoch == 0:
            order = torch.from_numpy(order_rng.permutation(len(train)))
        b = step % steps_per_epoch
        loss, nll = trainer.step(train[order[b * batch:(b + 1) * batch]], noise)
        if not math.isfinite(loss):
            raise RuntimeError(f"non-finite loss {loss} at step {step + 1}")
        nlls.append(nll)
    train_seconds = time.perf_counter() - start

    # Inference: running batch-norm statistics, dequantization noise from a fixed seed (1).
    model.eval()
    eval_noise = torch.Generator().manual_seed(1)
    total = 0.0
    with torch.inference_mode():
        for i in range(0, len(test), 500):
            total += model.negative_log_likelihood(test[i:i + 500], eval_noise).double().sum().item()
    dims = model.dimensions
    last = nlls[-100:]
    return {
        "config": args.config,
        "steps": args.steps,
        "seed": args.seed,
        "threads": args.threads,
        "seconds": round(train_seconds, 1),
        "eval_seconds": round(time.perf_counter() - start - train_seconds, 1),
        "test_bits_per_dim": round(bits_per_dim(total / len(test), dims), 4),
        "train_bits_per_dim_last100": round(bits_per_dim(sum(last) / len(last), dims), 4),
        "params": count_parameters(model),
    }


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--bench", action="store_true", help="time training steps")
    mode.add_argument("--train", action="store_true", help="train, then test bits/dim")
    parser.add_argument("--config", default="mnist-bench", choices=sorted(CONFIGS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=None, help="timed steps (20) or training steps (1000)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0, help="initialization, data order and noise")
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                        help="bf16: the s/t networks under torch.autocast(bfloat16)")
    args = parser.parse_args()
    global AUTOCAST_BF16
    AUTOCAST_BF16 = args.precision == "bf16"
    if args.steps is None:
        args.steps = 20 if args.bench else 1000

    CONFIG.clear()
    CONFIG.update(CONFIGS[args.config])
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = MultiScaleRealNVP(**CONFIG)
    print(json.dumps(run_bench(args, model) if args.bench else run_train(args, model)))


if __name__ == "__main__":
    main()
