#!/usr/bin/env python3
"""Cells that allocate more than the executor may have, through jupyter_client.

Starts a kernel whose executor's address space is limited (REALNVP_EXECUTOR_MEMORY, default 1G:
the executor starts with about 0.3 GiB of it in use), defines state, then runs --cells cells
that each change that state and then run out of memory in one of several ways, picked by --seed:
one huge tensor, one huge array, one huge Data, or 16 to 256 MiB at a time until nothing fits.
After each: the reply is a MemoryError that says the cell ran out of memory and rolled back,
the state is what it was before the cell, and a cell that fits runs and changes it. Prints a
JSON summary (the last line) with the counts and the kernel's and executor's RSS at the start
and the end; exits 1 if anything was lost.

    .venv/bin/python scripts/out-of-memory.py --cells 50 --seed 1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

from jupyter_client.manager import KernelManager

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kernel_cells import run_cell  # noqa: E402
memory = __import__("long-notebook")

WAYS = {
    "tensor": lambda r: f"let huge = Tensor.zeros([{r.choice([1, 4, 16])} << 14, 1 << 16])\nprint(huge.shape)",
    "array": lambda r: f"let huge = [Double](repeating: 1, count: {r.choice([1, 3, 8])} << 28)\nprint(huge.count)",
    "data": lambda r: f"let huge = Data(count: {r.choice([2, 5, 40])} << 30)\nprint(huge.count)",
    "gradual": lambda r: (f"var chunks: [[UInt8]] = []\nwhile true {{ chunks.append([UInt8](repeating: 1, "
                          f"count: {r.choice([16, 64, 256])} << 20)) }}"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=50)
    parser.add_argument("--limit", default="1G", help="REALNVP_EXECUTOR_MEMORY")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kernel", default="swift-realnvp")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failures: list[str] = []
    ways: dict[str, int] = {}
    memory_errors = 0
    km = KernelManager(kernel_name=args.kernel)
    km.start_kernel(env={**os.environ, "REALNVP_EXECUTOR_MEMORY": args.limit})
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=args.timeout)
        content, _ = run_cell(kc, "var counter = 0\nlet kept = Tensor.zeros([256, 1024]) + 1", args.timeout)
        assert content["status"] == "ok", content
        rss_start = memory.tree_rss_mb(km.provisioner.process.pid)
        for cell in range(1, args.cells + 1):
            way = rng.choice(sorted(WAYS))
            ways[way] = ways.get(way, 0) + 1
            content, _ = run_cell(kc, "counter += 1000\n" + WAYS[way](rng), args.timeout)
            evalue = content.get("evalue", "")
            if (content["status"] == "error" and content.get("ename") == "MemoryError"
                    and "ran out of memory" in evalue and evalue.endswith("the cell was rolled back")):
                memory_errors += 1
            else:
                failures.append(f"cell {cell} ({way}): {content.get('ename')}: {evalue}")
            _, state = run_cell(kc, "counter * 1000 + Int(kept.sum().item())", args.timeout)
            if state != str((cell - 1) * 1000 + 256 * 1024):
                failures.append(f"cell {cell} ({way}): state after it is {state}, not {(cell - 1) * 1000 + 262144}")
            content, _ = run_cell(kc, "counter += 1", args.timeout)
            if content["status"] != "ok":
                failures.append(f"cell {cell}: the cell after it failed: {content}")
            print(json.dumps({"cell": cell, "way": way, "error": evalue}), flush=True)
        rss_end = memory.tree_rss_mb(km.provisioner.process.pid)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    summary = {"metric": "out_of_memory", "limit": args.limit, "cells": args.cells, "ways": ways,
               "memory_errors_rolled_back": memory_errors,
               "failures": failures, "kernel_and_executor_rss_mb": [round(rss_start, 1), round(rss_end, 1)]}
    print(json.dumps(summary))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
