"""Shared fixtures for the kernel tests: build location, a private kernelspec install, a running kernel.

The kernel binary is taken from $REALNVP_KERNEL_BIN, else .build/release or .build/debug of the
package.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from kernel_helpers import KERNEL_NAME, start_kernel

ROOT = Path(__file__).resolve().parents[2]


def kernel_binary() -> Path:
    """The built realnvp-kernel; fails (not skips) when there is none."""
    candidates = [os.environ.get("REALNVP_KERNEL_BIN")] if os.environ.get("REALNVP_KERNEL_BIN") else []
    candidates += [
        str(ROOT / ".build" / "release" / "realnvp-kernel"),
        str(ROOT / ".build" / "debug" / "realnvp-kernel"),
    ]
    for candidate in candidates:
        if Path(candidate).is_file():
            return Path(candidate)
    pytest.fail(f"realnvp-kernel is not built; looked at {candidates}. Run `swift build` first.")


@pytest.fixture(scope="session")
def kernelspec_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Installs the kernelspec with --prefix into a temporary folder and points JUPYTER_PATH at it."""
    prefix = tmp_path_factory.mktemp("jupyter-prefix")
    subprocess.run([str(kernel_binary()), "install", "--prefix", str(prefix)], check=True, cwd=ROOT)
    data_dir = prefix / "share" / "jupyter"
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(data_dir)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    )
    return data_dir / "kernels" / KERNEL_NAME


@pytest.fixture(scope="module")
def kernel(kernelspec_dir: Path):
    """A running kernel and a connected blocking client, shared by a test module."""
    km, kc = start_kernel()
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


@pytest.fixture
def fresh_kernel(kernelspec_dir: Path):
    """A kernel of its own, for tests that shut it down or restart it."""
    km, kc = start_kernel()
    yield km, kc
    kc.stop_channels()
    if km.is_alive():
        km.shutdown_kernel(now=True)
