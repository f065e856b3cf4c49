#!/usr/bin/env bash
# The performance suite: this machine's measured FP32 and BF16 peaks, then each configuration
# timed in Swift and in the PyTorch peer in the same run, fp32 and bf16, alternating: ms per step,
# GFLOP/s, % of the peak of that precision at that thread count, peak RSS, and the kernels that
# ran. Nothing in the environment needs setting.
# Usage: bench/run.sh [CONFIG|all] [THREADS]
#   CONFIG: conv3x3-64, conv3x3-32x28, mnist-bench, mnist, or all (the default: conv3x3-64,
#   mnist-bench, mnist); THREADS: default 2. STEPS sets the timed steps (default 20, 6 for mnist);
#   PRECISIONS="fp32" leaves out bf16. PyTorch comes from bench/.venv (bench/setup-peer.sh) or
#   $TORCH_PYTHON.
# It ends with mnist-bench trained for MPI_STEPS steps (default 12) with `realnvp train`: one
# process on THREADS threads against THREADS replica threads of one thread (--replicas) and, where
# Open MPI is installed, THREADS MPI ranks of one thread each (MPI=0 leaves those out).
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
threads="${2:-2}"
precisions="${PRECISIONS:-fp32 bf16}"
python="${TORCH_PYTHON:-bench/.venv/bin/python}"
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "PyTorch not found for $python; install it with bench/setup-peer.sh" >&2
  exit 1
fi
if [ "$which" = all ]; then configs=(conv3x3-64 mnist-bench mnist); else configs=("$which"); fi

# Built the way scripts/setup.sh builds (with the MPI trait where Open MPI is installed), so that
# the bench never replaces the set-up's binaries with differently built ones.
source scripts/common.sh
build_release >/dev/null
mpi="${MPI:-1}"
if [ "$mpi" != 1 ] || ! command -v mpirun >/dev/null || ! pkg-config --exists ompi-c 2>/dev/null; then mpi=0; fi
tools="$(mktemp -d)"
cc -O2 -march=native -pthread bench/peak/fma_peak.c -o "$tools/fma_peak"
cc -O2 -march=native -pthread bench/peak/bf16_peak.c -o "$tools/bf16_peak"
peak="$("$tools/fma_peak" "$threads")"
bf16_peak="$("$tools/bf16_peak" "$threads")"

lines=()
for config in "${configs[@]}"; do
  steps="${STEPS:-$([ "$config" = mnist ] && echo 6 || echo 20)}"
  for precision in $precisions; do
    lines+=("$(.build/release/realnvp bench --config "$config" --threads "$threads" --steps "$steps" \
      --precision "$precision")")
    case "$config" in
      mnist-bench | mnist)
        lines+=("$("$python" bench/peers/torch_realnvp.py --bench --config "$config" --threads "$threads" \
          --steps "$steps" --precision "$precision")") ;;
      *) lines+=("$("$python" bench/peers/torch_bench.py --config "$config" --threads "$threads" \
          --steps "$steps" --precision "$precision")") ;;
    esac
  done
done

python3 bench/report.py "$peak" "$bf16_peak" "$(lscpu | sed -n 's/^Model name: *//p')" "${lines[@]}"

# ms per training step from the journal's samples per second (every step of one epoch, the first
# included; validation excluded): one process on THREADS threads, THREADS replica threads of one
# thread in one process (--replicas), and where Open MPI is installed THREADS MPI ranks of one
# thread.
journal="$tools/journal"
train() {  # train THREADS_PER_PROCESS REPLICAS LAUNCHER... (the launcher ends with the realnvp tool)
  local per_process="$1" replicas="$2"
  shift 2
  "$@" train --config mnist-bench --data fashion-mnist --epochs 1 --max-steps-per-epoch "${MPI_STEPS:-12}" \
    --max-validation-samples 64 --threads "$per_process" --replicas "$replicas" --journal "$journal" \
    --checkpoint-directory "$tools/checkpoints" >/dev/null
  local id
  id="$(.build/release/realnvp journal list --journal "$journal" | tail -n 1 | cut -d' ' -f1)"
  .build/release/realnvp journal show "$id" --journal "$journal" | sed -n '/^{/,$p' \
    | python3 -c 'import json, sys; r = json.load(sys.stdin); print(1000 * r["options"]["batchSize"] / r["epochs"][0]["samplesPerSecond"])'
}
one="$(train "$threads" 1 .build/release/realnvp)"
replicas="$(train 1 "$threads" .build/release/realnvp)"
ranks=""
if [ "$mpi" = 1 ]; then
  ranks="$(train 1 1 mpirun --allow-run-as-root --oversubscribe -np "$threads" .build/release/realnvp)"
fi
python3 - "$threads" "$one" "$replicas" "$ranks" <<'PY'
import sys
threads, one, replicas = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
line = (f"\nmnist-bench training, ms per step: one process on {threads} threads {one:.1f}, "
        f"{threads} replica threads of 1 thread {replicas:.1f} (one process / replicas {one / replicas:.2f})")
if sys.argv[4]:
    ranks = float(sys.argv[4])
    line += f", {threads} MPI ranks of 1 thread {ranks:.1f} (one process / ranks {one / ranks:.2f})"
print(line)
PY
