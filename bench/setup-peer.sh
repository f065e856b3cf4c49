#!/usr/bin/env bash
# Creates bench/.venv with PyTorch (CPU use only) and NumPy from PyPI for the peer benchmark.
# PyPI's Linux wheel pulls in several GB of CUDA packages; the install took about 14 minutes here.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install --progress-bar off torch numpy safetensors
