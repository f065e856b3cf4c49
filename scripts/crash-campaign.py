#!/usr/bin/env python3
"""Crash consistency: SIGKILL `realnvp train` and a training notebook cell at random moments and
inside checkpoint and journal writes, then check that nothing was lost.

After every kill: every checkpoint file parses whole, every journal line is JSON, and the run
goes on with `--resume RUN_ID` (the notebook: the kernel rolls the executor back, and the next
cell resumes from the resume checkpoint). Each chain of killed and resumed runs must end with
parameters equal bit for bit to those of an uninterrupted run at the same thread count.

    scripts/crash-campaign.py --kills 200 --notebook-kills 20      # the campaign
    scripts/crash-campaign.py --kills 4 --notebook-kills 1 --seed 7  # the slice the tests run

Kills are timed four ways, in turn: at a random moment; just after a checkpoint's temporary file
is created (inside the atomic write); just after a checkpoint is renamed into place; and just
after the journal grows by a line (inside its append and fsync). The timing comes from inotify,
not from hooks in the product. In the notebook the executor running the cell is killed inside a
checkpoint write or at a random moment of the cell (compiling or training), never once the cell
has answered. Needs a release build (`swift build -c release`), and for the
notebook part jupyter_client and the kernelspec on JUPYTER_PATH (scripts/test.sh sets both up).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crash_checks import IN_CREATE, IN_MODIFY, IN_MOVED_TO, Damaged, FolderWatch, check_journal, \
    read_safetensors, temporaries  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / ".build" / "release" / "realnvp"
CONFIG = "toy2d-quick"
# 3 epochs of 8 steps, a resume checkpoint every 2 steps: 12 checkpoint writes and 5 journal
# lines per uninterrupted run. --checkpoint-every and --threads are not part of the run's record.
RUN = ["--threads", "1", "--checkpoint-every", "2"]
FRESH = ["--config", CONFIG, "--epochs", "3", "--max-steps-per-epoch", "8", "--seed", "3", *RUN]
MODES = ["random", "checkpoint-write", "checkpoint-renamed", "journal-write"]


class Campaign:
    """Counts and failures of one campaign."""

    def __init__(self) -> None:
        self.kills = {mode: 0 for mode in MODES}
        self.mid_write = 0  # kills that left a temporary file: they landed inside an atomic write
        self.finished_first = 0  # attempts that completed before their kill came
        self.checkpoints_read = self.journal_lines = self.evaluations = 0
        self.chains = self.chains_equal = 0
        self.hangs = 0  # cells the kernel never answered after their executor was killed
        self.failures: list[str] = []

    def fail(self, message: str) -> None:
        print("FAILED:", message, flush=True)
        self.failures.append(message)


# MARK: - Checks after a kill


def check_folder(campaign: Campaign, folder: Path, journal: Path) -> None:
    """Every checkpoint in folder parses whole; every journal line is JSON."""
    for path in sorted(folder.glob("*.safetensors")):
        try:
            read_safetensors(path)
            campaign.checkpoints_read += 1
        except Damaged as error:
            campaign.fail(str(error))
    try:
        campaign.journal_lines += check_journal(journal)
    except Damaged as error:
        campaign.fail(str(error))


def same_tensors(campaign: Campaign, label: str, got: Path, expected: Path) -> None:
    try:
        mine, theirs = read_safetensors(got)[0], read_safetensors(expected)[0]
    except (Damaged, OSError) as error:
        campaign.fail(f"{label}: {error}")
        return
    differing = sorted(name for name in theirs if mine.get(name) != theirs[name])
    if mine.keys() != theirs.keys() or differing:
        campaign.fail(f"{label}: tensors differ from the uninterrupted run's: {differing[:5]}")
    else:
        campaign.chains_equal += 1


# MARK: - realnvp train


def start_train(folder: Path, arguments: list[str]) -> subprocess.Popen:
    command = [str(TOOL), "train", *arguments, "--checkpoint-directory", "checkpoints", "--journal", "runs"]
    log = open(folder / "train.log", "a")
    log.write(f"\n$ {' '.join(command)}\n")
    log.flush()
    return subprocess.Popen(command, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(watch: FolderWatch, process: subprocess.Popen, matches, count: int) -> bool:
    """Waits until `count` events satisfy matches(mask, name); False if the process ended first."""
    seen = 0
    while process.poll() is None:
        for mask, name in watch.wait(0.5):
            if matches(mask, name):
                seen += 1
                if seen == count:
                    return True
    return False


def kill_at(mode: str, folder: Path, process: subprocess.Popen, rng: random.Random, duration: float) -> bool:
    """Kills process at a moment chosen by mode; returns whether it was still running."""
    if mode == "random":
        deadline = time.monotonic() + rng.uniform(0.0, duration)
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.005)
        hit = process.poll() is None
    else:
        watched = folder / ("runs" if mode == "journal-write" else "checkpoints")
        watch = FolderWatch(watched)
        try:
            if mode == "checkpoint-write":
                hit = wait_for(watch, process, lambda m, n: m & IN_CREATE and ".tmp-" in n, rng.randint(1, 10))
                if rng.random() < 0.5:  # else at once, while the bytes are being written
                    time.sleep(rng.uniform(0.0, 0.002))
            elif mode == "checkpoint-renamed":
                hit = wait_for(watch, process, lambda m, n: m & IN_MOVED_TO, rng.randint(1, 10))
            else:
                hit = wait_for(watch, process, lambda m, n: m & IN_MODIFY and n == "journal.jsonl", rng.randint(1, 5))
        finally:
            watch.close()
    if hit and process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait()
    return process.returncode == -signal.SIGKILL


def resume_arguments(folder: Path) -> list[str]:
    """--resume RUN_ID of the resume checkpoint's run, or a fresh start when there is none."""
    point = folder / "checkpoints" / f"{CONFIG}.resume.safetensors"
    if not point.exists():
        return FRESH
    return ["--resume", read_safetensors(point)[1]["runID"], *RUN]


