#!/usr/bin/env bash
# The README's test command: installs what is missing, then runs every test
# (Swift unit tests, the kernel's protocol and conformance tests, the notebooks in quick mode).
# MNIST is fetched if missing: the shipped model's and the MNIST notebook's tests use it.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

install_system_packages
install_python_tools
build_release
fetch_mnist
install_kernelspec_into_venv

failed=0
step "Formatter: swift format lint --strict (the committed .swift-format)"
swift format lint --strict --recursive Sources Tests bench Fuzz Package.swift || failed=1

step "Swift unit tests (debug build)"
swift_log="$ROOT/.build/swift-test.log"
swift test 2>&1 | tee "$swift_log" || failed=1

step "Convolution and gradient tests again on the portable path (no AVX2: DNNL_MAX_CPU_ISA=SSE41)"
DNNL_MAX_CPU_ISA=SSE41 swift test --skip-build --filter "ConvolutionTests|GradientTests" 2>&1 | tee -a "$swift_log" \
  || failed=1

step "Precision tests again without AVX512_BF16 (DNNL_MAX_CPU_ISA=AVX512_CORE: bf16 runs as fp32)"
DNNL_MAX_CPU_ISA=AVX512_CORE swift test --skip-build --filter "PrecisionTests" 2>&1 | tee -a "$swift_log" \
  || failed=1

step "Kernel protocol and conformance, realnvp CLI, notebooks (release build, jupyter_client)"
export JUPYTER_PATH="$VENV/share/jupyter" REALNVP_QUICK=1
"$VENV/bin/python" -m pytest -q --durations=15 Tests/kernel Tests/cli Tests/notebooks || failed=1

step "Widgets in JupyterLab (jupyterlab_widgets, headless Chromium): a slider redraws an image grid"
"$VENV/bin/python" scripts/widgets-browser.py --screenshot "$ROOT/.build/widgets-browser.png" || failed=1

if [ "$failed" -ne 0 ]; then
  # Repeat the Swift failures last, so they are in view even when only the tail is kept.
  grep -E ": error: |' failed \(" "$swift_log" | sed 's/^/  /' || true
  echo "Some tests failed (see above)."
  exit 1
fi
echo "All tests passed."
