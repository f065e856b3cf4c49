#!/usr/bin/env python3
"""Kernel latency benchmark through jupyter_client; prints one JSON object per line.

Measures start-up (start_kernel until the kernel answers kernel_info), the round trip of a
trivial cell and of a printing cell (execute_request sent until both the execute_reply and the
idle status arrived), and of a member completion once the completer is warm, reporting p50 / p95
over --runs repetitions after --warmup runs.

    .venv/bin/python scripts/kernel-latency.py --kernel swift-realnvp
    .venv/bin/python scripts/kernel-latency.py --kernel python3          # ipykernel, for comparison

For ipykernel, install it once into the venv (`pip install ipykernel`); its kernelspec `python3`
is found automatically. Both cells are valid Swift and valid Python.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time

from jupyter_client.manager import KernelManager

# The same text is valid Swift and valid Python.
CELLS = {"trivial": "1 + 1", "print": 'print("hello")'}
# Completes to `count` in both languages; the last number changes with every request, so that
# no completer answers from a cache.
COMPLETION = "[1, 2, {}].co"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def round_trip(kc, code: str, timeout: float) -> float:
    """Seconds from sending execute_request until its reply and its idle status both arrived."""
    start = time.perf_counter()
    msg_id = kc.execute(code)
    got_reply = got_idle = False
    while not (got_reply and got_idle):
        if not got_reply:
            reply = kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                if reply["content"]["status"] != "ok":
                    raise RuntimeError(f"cell {code!r} failed: {reply['content']}")
                got_reply = True
        if not got_idle:
            msg = kc.get_iopub_msg(timeout=timeout)
            if (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"
            ):
                got_idle = True
    return time.perf_counter() - start


def complete_round_trip(kc, code: str, timeout: float) -> tuple[float, list[str]]:
    """Seconds from sending complete_request (cursor at the end) until its reply; the matches."""
    start = time.perf_counter()
    msg_id = kc.complete(code, len(code))
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return time.perf_counter() - start, reply["content"]["matches"]


def completion_latency(kc, runs: int, timeout: float) -> dict:
    """Completion of a member (`count` of an array literal) once the kernel's completer answers
    it: Swift's language server needs a moment after start-up, and until then the kernel answers
    from its index, which does not know an expression's members."""
    deadline = time.monotonic() + 120
    while "count" not in complete_round_trip(kc, COMPLETION.format(0), timeout)[1]:
        if time.monotonic() > deadline:
            raise RuntimeError(f"no completion of {COMPLETION!r} offered `count` within 120 s")
        time.sleep(0.5)
    times = []
    for run in range(1, runs + 1):
        seconds, matches = complete_round_trip(kc, COMPLETION.format(run), timeout)
        if "count" not in matches:
            raise RuntimeError(f"completion of {COMPLETION.format(run)!r} lacks `count`: {matches[:10]}")
        times.append(seconds)
    return {
        "metric": "completion_ms",
        "code": COMPLETION.format("N"),
        "p50": round(percentile(times, 50) * 1000, 2),
        "p95": round(percentile(times, 95) * 1000, 2),
        "n": len(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", default="swift-realnvp", help="kernelspec name (python3 for ipykernel)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per cell")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per cell first")
    parser.add_argument("--starts", type=int, default=3, help="kernel start-ups to time")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()

    common = {"kernel": args.kernel, "machine": platform.node()}
    startups: list[float] = []
    for attempt in range(args.starts):
        km = KernelManager(kernel_name=args.kernel)
        start = time.perf_counter()
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=args.timeout)
        startups.append(time.perf_counter() - start)
        if attempt + 1 < args.starts:
            kc.stop_channels()
            km.shutdown_kernel(now=False)
    print(
        json.dumps(
            {
                **common,
                "metric": "startup_s",
                "p50": round(statistics.median(startups), 3),
                "max": round(max(startups), 3),
                "n": len(startups),
            }
        )
    )

    try:
        for name, code in CELLS.items():
            for _ in range(args.warmup):
                round_trip(kc, code, args.timeout)
            times = [round_trip(kc, code, args.timeout) for _ in range(args.runs)]
            print(
                json.dumps(
                    {
                        **common,
                        "metric": f"{name}_cell_ms",
                        "code": code,
                        "p50": round(percentile(times, 50) * 1000, 2),
                        "p95": round(percentile(times, 95) * 1000, 2),
                        "min": round(min(times) * 1000, 2),
                        "n": len(times),
                    }
                )
            )
        print(json.dumps({**common, **completion_latency(kc, args.runs, args.timeout)}))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


if __name__ == "__main__":
    main()