def train_campaign(campaign: Campaign, kills: int, rng: random.Random, work: Path) -> None:
    reference = work / "reference"
    reference.mkdir()
    started = time.monotonic()
    if start_train(reference, FRESH).wait() != 0:
        campaign.fail(f"the uninterrupted run failed: see {reference / 'train.log'}")
        return
    duration = time.monotonic() - started
    print(f"uninterrupted run: {duration:.1f} s", flush=True)
    expected = reference / "checkpoints" / f"{CONFIG}.safetensors"
    killed = 0
    while killed < kills and not campaign.failures:
        campaign.chains += 1
        chain = work / f"chain-{campaign.chains}"
        chain.mkdir()
        budget = min(kills - killed, rng.randint(1, 8))  # kills in this chain, then it may finish
        while True:
            process = start_train(chain, resume_arguments(chain))
            if budget == 0:
                if process.wait() != 0:
                    campaign.fail(f"{chain}: the last segment failed ({process.returncode}); see train.log")
                break
            mode = MODES[killed % len(MODES)]
            if not kill_at(mode, chain, process, rng, duration):
                if process.returncode != 0:
                    campaign.fail(f"{chain}: a segment failed ({process.returncode}); see train.log")
                campaign.finished_first += 1
                break
            killed += 1
            budget -= 1
            campaign.kills[mode] += 1
            campaign.mid_write += bool(temporaries(chain / "checkpoints"))
            check_folder(campaign, chain / "checkpoints", chain / "runs" / "journal.jsonl")
            point = chain / "checkpoints" / f"{CONFIG}.resume.safetensors"
            if killed % 10 == 0 and point.exists():
                evaluate(campaign, chain, point)
        if not campaign.failures:
            same_tensors(campaign, str(chain), chain / "checkpoints" / f"{CONFIG}.safetensors", expected)
            if not any(json.loads(line).get("end", {}).get("status") == "completed"
                       for line in (chain / "runs" / "journal.jsonl").read_text().splitlines()):
                campaign.fail(f"{chain}: the journal has no completed run")
        if campaign.chains % 5 == 0:
            print(f"  {killed} kills, {campaign.chains} chains", flush=True)


