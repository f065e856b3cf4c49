#!/usr/bin/env bash
# bf16 against fp32 on quality: mnist-bench trained for one MNIST epoch from the same
# initialization in each precision, for each seed, then every final model evaluated on all 10,000
# test images over 3 dequantization noise draws. Same seed, same initial parameters, data order and
# noise: the two precisions' curves differ only by precision, and the seeds' spread says how far
# apart two fp32 runs land anyway. bench/quality/report.py draws the curves and the table.
# Usage: bench/quality/run.sh [OUT] [SEEDS]   (defaults: runs/bf16-quality, "1 2"; THREADS=2)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-runs/bf16-quality}"
seeds="${2:-1 2}"
threads="${THREADS:-2}"
source scripts/common.sh
build_release >/dev/null
realnvp="$(swift build -c release --show-bin-path)/realnvp"
for seed in $seeds; do
  for precision in fp32 bf16; do
    dir="$out/$precision-s$seed"
    mkdir -p "$dir"
    # Standard error is a file here, so the progress bar writes a plain line every 10 s.
    "$realnvp" train --config mnist-bench --data mnist --epochs 1 --seed "$seed" \
      --precision "$precision" --threads "$threads" --checkpoint-directory "$dir" \
      --journal "$out/journal" --note "bf16 quality: $precision, seed $seed" >"$dir/train.log" 2>&1
    "$realnvp" evaluate --config mnist-bench --data mnist --checkpoint "$dir/mnist-bench.safetensors" \
      --noise-seeds 1,2,3 --threads "$threads" >"$dir/eval.txt" 2>&1
  done
done
.venv/bin/python bench/quality/report.py "$out"
