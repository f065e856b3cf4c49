"""Summarizes lockstep runs: one row per side per run directory.

Reads DIR/swift.json (bench/parity/swift/Lockstep.swift) and, where present, DIR/torch.json
(bench/parity/peers/torch_lockstep.py) and prints, for each side: its thread count, the test bits/dim on
all test images after the last step, the mean and sd of the tail readout (1000 test images after
each of the last TAIL_STEPS steps), and the mean training loss over the last 300 steps in
bits/dim. Every training batch is seen for the first time (800 steps of 64 images are less than
one epoch of Fashion-MNIST), so that mean is a held-out estimate that averages over many steps;
it includes the 5e-5 * sum(scale^2) regularizer.

For every directory that holds both sides at the same known thread count, a second table gives
the gaps, Swift minus PyTorch, and their mean over those directories ± its standard error (pairs
must be independent runs for that standard error to mean anything: one seed per directory).

Usage: python3 bench/parity/summary.py DIR [DIR ...]   (standard library only)
"""

import json
import math
import os
import statistics
import sys

PIXELS = 28 * 28  # Fashion-MNIST dimensions per image
WINDOW = 300  # training steps averaged at the end of the run


def bits(nats_per_image):
    return nats_per_image / (PIXELS * math.log(2))


def side_row(directory, name):
    path = os.path.join(directory, f"{name}.json")
    if not os.path.exists(path):
        return None
    with open(path) as file:
        run = json.load(file)
    steps = run["steps"]
    tail = [s["tailTestBitsPerDim"] for s in steps if "tailTestBitsPerDim" in s]
    losses = [s["loss"] for s in steps[-WINDOW:]]
    threads = int(run["threads"]) if "threads" in run else None
    return {
        "threads": threads,
        "steps": len(steps),
        "final": run["testBitsPerDim"],
        "tail": (statistics.mean(tail), statistics.stdev(tail), len(tail)) if len(tail) > 1 else None,
        "loss": (bits(statistics.mean(losses)), bits(statistics.stdev(losses) / math.sqrt(len(losses)))),
        "seconds": run["trainSeconds"],
    }


def print_gaps(pairs):
    """Swift minus PyTorch per pair of rows, then the mean gap ± its standard error."""
    columns = {"final": lambda r: r["final"],
               "tail": lambda r: r["tail"][0] if r["tail"] else None,
               "loss": lambda r: r["loss"][0]}
    print(f"\n{'gap, Swift - PyTorch':<28} " + " ".join(f"{c:>9}" for c in columns))
    gaps = {c: [] for c in columns}
    for name, swift, torch in pairs:
        cells = []
        for column, value in columns.items():
            if value(swift) is None or value(torch) is None:
                cells.append(f"{'-':>9}")
                continue
            gaps[column].append(value(swift) - value(torch))
            cells.append(f"{gaps[column][-1]:>+9.3f}")
        print(f"{name:<28} " + " ".join(cells))
    summary = []
    for column in columns:
        values = gaps[column]
        if len(values) > 1:
            se = statistics.stdev(values) / math.sqrt(len(values))
            summary.append(f"{column} {statistics.mean(values):+.3f} ± {se:.3f} ({len(values)} pairs)")
    if summary:
        print("mean gap ± se: " + ", ".join(summary))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    pairs = []
    print(f"{'run':<28} {'side':<6} {'thr':>3} {'steps':>5} {'final':>7} {'tail mean ± sd (n)':>22} "
          f"{f'loss, last {WINDOW} ± se':>22} {'train s':>8}")
    for directory in sys.argv[1:]:
        run = os.path.basename(os.path.normpath(directory))
        rows = {}
        for name in ("swift", "torch"):
            row = rows[name] = side_row(directory, name)
            if row is None:
                continue
            tail = "{:.3f} ± {:.3f} ({})".format(*row["tail"]) if row["tail"] else "-"
            loss = "{:.3f} ± {:.3f}".format(*row["loss"])
            threads = str(row["threads"]) if row["threads"] else "?"
            print(f"{run:<28} {name:<6} {threads:>3} "
                  f"{row['steps']:>5} {row['final']:>7.3f} {tail:>22} {loss:>22} {row['seconds']:>8.0f}")
        swift, torch = rows["swift"], rows["torch"]
        # Unequal or unknown threads: a swift.json copied from another run, not a pair.
        if swift and torch and swift["threads"] is not None and swift["threads"] == torch["threads"]:
            pairs.append((run, swift, torch))
    if pairs:
        print_gaps(pairs)


if __name__ == "__main__":
    main()
