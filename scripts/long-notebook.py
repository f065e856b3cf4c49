#!/usr/bin/env python3
"""Latency of a long notebook and memory of many kernels, through jupyter_client.

Runs --cells cells that each declare a global and print it (`let vN = N * 2` and `print(vN)`,
and every tenth cell also reads the previous cell's global), and prints the p50 round trip of
each block of ten cells and the executor's resident memory at the end. Then starts --kernels
kernels at once, has each answer two cells with its own number, checking the results, and prints
their total resident memory (kernels, executors and their snapshots: the sum of each process's
RSS, which counts pages that processes share in each, and of its PSS, which shares them out).

    .venv/bin/python scripts/long-notebook.py --cells 1000 --kernels 10
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from jupyter_client.manager import KernelManager

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kernel_cells import run_cell  # noqa: E402
latency = __import__("kernel-latency")


def tree_rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process and its descendants, in MB (from /proc): VmRSS, or Pss."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack += children.get(current, [])
        source = "status" if field == "VmRSS" else "smaps_rollup"
        try:
            for line in Path(f"/proc/{current}/{source}").read_text().splitlines():
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def long_notebook(kernel: str, cells: int, timeout: float) -> dict:
    km = KernelManager(kernel_name=kernel)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    times = []
    try:
        for n in range(1, cells + 1):
            code = f"let v{n} = {n} * 2\nprint(v{n})"
            if n % 10 == 0 and n > 1:
                code += f"\nprint(v{n - 1} + 1)"
            times.append(latency.round_trip(kc, code, timeout))
        blocks = {
            f"{start + 1}-{min(start + 10, cells)}": round(1000 * statistics.median(times[start:start + 10]), 1)
            for start in range(0, cells, 10)
        }
        rss = tree_rss_mb(km.provisioner.process.pid)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {"metric": "long_notebook_p50_ms_per_block", "cells": cells, "blocks": blocks,
            "kernel_and_executor_rss_mb": round(rss, 1)}


def many_kernels(kernel: str, count: int, timeout: float) -> dict:
    managers = []
    try:
        for _ in range(count):
            km = KernelManager(kernel_name=kernel)
            km.start_kernel()
            managers.append(km)
        clients = []
        for km in managers:
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=120)
            clients.append(kc)
        # Each kernel answers with its own number: once each, then again with all of them holding
        # state.
        first, second = [], []
        for number, kc in enumerate(clients):
            first.append(answer(kc, f"let kernelNumber = {number}\nkernelNumber * 10", str(number * 10), timeout))
        for number, kc in enumerate(clients):
            second.append(answer(kc, "kernelNumber + 1", str(number + 1), timeout))
        pids = [km.provisioner.process.pid for km in managers]
        rss = sum(tree_rss_mb(pid) for pid in pids)
        pss = sum(tree_rss_mb(pid, "Pss") for pid in pids)
        for kc in clients:
            kc.stop_channels()
    finally:
        for km in managers:
            km.shutdown_kernel(now=True)
    return {"metric": "many_kernels", "kernels": count, "answered": len(second), "first_cell_ms": first,
            "second_cell_ms": second, "total_rss_mb": round(rss, 1), "total_pss_mb": round(pss, 1)}


def answer(kc, code: str, expected: str, timeout: float) -> float:
    """Milliseconds until `code`'s reply and idle status; fails unless its result is `expected`."""
    start = time.perf_counter()
    reply, result = run_cell(kc, code, timeout)
    if reply["status"] != "ok" or result != expected:
        raise RuntimeError(f"cell {code!r} answered {result!r}, not {expected!r}: {reply}")
    return round(1000 * (time.perf_counter() - start), 1)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kernel", default="swift-realnvp")
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--kernels", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    print(json.dumps({"metric": "machine", "date": time.strftime("%Y-%m-%d %H:%M"), "cpu": cpu_model(),
                      "load": os.getloadavg()}))
    if args.cells:
        print(json.dumps(long_notebook(args.kernel, args.cells, args.timeout)), flush=True)
    if args.kernels:
        print(json.dumps(many_kernels(args.kernel, args.kernels, args.timeout)), flush=True)


if __name__ == "__main__":
    main()