def evaluate(campaign: Campaign, chain: Path, point: Path) -> None:
    done = subprocess.run([str(TOOL), "evaluate", "--config", CONFIG, "--checkpoint", str(point), "--limit", "200",
                           "--threads", "1"], cwd=chain, capture_output=True, text=True)
    campaign.evaluations += 1
    if done.returncode != 0 or "test bits/dim" not in done.stdout:
        campaign.fail(f"realnvp evaluate {point}: {done.stdout}{done.stderr}")


# MARK: - A training notebook cell


SETUP = """
import Foundation
ComputeThreads.count = 1
/// Trains a small flow, checkpointing every 2 steps into `path`; resumes from the checkpoint there.
func trainOrResume(in path: String) throws -> String {
  let folder = URL(fileURLWithPath: path)
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  let resumeFile = folder.appendingPathComponent("flow.resume.safetensors")
  let model = RealNVP2D(couplings: 4, hidden: 64, seed: 3)
  var options = TrainingOptions(epochs: 6, batchSize: 100, learningRate: 1e-3, seed: 5)
  options.maxStepsPerEpoch = 10
  let point = FileManager.default.fileExists(atPath: resumeFile.path)
    ? try model.loadTrainingCheckpoint(from: resumeFile) : nil
  try train(
    model, on: Datasets.moons(count: 2000, noise: 0.05, seed: 0), options: options,
    journal: Journal(directory: folder), checkpoint: folder.appendingPathComponent("flow.safetensors"),
    resume: point, checkpointEvery: 2
  ) { point in
    do { try model.saveTrainingCheckpoint(to: resumeFile, resume: point) } catch { print("not saved: \\(error)") }
  }
  return point.map { "resumed at step \\($0.optimizer.step)" } ?? "trained from the start"
}
"""


