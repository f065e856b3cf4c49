# Sourced by bench/parity/lockstep.sh and bench/parity/gradient-check.sh: finds the PyTorch peer's Python and
# compiles a one-file Swift harness against the release build of the RealNVP library.
python="${TORCH_PYTHON:-bench/.venv/bin/python}"
if ! "$python" -c "import torch, safetensors" 2>/dev/null; then
  echo "PyTorch and safetensors not found for $python; install them with bench/setup-peer.sh" >&2
  exit 1
fi

source scripts/common.sh

# build_harness SOURCE EXECUTABLE: swiftc -O SOURCE, linked to libRealNVP.so (built first).
build_harness() {
  build_release >/dev/null  # as scripts/setup.sh builds, so its binaries stay as they were
  local build=.build/release
  local flags=(-O -I "$build/Modules" -I "$build/CCellSupport.build" -I "$build/CTensorKernels.build")
  local dir
  for dir in Sources/C*/; do flags+=(-I "$dir"); done
  swiftc "${flags[@]}" -L "$build" -lRealNVP -Xlinker -rpath -Xlinker "$PWD/$build" "$1" -o "$2"
}
