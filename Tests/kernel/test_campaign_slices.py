"""Seeded slices of two campaigns through a running kernel (the scripts run the long ones):
mutated and forged messages through its sockets (scripts/fuzz-kernel-sockets.py), and a training
cell whose executor is killed and which resumes from its checkpoint (scripts/crash-campaign.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def summary_of(done: subprocess.CompletedProcess) -> dict:
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return json.loads(done.stdout[done.stdout.rfind("\n{") + 1:])  # the summary ends the output


def test_mutated_and_forged_messages_run_nothing_and_the_kernel_stays_up(kernelspec_dir):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "fuzz-kernel-sockets.py"), "--messages", "3000",
                           "--seed", "3"], capture_output=True, text=True, timeout=600)
    summary = summary_of(done)
    assert summary["kernel_alive"] and summary["failures"] == [], summary
    assert summary["dropped_by_the_kernel"] > 2000, summary
    assert summary["authentic_messages"] > 50, summary


def test_a_training_cell_killed_with_its_executor_resumes_to_the_same_parameters(kernelspec_dir):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "crash-campaign.py"), "--kills", "0",
                           "--notebook-kills", "1", "--seed", "7"], capture_output=True, text=True, timeout=900)
    summary = summary_of(done)
    assert summary["kills_by_timing"].get("notebook") == 1 and summary["failures"] == [], summary
    assert summary["chains_equal_to_uninterrupted_run"] == 1, summary
