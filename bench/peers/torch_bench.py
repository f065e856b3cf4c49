"""PyTorch CPU eager peer for `realnvp bench`: same configurations, shapes, batch and threads.

Prints one JSON line per run with the same keys as the Swift benchmark:
config, precision, batch, threads, steps, ms_per_step_median, ms_per_step_min, peak_rss_mb.
With `--precision bf16` the convolution runs under torch.autocast(bfloat16).
"""

import argparse
import json
import statistics
import time

import torch


def peak_rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def conv3x3_step(batch, channels, side, bf16):
    """3x3 conv with bias, channels->channels, side x side: forward, then d/dx, d/dw, d/db of
    sum(conv(x) * g) for a fixed g."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(batch, channels, side, side, generator=gen, requires_grad=True)
    weight = (torch.randn(channels, channels, 3, 3, generator=gen) * 0.05).requires_grad_()
    bias = torch.zeros(channels, requires_grad=True)
    g = torch.randn(batch, channels, side, side, generator=gen)

    def step():
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out = torch.nn.functional.conv2d(x, weight, bias, padding=1)
        loss = (out.float() * g).sum()
        grads = torch.autograd.grad(loss, [x, weight, bias])
        assert len(grads) == 3

    return step


CONFIGS = {
    "conv3x3-64": (64, lambda batch, bf16: conv3x3_step(batch, 64, 14, bf16)),
    "conv3x3-32x28": (64, lambda batch, bf16: conv3x3_step(batch, 32, 28, bf16)),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="conv3x3-64", choices=sorted(CONFIGS))
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    batch, make_step = CONFIGS[args.config]
    step = make_step(batch, args.precision == "bf16")
    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({
        "config": args.config,
        "precision": args.precision,
        "batch": batch,
        "threads": args.threads,
        "steps": args.steps,
        "ms_per_step_median": round(statistics.median(times), 3),
        "ms_per_step_min": round(min(times), 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
