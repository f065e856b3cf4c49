#!/usr/bin/env bash
# Lockstep check of the Swift library against the PyTorch peer: both take the same STEPS Adam
# steps of mnist-bench from the same initial parameters, on the same batches with the same
# dequantization noise; prints the per-step losses side by side and both final test bits/dim.
# Usage: bench/lockstep.sh [STEPS] [SEED] [TEST_IMAGES]   (PyTorch from bench/.venv or $TORCH_PYTHON)
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-30}"
seed="${2:-0}"
test_images="${3:-2000}"
python="${TORCH_PYTHON:-bench/.venv/bin/python}"
if ! "$python" -c "import torch, safetensors" 2>/dev/null; then
  echo "PyTorch and safetensors not found for $python; install them with bench/setup-peer.sh" >&2
  exit 1
fi

swift build -c release --product RealNVP >/dev/null  # libRealNVP.so, which the harness links
build=.build/release
flags=(-O -I "$build/Modules" -I "$build/CCellSupport.build")
for dir in Sources/C*/; do flags+=(-I "$dir"); done
work="${LOCKSTEP_DIR:-$(mktemp -d)}"
mkdir -p "$work"
swiftc "${flags[@]}" -L "$build" -lRealNVP -Xlinker -rpath -Xlinker "$PWD/$build" \
  bench/lockstep/Lockstep.swift -o "$work/lockstep"
"$work/lockstep" "$steps" "$work" "$seed" "$test_images"
"$python" bench/peers/torch_lockstep.py "$work"
echo "files: $work"