def executors(kernel_pid: int) -> tuple[int | None, bool]:
    """The executor running cells (the realnvp-executor whose parent is the kernel), and whether
    its snapshot (a realnvp-executor child of it) is there."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"realnvp-executor" in command and fields[0] != "Z":
            found.append((int(entry.name), int(fields[1])))
    live = next((pid for pid, parent in found if parent == kernel_pid), None)
    return live, any(parent == live for _, parent in found)


class Notebook:
    """A kernel through jupyter_client with the training function defined."""

    def __init__(self) -> None:
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name="swift-realnvp")
        self.km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        if self.run(SETUP)["status"] != "ok":
            raise RuntimeError("the notebook's setup cell failed")

    def run(self, code: str) -> dict:
        return self.kc.execute_interactive(code, timeout=300, output_hook=lambda msg: None)["content"]

    def wait_for_snapshot(self) -> int | None:
        """The live executor once its idle snapshot exists (a kill before then loses the state by design)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            live, snapshot = executors(self.km.provisioner.process.pid)
            if live and snapshot:
                return live
            time.sleep(0.05)
        return None

    def reply(self, msg_id: str, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                reply = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            except Exception:  # queue.Empty
                return None
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]
        return None

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def notebook_campaign(campaign: Campaign, kills: int, rng: random.Random, work: Path) -> None:
    """Kills the executor while a cell trains: inside a checkpoint write, or at a random moment
    after the cell was sent; the next cell resumes from the checkpoint the killed one left."""
    notebook = Notebook()
    try:
        started = time.monotonic()
        if notebook.run(f'try trainOrResume(in: "{work / "cell-reference"}")')["status"] != "ok":
            campaign.fail("the uninterrupted training cell failed")
            return
        duration = time.monotonic() - started
        print(f"uninterrupted training cell: {duration:.1f} s", flush=True)
        killed, attempts = 0, 0
        while killed < kills and attempts < 3 * kills + 5:
            chain = work / f"cell-chain-{campaign.chains + 1}"
            budget = min(kills - killed, rng.randint(1, 3))  # kills in this chain, then it finishes
            while attempts < 3 * kills + 5:
                attempts += 1
                live = notebook.wait_for_snapshot()
                msg_id = notebook.kc.execute(f'try trainOrResume(in: "{chain}")')
                sent = time.monotonic()
                hit = False
                if budget > 0 and live is not None:
                    if killed % 2 == 0:  # inside a checkpoint write
                        watch = FolderWatch(chain)
                        deadline = time.monotonic() + duration * 3 + 10
                        while time.monotonic() < deadline and not hit:
                            hit = any(m & IN_CREATE and ".tmp-" in n for m, n in watch.wait(0.2))
                        watch.close()
                    else:  # at a random moment while the cell compiles or trains
                        time.sleep(rng.uniform(0.0, 0.8 * duration))
                    # Not once the cell has answered: that kill would hit the idle executor.
                    if not notebook.kc.shell_channel.msg_ready():
                        try:
                            os.kill(live, signal.SIGKILL)
                            hit = True
                        except ProcessLookupError:
                            hit = False
                after = time.monotonic() - sent
                content = notebook.reply(msg_id, 120)
                print(f"  cell {attempts}: {'killed at %.2f s' % after if hit else 'not killed'}: "
                      f"{'no reply' if content is None else content['status']}", flush=True)
                if content is None:
                    campaign.fail(f"no reply within 120 s to a cell {'killed at %.2f s' % after if hit else 'not killed'}"
                                  " (the kernel waits for the cell forever); restarting the kernel")
                    campaign.hangs += 1
                    notebook.close()
                    notebook = Notebook()
                    continue
                if content["status"] == "ok":
                    break
                if "earlier state is lost" in content.get("evalue", ""):
                    campaign.fail(f"the notebook's state was lost: {content.get('evalue')}")
                    notebook.run(SETUP)
                    continue
                if not hit:
                    campaign.fail(f"a training cell failed without a kill: {content.get('evalue')}")
                    return
                killed += 1
                budget -= 1
                campaign.kills["notebook"] = campaign.kills.get("notebook", 0) + 1
                campaign.mid_write += bool(temporaries(chain))
                check_folder(campaign, chain, chain / "journal.jsonl")
            campaign.chains += 1
            same_tensors(campaign, str(chain), chain / "flow.safetensors", work / "cell-reference" / "flow.safetensors")
    finally:
        notebook.close()


# MARK: - Main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200, help="SIGKILLs of `realnvp train` (default 200)")
    parser.add_argument("--notebook-kills", type=int, default=20, help="executor kills in a training cell")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    options = parser.parse_args()
    if not TOOL.is_file():
        print(f"{TOOL} is not built; run `swift build -c release` first", file=sys.stderr)
        return 2
    rng = random.Random(options.seed)
    campaign = Campaign()
    work = Path(tempfile.mkdtemp(prefix="realnvp-crash-"))
    started = time.monotonic()
    try:
        if options.kills:
            train_campaign(campaign, options.kills, rng, work)
        if options.notebook_kills:
            notebook_campaign(campaign, options.notebook_kills, rng, work)
    finally:
        if options.keep or campaign.failures:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    kills = sum(campaign.kills.values())
    print(json.dumps({
        "seed": options.seed, "seconds": round(time.monotonic() - started, 1), "kills": kills,
        "kills_by_timing": campaign.kills, "kills_inside_an_atomic_write": campaign.mid_write,
        "attempts_that_finished_before_their_kill": campaign.finished_first, "chains": campaign.chains,
        "chains_equal_to_uninterrupted_run": campaign.chains_equal, "checkpoint_files_read": campaign.checkpoints_read,
        "journal_lines_read": campaign.journal_lines, "evaluations": campaign.evaluations,
        "notebook_cells_never_answered": campaign.hangs,
        "failures": campaign.failures,
    }, indent=1))
    return 1 if campaign.failures else 0


if __name__ == "__main__":
    sys.exit(main())
