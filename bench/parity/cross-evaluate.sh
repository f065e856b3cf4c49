#!/usr/bin/env bash
# Cross-evaluation: the final states of a lockstep run, Swift's (final.safetensors) and the peer's
# (torch-final.safetensors), each read out in inference mode by both implementations on the same
# saved test images and noise. Equal columns mean the two inference paths compute the same number
# from the same parameters and running statistics, so a gap between the rows is the training
# trajectories, not the readout.
# Usage: bench/parity/cross-evaluate.sh DIR [IMAGES]   (DIR: a bench/parity/lockstep.sh output folder; IMAGES
#   default 10000, at most what DIR holds; THREADS sets both sides' threads)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/parity/harness.sh
dir="${1:?usage: bench/parity/cross-evaluate.sh DIR [IMAGES]}"
images="${2:-10000}"
checkpoints=("$dir/final.safetensors" "$dir/torch-final.safetensors")
build_harness bench/parity/swift/EvaluateAt.swift "$dir/evaluate-at"
"$dir/evaluate-at" "$dir/data.safetensors" "$images" "${checkpoints[@]}" >"$dir/cross-swift.txt"
"$python" bench/parity/peers/torch_cross_evaluate.py "$dir/data.safetensors" "$images" "${checkpoints[@]}" \
  >"$dir/cross-torch.txt"
echo "test bits/dim on $images images, inference mode (rows: trained by; columns: read out by)"
printf '%-10s %14s %14s %12s\n' "trained by" "Swift" "PyTorch" "difference"
paste -d' ' "$dir/cross-swift.txt" "$dir/cross-torch.txt" | awk -v n=0 '
  { n++; printf "%-10s %14.9f %14.9f %+12.2e\n", (n == 1 ? "Swift" : "PyTorch"), $2, $4, $2 - $4 }'
