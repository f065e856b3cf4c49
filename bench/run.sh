#!/usr/bin/env bash
# The performance suite: this machine's measured FP32 peak, then each configuration timed in Swift
# and in the PyTorch peer in the same run, side by side: ms per step, GFLOP/s, % of the peak at
# that thread count, peak RSS, and the kernels that ran. Nothing in the environment needs setting.
# Usage: bench/run.sh [CONFIG|all] [THREADS]
#   CONFIG: conv3x3-64, conv3x3-32x28, mnist-bench, mnist, or all (the default: conv3x3-64,
#   mnist-bench, mnist); THREADS: default 2. STEPS sets the timed steps (default 20, 6 for mnist).
#   PyTorch comes from bench/.venv (bench/setup-peer.sh) or $TORCH_PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
threads="${2:-2}"
python="${TORCH_PYTHON:-bench/.venv/bin/python}"
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "PyTorch not found for $python; install it with bench/setup-peer.sh" >&2
  exit 1
fi
if [ "$which" = all ]; then configs=(conv3x3-64 mnist-bench mnist); else configs=("$which"); fi

swift build -c release --product realnvp >/dev/null
peak_tool="$(mktemp -d)/fma_peak"
cc -O2 -march=native -pthread bench/peak/fma_peak.c -o "$peak_tool"
peak="$("$peak_tool" "$threads")"

lines=()
for config in "${configs[@]}"; do
  steps="${STEPS:-$([ "$config" = mnist ] && echo 6 || echo 20)}"
  swift_line="$(.build/release/realnvp bench --config "$config" --threads "$threads" --steps "$steps")"
  case "$config" in
    mnist-bench | mnist)
      torch_line="$("$python" bench/peers/torch_realnvp.py --bench --config "$config" --threads "$threads" \
        --steps "$steps")" ;;
    *) torch_line="$("$python" bench/peers/torch_bench.py --config "$config" --threads "$threads" --steps "$steps")" ;;
  esac
  lines+=("$swift_line" "$torch_line")
done

python3 - "$peak" "$(lscpu | sed -n 's/^Model name: *//p')" "${lines[@]}" <<'PY'
import json, sys, datetime
peak = json.loads(sys.argv[1])
cpu = sys.argv[2]
runs = [json.loads(line) for line in sys.argv[3:]]
print(f"{datetime.date.today()}, {cpu}, {peak['threads']} threads; FP32 peak measured with an "
      f"{peak['isa']} FMA loop: {peak['gflops']:.0f} GFLOP/s")
print(f"{'config':<14} {'side':<8} {'ms/step':>9} {'min':>9} {'GFLOP/s':>8} {'% peak':>7} {'RSS MB':>8}  kernels")
for swift, torch in zip(runs[::2], runs[1::2]):
    gflop = swift["gflop_per_step"]
    for side, run in (("swift", swift), ("pytorch", torch)):
        rate = gflop / run["ms_per_step_median"] * 1e3
        kernels = (f"{run['isa']}; {run['conv_engine']}; {run['gemm']}" if side == "swift"
                   else f"torch {run['torch']}")
        print(f"{run['config']:<14} {side:<8} {run['ms_per_step_median']:9.1f} {run['ms_per_step_min']:9.1f} "
              f"{rate:8.1f} {100 * rate / peak['gflops']:6.1f}% {run['peak_rss_mb']:8.0f}  {kernels}")
    ratio = swift["ms_per_step_median"] / torch["ms_per_step_median"]
    print(f"{'':<14} swift/pytorch {ratio:.2f} (median ms per step; {gflop:.1f} GFLOP per step)")
PY
