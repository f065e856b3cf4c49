# Shared steps of scripts/setup.sh and scripts/test.sh. Source it; do not run it.
# Each step is idempotent: it checks first and does only what is missing.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
SYSTEM_PACKAGES=(libzmq3-dev libdnnl-dev dataset-fashion-mnist zlib1g-dev libpng-dev libjpeg-dev
  python3-venv libopenmpi-dev openmpi-bin chromium)
PYTHON_TOOLS=(jupyter_client jupyter_kernel_test nbclient nbformat nbconvert ipykernel pytest pillow
  jupyterlab jupyterlab_widgets playwright)

step() { printf '\n==> %s\n' "$*"; }

# Debian packages: apt-get update, then install whatever is not installed yet.
install_system_packages() {
  local missing=()
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    step "System packages: all present"
    return
  fi
  step "System packages: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
}

# Python tools into the project's own virtual environment (never the system Python).
install_python_tools() {
  if [ ! -x "$VENV/bin/python" ]; then
    step "Python: creating $VENV"
    python3 -m venv "$VENV"
  fi
  if "$VENV/bin/python" -c "import jupyter_client, jupyter_kernel_test, nbclient, nbconvert, pytest, PIL, \
    jupyterlab, jupyterlab_widgets, playwright" 2>/dev/null; then
    step "Python tools: all present"
  else
    step "Python tools: installing ${PYTHON_TOOLS[*]}"
    "$VENV/bin/pip" install -q --disable-pip-version-check "${PYTHON_TOOLS[@]}"
  fi
}

# Release build of the library, the kernel, its executor and the realnvp tool; with the MPI
# trait (data-parallel training under mpirun) when Open MPI's development files are installed.
build_release() {
  if pkg-config --exists ompi-c 2>/dev/null; then
    step "Swift: release build with MPI (--traits MPI)"
    (cd "$ROOT" && swift build -c release --traits MPI)
  else
    step "Swift: release build (no Open MPI found: without the MPI trait)"
    (cd "$ROOT" && swift build -c release)
  fi
}

# Kernelspec into the virtual environment (sys-prefix), so the venv's jupyter finds it.
install_kernelspec_into_venv() {
  step "Kernelspec: installing into $VENV"
  "$ROOT/.build/release/realnvp-kernel" install --prefix "$VENV"
}

# MNIST into the data folder outside the repository (a no-op when it is there); a failure only
# warns, and what needs MNIST says so.
fetch_mnist() {
  step "MNIST: fetching it into the data folder (outside the repository)"
  "$ROOT/.build/release/realnvp" data fetch mnist \
    || echo "warning: MNIST was not fetched (see above). Retry with: .build/release/realnvp data fetch mnist" >&2
}
