#!/usr/bin/env python3
"""`realnvp train` and a training notebook cell on a disk that fills up: a real tmpfs of 4 MiB
(mounting it needs root), filled by another file while the run goes on.

1. A run trains one epoch on the tmpfs; then the disk is filled to 40 KB free: the next segment's
   checkpoints fail (ENOSPC) with errors naming each file, its journal lines still fit, and the
   final checkpoint's failure ends it with an error naming that file.
2. The disk is filled to the last byte: journal appends fail too, and leave no partial line.
3. After each: the previous resume checkpoint is byte for byte what it was, no temporary file is
   left, every journal line is JSON. With room again the run resumes and ends with parameters
   equal bit for bit to an uninterrupted run's.
4. A notebook cell trains into the full disk: it reports each failed checkpoint and fails with an
   error naming the final checkpoint; the kernel answers the next cell.

    sudo scripts/full-disk.py     # prints what each step reported; exits 1 if anything was lost
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crash_checks import check_journal, read_safetensors, temporaries  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / ".build" / "release" / "realnvp"
COMMON = ["--threads", "1", "--checkpoint-every", "2"]
FIRST = ["--config", "toy2d-quick", "--epochs", "1", "--max-steps-per-epoch", "4", "--seed", "3", *COMMON]
failures: list[str] = []


def check(condition: bool, message: str) -> None:
    print(("ok     " if condition else "FAILED ") + message, flush=True)
    if not condition:
        failures.append(message)


def train(disk: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(TOOL), "train", *args, "--checkpoint-directory", str(disk / "ck"), "--journal",
                           str(disk / "runs")], cwd=disk.parent, capture_output=True, text=True, timeout=600)


def fill(disk: Path, leave: int) -> None:
    """Grows disk/filler until about `leave` bytes are free (0: until a write fails)."""
    stats = os.statvfs(disk)
    missing = stats.f_bavail * stats.f_frsize - leave
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        while missing > 0 or leave == 0:
            missing -= os.write(fd, b"\0" * (min(missing, 65536) if missing > 0 else 512))
    except OSError:
        pass
    finally:
        os.close(fd)


def pad_journal(journal: Path, free_in_page: int) -> None:
    """Appends one valid line (another run's start) so that the journal's last 4 KiB page has
    `free_in_page` bytes left: a tmpfs stores small appends in that room even when it is full."""
    text = journal.read_text()
    start = text.splitlines()[0]
    old_id = json.loads(start)["start"]["_0"]["id"]
    length = (4096 - free_in_page - len(text.encode())) % 4096
    while length < len(start.encode()) + 1:
        length += 4096
    new_id = "padding-" + "x" * (length - 1 - len(start.encode()) + len(old_id) - len("padding-"))
    journal.write_text(text + start.replace(old_id, new_id) + "\n")


def intact(disk: Path, resume_bytes: bytes, label: str) -> None:
    point = disk / "ck" / "toy2d-quick.resume.safetensors"
    check(point.read_bytes() == resume_bytes, f"{label}: the previous resume checkpoint is unchanged")
    check(temporaries(disk / "ck") == [], f"{label}: no temporary file left")
    try:
        lines = check_journal(disk / "runs" / "journal.jsonl")
        check(True, f"{label}: all {lines} journal lines are JSON")
    except Exception as error:  # Damaged
        check(False, f"{label}: {error}")


def quote(output: str, needle: str) -> str:
    return next((line.strip() for line in output.splitlines() if needle in line), "(nothing)")


def cli(work: Path, disk: Path) -> None:
    reference = work / "reference"
    reference.mkdir()
    subprocess.run([str(TOOL), "train", *FIRST[:2], "--epochs", "3", *FIRST[4:], "--checkpoint-directory", "ck",
                    "--journal", "runs"], cwd=reference, capture_output=True, check=True)
    check(train(disk, *FIRST).returncode == 0, "the first epoch trains on the tmpfs")
    point = disk / "ck" / "toy2d-quick.resume.safetensors"
    resume_bytes, run_id = point.read_bytes(), read_safetensors(point)[1]["runID"]

    fill(disk, 40_000)
    full = train(disk, "--resume", run_id, "--epochs", "3", *COMMON)
    print("  reported:", quote(full.stderr, "resume checkpoint not written"))
    print("  reported:", quote(full.stderr, "Error:"))
    check("No space left on device" in full.stderr and str(point) in full.stderr,
          "checkpoints on a full disk: each failure names the file and says the disk is full")
    check(full.returncode != 0 and str(disk / "ck" / "toy2d-quick.safetensors") in full.stderr,
          "the final checkpoint's failure ends the run with an error naming it")
    intact(disk, resume_bytes, "checkpoints failed")

    pad_journal(disk / "runs" / "journal.jsonl", free_in_page=100)
    fill(disk, 0)
    before = (disk / "runs" / "journal.jsonl").read_bytes()
    full = train(disk, "--resume", run_id, "--epochs", "3", *COMMON)
    print("  reported:", quote(full.stderr, "run journal"))
    check("Cannot write the run journal at" in full.stderr and "No space left on device" in full.stderr,
          "journal appends on a full disk fail with an error naming the journal")
    check((disk / "runs" / "journal.jsonl").read_bytes() == before, "the journal is as it was (no partial line)")
    intact(disk, resume_bytes, "journal failed")

    (disk / "filler").unlink()
    done = train(disk, "--resume", run_id, "--epochs", "3", *COMMON)
    check(done.returncode == 0 and f"Resuming run {run_id}" in done.stdout, "with room again the run resumes")
    same = read_safetensors(disk / "ck" / "toy2d-quick.safetensors")[0] == \
        read_safetensors(reference / "ck" / "toy2d-quick.safetensors")[0]
    check(same, "the resumed run ends with the uninterrupted run's parameters, bit for bit")


def notebook(disk: Path) -> None:
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="swift-realnvp")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    outputs: list[str] = []

    def hook(msg: dict) -> None:
        content = msg["content"]
        outputs.append(content.get("text") or content.get("evalue") or "")

    try:
        kc.wait_for_ready(timeout=60)
        folder = disk / "cell"
        cell = f"""
        import Foundation
        let folder = URL(fileURLWithPath: "{folder}")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func trainHere() throws {{
          let model = RealNVP2D(couplings: 2, hidden: 32, seed: 1)
          var options = TrainingOptions(epochs: 2, batchSize: 100, seed: 2)
          options.maxStepsPerEpoch = 4
          try train(
            model, on: Datasets.moons(count: 1000), options: options, journal: Journal(directory: folder),
            checkpoint: folder.appendingPathComponent("flow.safetensors"), checkpointEvery: 2
          ) {{ point in
            do {{ try model.saveTrainingCheckpoint(to: folder.appendingPathComponent("flow.resume.safetensors"), resume: point) }}
            catch {{ print("not saved: \\(error)") }}
          }}
        }}
        try trainHere()
        """
        first = kc.execute_interactive(cell, timeout=300, output_hook=hook)["content"]
        check(first["status"] == "ok", "a training cell checkpoints into the tmpfs")
        resume_bytes = (folder / "flow.resume.safetensors").read_bytes()
        fill(disk, 0)
        outputs.clear()
        full = kc.execute_interactive("try trainHere()", timeout=300, output_hook=hook)["content"]
        text = "".join(outputs)
        print("  reported:", quote(text, "not saved"))
        print("  reported:", full.get("evalue", "")[:200])
        check("No space left on device" in text and "flow.resume.safetensors" in text,
              "the cell reports each checkpoint that the full disk refused, naming it")
        check(full["status"] == "error" and "flow.safetensors" in full.get("evalue", ""),
              "the cell fails with an error naming the final checkpoint")
        check((folder / "flow.resume.safetensors").read_bytes() == resume_bytes, "the cell's resume checkpoint is unchanged")
        alive = kc.execute_interactive("40 + 2", timeout=120, output_hook=lambda msg: None)["content"]
        check(alive["status"] == "ok", "the notebook answers the next cell")
        (disk / "filler").unlink()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main() -> int:
    if os.geteuid() != 0:
        print("mounting a tmpfs needs root; tests/cli/test_full_disk.py covers the same with a file size limit")
        return 2
    work = Path(tempfile.mkdtemp(prefix="realnvp-full-disk-"))
    disk = work / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], check=True)
    try:
        cli(work, disk)
        for path in disk.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        notebook(disk)
    finally:
        subprocess.run(["umount", str(disk)], check=False)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
