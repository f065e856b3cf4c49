#!/usr/bin/env python3
"""Measures what the executor's snapshot (the forked copy of the state before a cell) costs.

Starts the installed kernel through jupyter_client, trains a small Fashion-MNIST Real NVP (or the
2D flow with --toy), then runs a cell that sleeps and one that trains while both processes are
sampled from /proc: RSS, PSS and private (unshared) memory of the live executor and of the
snapshot. The snapshot's real cost is its private memory: pages the running cell changed since
the fork, which copy-on-write had to duplicate.

Usage: .venv/bin/python scripts/snapshot-memory.py [--toy | --full]
(default: the mnistQuick architecture on 2000 images; --full: the mnist architecture, 2 scales
and 64 hidden channels, on 256 images; --toy: the 2D flow on moons)
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from jupyter_client.manager import KernelManager

SETUP = """
let data = try Datasets.fashionMNIST(split: .train, limit: LIMIT)
let model = MultiScaleRealNVP(ExperimentConfiguration.CONFIG.model.architecture!, seed: 0)
let history = try train(model, on: data, options: TrainingOptions(epochs: 1, batchSize: 32), journal: nil)
print("parameters", model.parameters.count)
"""
TOY_SETUP = """
let data = Datasets.moons(count: 4000, noise: 0.05, seed: 0)
let model = RealNVP2D(couplings: 8, hidden: 256)
let history = try train(model, on: data, options: TrainingOptions(epochs: 20, batchSize: 100), journal: nil)
"""
TRAIN_AGAIN = "let again = try train(model, on: data, options: TrainingOptions(epochs: 1, batchSize: 32), journal: nil)"


def memory(pid: int) -> dict[str, int]:
    """kB figures from /proc/PID/smaps_rollup."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, rest = line.split(":", 1)
        values[key] = int(rest.split()[0])
    values["Private"] = values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)
    return values


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def live_and_snapshot(kernel_pid: int) -> tuple[int, int] | None:
    """(live executor, its snapshot) while a cell runs: the snapshot is the live one's child."""
    for executor in children(kernel_pid):
        if "realnvp-executor" not in Path(f"/proc/{executor}/cmdline").read_text():
            continue
        snapshots = [c for c in children(executor) if "realnvp-executor" in Path(f"/proc/{c}/cmdline").read_text()]
        if snapshots:
            return executor, snapshots[0]
    return None


def sample_during(kc, kernel_pid: int, code: str, label: str) -> None:
    peaks: dict[str, dict[str, int]] = {}

    def watch(stop: threading.Event) -> None:
        while not stop.is_set():
            pair = live_and_snapshot(kernel_pid)
            if pair:
                try:
                    for name, pid in zip(("live", "snapshot"), pair):
                        now = memory(pid)
                        best = peaks.setdefault(name, now)
                        for key, value in now.items():
                            best[key] = max(best.get(key, 0), value)
                except OSError:
                    pass
            time.sleep(0.2)

    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(stop,))
    thread.start()
    reply = kc.execute_interactive(code, timeout=3600, output_hook=lambda msg: None)
    stop.set()
    thread.join()
    assert reply["content"]["status"] == "ok", reply["content"]
    print(f"\n{label} (peak kB while the cell ran)")
    print(f"{'process':10} {'RSS':>10} {'PSS':>10} {'private':>10} {'shared':>10}")
    for name, values in peaks.items():
        shared = values.get("Shared_Clean", 0) + values.get("Shared_Dirty", 0)
        print(f"{name:10} {values['Rss']:>10} {values['Pss']:>10} {values['Private']:>10} {shared:>10}")


def main() -> None:
    km = KernelManager(kernel_name="swift-realnvp")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    try:
        full = "--full" in sys.argv
        setup = SETUP.replace("CONFIG", "mnist" if full else "mnistQuick").replace("LIMIT", "256" if full else "2000")
        setup = TOY_SETUP if "--toy" in sys.argv else setup
        reply = kc.execute_interactive(setup, timeout=3600, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok", reply["content"]
        kernel_pid = km.provisioner.process.pid
        sample_during(kc, kernel_pid, "usleep(3_000_000)", "a cell that only waits")
        train = TRAIN_AGAIN if "--toy" not in sys.argv else TRAIN_AGAIN.replace("epochs: 1, batchSize: 32", "epochs: 5, batchSize: 100")
        sample_during(kc, kernel_pid, train, "a cell that trains the model further")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
