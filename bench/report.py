"""Prints bench/run.sh's table from the peak lines and the JSON lines of each run.

Usage: report.py FP32_PEAK_JSON BF16_PEAK_JSON CPU_MODEL RUN_JSON...
Runs come in pairs (Swift, then PyTorch) per configuration and precision. Each row's % of peak is
against the peak of its precision: bf16 rows against the vdpbf16ps loop's, fp32 rows against the
FMA loop's.
"""

import datetime
import json
import sys


def main():
    peaks = {"fp32": json.loads(sys.argv[1]), "bf16": json.loads(sys.argv[2])}
    cpu = sys.argv[3]
    runs = [json.loads(line) for line in sys.argv[4:]]
    fp32, bf16 = peaks["fp32"], peaks["bf16"]
    print(f"{datetime.date.today()}, {cpu}, {fp32['threads']} threads; peaks measured with an "
          f"{fp32['isa']} FMA loop: {fp32['gflops']:.0f} GFLOP/s FP32, and with a vdpbf16ps loop "
          f"({bf16['isa']}): {bf16['gflops']:.0f} GFLOP/s BF16")
    print(f"{'config':<14} {'side':<8} {'prec':<5} {'ms/step':>9} {'min':>9} {'GFLOP/s':>8} {'% peak':>7} "
          f"{'RSS MB':>8}  kernels")
    by_config = {}
    for swift, torch in zip(runs[::2], runs[1::2]):
        precision = swift.get("precision", "fp32")
        gflop = swift["gflop_per_step"]
        peak = peaks.get(precision, fp32)["gflops"] or float("nan")
        for side, run in (("swift", swift), ("pytorch", torch)):
            rate = gflop / run["ms_per_step_median"] * 1e3
            kernels = (f"{run['isa']}; {run['conv_engine']}" if side == "swift" else f"torch {run['torch']}")
            print(f"{run['config']:<14} {side:<8} {run.get('precision', 'fp32'):<5} "
                  f"{run['ms_per_step_median']:9.1f} {run['ms_per_step_min']:9.1f} {rate:8.1f} "
                  f"{100 * rate / peak:6.1f}% {run['peak_rss_mb']:8.0f}  {kernels}")
        by_config.setdefault(swift["config"], {})[precision] = (swift, torch)
    print()
    for config, sides in by_config.items():
        parts = []
        torch_fp32 = sides.get("fp32", (None, None))[1]
        for precision, (swift, torch) in sides.items():
            if torch_fp32:
                parts.append(f"swift {precision} / pytorch fp32 "
                             f"{swift['ms_per_step_median'] / torch_fp32['ms_per_step_median']:.2f}")
            if precision != "fp32" and torch_fp32:
                parts.append(f"pytorch {precision} / pytorch fp32 "
                             f"{torch['ms_per_step_median'] / torch_fp32['ms_per_step_median']:.2f}")
            parts.append(f"RSS swift/pytorch {precision} {swift['peak_rss_mb'] / torch['peak_rss_mb']:.2f}")
        print(f"{config:<14} " + "; ".join(parts))


if __name__ == "__main__":
    main()
