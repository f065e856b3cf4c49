#!/usr/bin/env bash
# Gradient check at a trained state: the Swift library and the PyTorch peer (float32 and float64)
# compute the mnist-bench loss and gradient at CHECKPOINT on saved batch STEP of a lockstep run,
# and the errors of both float32 gradients against float64 are printed side by side.
# Usage: bench/parity/gradient-check.sh DIR [STEP] [CHECKPOINT]
#   DIR: a bench/parity/lockstep.sh output folder; STEP: default its last batch; CHECKPOINT: default
#   DIR/final.safetensors. (PyTorch from bench/.venv or $TORCH_PYTHON.) PRECISION=bf16 runs the Swift
#   side's convolutions in bfloat16 (the float32 and float64 references stay as they are).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/parity/harness.sh
dir="${1:?usage: bench/parity/gradient-check.sh DIR [STEP] [CHECKPOINT]}"
steps=$("$python" -c "import json, sys; print(len(json.load(open(sys.argv[1]))['steps']))" "$dir/swift.json")
step="${2:-$((steps - 1))}"
checkpoint="${3:-$dir/final.safetensors}"
build_harness bench/parity/swift/GradientAt.swift "$dir/gradient-at"
"$dir/gradient-at" "$checkpoint" "$dir/data.safetensors" "$step" "$dir/gradients-swift.safetensors"
"$python" bench/parity/peers/torch_gradient_check.py "$checkpoint" "$dir/data.safetensors" "$step" \
  "$dir/gradients-swift.safetensors"
