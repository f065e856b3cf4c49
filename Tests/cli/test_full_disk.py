"""`realnvp train` on a full disk, simulated with a file size limit (RLIMIT_FSIZE, `ulimit -f`):
writes past it fail as writes to a full disk do. The error names the file, the previous
checkpoint and the journal stay whole, and the run can go on once there is room.
scripts/full-disk.py does the same on a real tmpfs that fills up (it needs root to mount one).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / ".build" / "release" / "realnvp"
sys.path.insert(0, str(ROOT / "scripts"))
from crash_checks import check_journal, read_safetensors, temporaries  # noqa: E402

COMMON = ["--threads", "1", "--checkpoint-every", "2", "--checkpoint-directory", "ck", "--journal", "runs"]
FIRST = ["train", "--config", "toy2d-quick", "--epochs", "1", "--max-steps-per-epoch", "4", "--seed", "3", *COMMON]


def realnvp(*args: str, cwd: Path, file_size_limit: int | None = None) -> subprocess.CompletedProcess:
    if not TOOL.is_file():
        pytest.fail(f"{TOOL} is not built; run `swift build -c release` first")

    def limit() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, resource.RLIM_INFINITY))

    # subprocess restores SIGXFSZ's default action in the child: realnvp must ignore it itself.
    return subprocess.run([str(TOOL), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          preexec_fn=limit)


def run_id(cwd: Path) -> str:
    return read_safetensors(cwd / "ck" / "toy2d-quick.resume.safetensors")[1]["runID"]


def test_a_full_disk_at_checkpoints_keeps_the_last_one_and_the_run_resumes(tmp_path):
    assert realnvp(*FIRST, cwd=tmp_path).returncode == 0
    resume_point = tmp_path / "ck" / "toy2d-quick.resume.safetensors"
    before = resume_point.read_bytes()
    assert len(before) > 200_000, "the resume checkpoint must not fit under the limit below"
    identifier = run_id(tmp_path)

    full = realnvp("train", "--resume", identifier, "--epochs", "3", *COMMON, cwd=tmp_path, file_size_limit=64_000)
    assert full.returncode != 0, full.stdout + full.stderr
    assert f"warning: resume checkpoint not written: Could not write checkpoint {resume_point}: writing " in full.stderr
    assert "(File too large) (any previous file there is unchanged)" in full.stderr, full.stderr
    assert f"Could not write checkpoint {tmp_path / 'ck' / 'toy2d-quick.safetensors'}" in full.stderr, full.stderr
    assert resume_point.read_bytes() == before, "the previous resume checkpoint changed"
    assert temporaries(tmp_path / "ck") == []
    check_journal(tmp_path / "runs" / "journal.jsonl")
    record = json.loads(subprocess.run([str(TOOL), "journal", "show", identifier, "--journal", "runs"], cwd=tmp_path,
                                       capture_output=True, text=True, check=True).stdout)
    # Training went on past the failed checkpoints and recorded its epochs and how it ended.
    assert [e["epoch"] for e in record["epochs"]] == [1, 2, 3], record["epochs"]
    assert record["status"] == "failed" and "toy2d-quick.safetensors" in record["error"], record

    # With room again, the run resumes from the checkpoint that survived.
    again = realnvp("train", "--resume", identifier, "--epochs", "3", *COMMON, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert f"Resuming run {identifier} at epoch 2, batch 0 (step 4)" in again.stdout, again.stdout


def test_a_full_disk_at_the_journal_leaves_no_partial_line_and_training_goes_on(tmp_path):
    assert realnvp(*FIRST, cwd=tmp_path).returncode == 0
    journal = tmp_path / "runs" / "journal.jsonl"
    # A journal larger than any checkpoint, so that only journal appends cross the limit.
    start = journal.read_text().splitlines()[0]
    other_runs = [start.replace(run_id(tmp_path), f"padding-{n}") for n in range(400)]
    journal.write_text(journal.read_text() + "\n".join(other_runs) + "\n")
    before = journal.read_bytes()
    assert len(before) > (tmp_path / "ck" / "toy2d-quick.resume.safetensors").stat().st_size + 10_000

    full = realnvp("train", "--resume", run_id(tmp_path), "--epochs", "2", *COMMON, cwd=tmp_path,
                   file_size_limit=len(before) + 100)
    assert full.returncode == 0, full.stderr
    assert f"warning: run journal: Cannot write the run journal at {journal}: appending " in full.stderr, full.stderr
    assert "after 100 (File too large); the partial line was removed" in full.stderr, full.stderr
    assert journal.read_bytes() == before, "the journal changed"
    assert check_journal(journal) == len(before.splitlines())
    read_safetensors(tmp_path / "ck" / "toy2d-quick.safetensors")
    assert "Checkpoint:" in full.stdout

