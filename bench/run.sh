#!/usr/bin/env bash
# Runs the Swift benchmark and the PyTorch peer on the same configuration, one after the other,
# and prints both JSON lines and the Swift/PyTorch ratio of the median ms per step.
# Usage: bench/run.sh [CONFIG] [THREADS]   (PyTorch from bench/.venv; see bench/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
config="${1:-conv3x3-64}"
threads="${2:-2}"
python="${TORCH_PYTHON:-bench/.venv/bin/python}"

swift build -c release --product realnvp >/dev/null
swift_line="$(.build/release/realnvp bench --config "$config" --threads "$threads" --steps "${STEPS:-30}")"
echo "swift:   $swift_line"
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "PyTorch not found for $python; install it with bench/setup-peer.sh" >&2
  exit 1
fi
if [ "$config" = "mnist-bench" ]; then
  torch_line="$("$python" bench/peers/torch_realnvp.py --bench --threads "$threads" --steps "${STEPS:-30}")"
else
  torch_line="$("$python" bench/peers/torch_bench.py --config "$config" --threads "$threads" --steps "${STEPS:-30}")"
fi
echo "pytorch: $torch_line"
python3 - "$swift_line" "$torch_line" <<'PY'
import json, sys
swift, torch = (json.loads(arg) for arg in sys.argv[1:3])
median = swift["ms_per_step_median"] / torch["ms_per_step_median"]
fastest = swift["ms_per_step_min"] / torch["ms_per_step_min"]
print(f"ratio swift/pytorch ({swift['config']}): median {median:.2f}, min {fastest:.2f}")
PY
