"""A seeded slice of the crash-consistency campaign (scripts/crash-campaign.py runs the long
one): `realnvp train` killed with SIGKILL at a random moment, inside a checkpoint write, after a
checkpoint's rename and inside a journal append, resumed each time by its run id."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_killed_and_resumed_runs_end_where_an_uninterrupted_run_ends():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "crash-campaign.py"), "--kills", "4",
                           "--notebook-kills", "0", "--seed", "7"], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    summary = json.loads(done.stdout[done.stdout.rfind("\n{") + 1:])  # the summary ends the output
    assert summary["kills"] == 4 and summary["failures"] == [], summary
    assert all(summary["kills_by_timing"][mode] == 1 for mode in
               ("random", "checkpoint-write", "checkpoint-renamed", "journal-write")), summary
    assert summary["chains"] >= 1 and summary["chains_equal_to_uninterrupted_run"] == summary["chains"], summary
