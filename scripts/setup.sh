#!/usr/bin/env bash
# The README's set-up command: installs what is missing (Debian packages, Python tools in
# .venv), builds in release mode, fetches MNIST (a failure only warns), installs the
# "Swift (Real NVP)" kernelspec for this user,
# and executes the quick-start notebook headlessly, leaving an executed copy and an HTML export
# next to it.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

install_system_packages
install_python_tools
build_release

fetch_mnist

step "Kernelspec: installing for this user and into $VENV"
"$ROOT/.build/release/realnvp-kernel" install --user
"$ROOT/.build/release/realnvp-kernel" install --prefix "$VENV"

NOTEBOOK="notebooks/00-quick-start.ipynb"
EXECUTED="notebooks/00-quick-start.executed.ipynb"
step "Executing $NOTEBOOK (quick mode) -> $EXECUTED and its HTML export"
export REALNVP_QUICK="${REALNVP_QUICK:-1}" JUPYTER_PATH="$VENV/share/jupyter"
"$VENV/bin/jupyter" nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=swift-realnvp \
  --ExecutePreprocessor.timeout=1800 --output "$(basename "$EXECUTED")" "$NOTEBOOK"
"$VENV/bin/jupyter" nbconvert --to html "$EXECUTED"

step "Done"
echo "Executed notebook: $ROOT/$EXECUTED"
echo "HTML export:       $ROOT/${EXECUTED%.ipynb}.html"
echo "Open JupyterLab and pick the \"Swift (Real NVP)\" kernel:  $VENV/bin/pip install jupyterlab && $VENV/bin/jupyter lab"
