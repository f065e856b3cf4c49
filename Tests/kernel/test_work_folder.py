"""The private folder cells are compiled in: fresh, unpredictable, 0700, removed at shutdown,
and stale folders of dead kernels removed at start."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from jupyter_client.manager import KernelManager

from kernel_helpers import KERNEL_NAME, TIMEOUT, execute


def start_in(tmp: Path):
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel(env={**os.environ, "TMPDIR": str(tmp)})
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


def work_folders(tmp: Path) -> list[Path]:
    return sorted(p for p in tmp.iterdir() if p.name.startswith("realnvp-cells-"))


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_cells_compile_in_a_private_folder_that_shutdown_removes(kernelspec_dir, tmp_path):
    km, kc = start_in(tmp_path)
    try:
        assert execute(kc, "let x = 1")[0]["content"]["status"] == "ok"
        folders = work_folders(tmp_path)
        assert len(folders) == 1, folders
        folder = folders[0]
        kernel_pid = km.provisioner.process.pid
        assert folder.name != f"realnvp-cells-{kernel_pid}", "the name must not be predictable"
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert (folder / "kernel.pid").read_text().strip() == str(kernel_pid)
        assert any(folder.glob("Cell_*/lib*.so")), list(folder.iterdir())
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    assert work_folders(tmp_path) == [], "shutdown removes the work folder"


def test_a_restart_uses_a_new_folder(kernelspec_dir, tmp_path):
    km, kc = start_in(tmp_path)
    try:
        execute(kc, "let x = 1")
        first = work_folders(tmp_path)
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=TIMEOUT)
        execute(kc, "let y = 2")
        second = work_folders(tmp_path)
        assert len(second) == 1 and second != first, (first, second)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_stale_folders_of_dead_kernels_are_removed(kernelspec_dir, tmp_path):
    stale = tmp_path / "realnvp-cells-Ab12Cd"
    stale.mkdir(mode=0o700)
    (stale / "kernel.pid").write_text(f"{dead_pid()}\n")
    (stale / "libPlanted.so").write_text("not a library")
    live = tmp_path / "realnvp-cells-Zz99Yy"
    live.mkdir(mode=0o700)
    (live / "kernel.pid").write_text(f"{os.getpid()}\n")
    km, kc = start_in(tmp_path)
    try:
        assert not stale.exists(), "the folder of a dead kernel is removed"
        assert live.exists(), "the folder of a running kernel is kept"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
