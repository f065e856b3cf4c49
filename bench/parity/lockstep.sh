#!/usr/bin/env bash
# Lockstep check of the Swift library against the PyTorch peer: both take the same STEPS Adam
# steps of mnist-bench from the same initial parameters, on the same batches with the same
# dequantization noise; prints the per-step losses side by side and both final test bits/dim.
# With TAIL_STEPS > 0 both sides also evaluate the first 1000 test images after each of the last
# TAIL_STEPS steps, which shows how much the readout after one fixed step moves from step to step.
# Usage: bench/parity/lockstep.sh [STEPS] [SEED] [TEST_IMAGES] [TAIL_STEPS]
#   (PyTorch from bench/.venv or $TORCH_PYTHON; THREADS sets both sides' threads, default every
#   core; LOCKSTEP_DIR keeps the files: swift.json and torch.json hold each side's per-step record)
# TOGETHER=1 runs the two sides at the same time, 1 thread each unless THREADS says otherwise (more
# runs per hour on 2 cores, but each side's time is then measured on a shared machine), and prints
# bench/parity/summary.py's rows in place of the step-by-step comparison.
set -euo pipefail
cd "$(dirname "$0")/../.."
steps="${1:-30}"
seed="${2:-0}"
test_images="${3:-2000}"
tail_steps="${4:-0}"
source bench/parity/harness.sh
work="${LOCKSTEP_DIR:-$(mktemp -d)}"
mkdir -p "$work"
build_harness bench/parity/swift/Lockstep.swift "$work/lockstep"
if [[ "${TOGETHER:-0}" == 1 ]]; then
  export THREADS="${THREADS:-1}"
  rm -f "$work/data.safetensors" "$work/swift.json" "$work/torch.json"  # from an earlier run
  "$work/lockstep" "$steps" "$work" "$seed" "$test_images" "$tail_steps" >"$work/swift.log" &
  swift_side=$!
  trap 'kill "$swift_side" 2>/dev/null || true' EXIT  # a failed peer stops the Swift side too
  until [[ -f "$work/data.safetensors" ]]; do  # written (atomically) before the first Swift step
    kill -0 "$swift_side" 2>/dev/null || { wait "$swift_side"; exit 1; }
    sleep 2
  done
  "$python" bench/parity/peers/torch_lockstep.py "$work" "$tail_steps" >"$work/torch.log"
  wait "$swift_side"
  python3 bench/parity/summary.py "$work"
else
  "$work/lockstep" "$steps" "$work" "$seed" "$test_images" "$tail_steps"
  "$python" bench/parity/peers/torch_lockstep.py "$work"
fi
echo "files: $work"
