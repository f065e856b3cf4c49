#!/usr/bin/env python3
"""A rank that hangs under `mpirun -np 2`: how long until the job ends with an error naming it,
and whether the run's resume checkpoint survives and the run resumes.

Each trial trains mnist-quick data-parallel on 2 ranks, then stops one rank with SIGSTOP: rank 1
at a random moment after the first resume checkpoint, or rank 0 (the rank that writes) just as a
checkpoint's temporary file appears, so the job dies in the middle of that write. It measures the
seconds from SIGSTOP to the message naming the rank and to the end of the job, checks that every
checkpoint parses whole and every journal line is JSON, then resumes the run on 2 ranks.

    scripts/hung-rank.py --trials 6 --timeout 10      # REALNVP_MPI_TIMEOUT=10
    scripts/hung-rank.py --trials 1 --timeout 0       # the default deadline (120 s)

Needs `mpirun` and a release build with the MPI trait (`swift build -c release --traits MPI`).
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
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crash_checks import IN_CREATE, Damaged, FolderWatch, check_journal, read_safetensors  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / ".build" / "release" / "realnvp"
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
TRAIN = ["train", "--config", "mnist-quick", "--epochs", "1000", "--max-steps-per-epoch", "4",
         "--checkpoint-every", "2", "--threads", "1", "--journal", "runs"]


def ranks_of(mpirun: subprocess.Popen) -> dict[int, int]:
    """Rank -> pid of the processes mpirun started."""
    found = {}
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(mpirun.pid)], capture_output=True, text=True)
    for pid in map(int, children.stdout.split()):
        try:
            for entry in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
                if entry.startswith(b"OMPI_COMM_WORLD_RANK="):
                    found[int(entry.split(b"=")[1])] = pid
        except OSError:
            continue
    return found


def trial(work: Path, rng: random.Random, timeout: int, stop_leader: bool) -> dict:
    env = {**os.environ, **MPI_ENV}
    if timeout:
        env["REALNVP_MPI_TIMEOUT"] = str(timeout)
    checkpoints = work / "checkpoints"
    watch = FolderWatch(checkpoints)
    job = subprocess.Popen(["mpirun", "--oversubscribe", "-np", "2", str(TOOL), *TRAIN], cwd=work, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines: list[tuple[float, str]] = []
    reader = threading.Thread(target=lambda: [lines.append((time.monotonic(), line)) for line in job.stderr])
    reader.start()
    resume_point = checkpoints / "mnist-quick.resume.safetensors"
    deadline = time.monotonic() + 600
    while not resume_point.exists() and time.monotonic() < deadline and job.poll() is None:
        watch.wait(0.5)
    if not resume_point.exists():
        job.kill()
        return {"error": "no resume checkpoint before the stop: " + "".join(line for _, line in lines)[-2000:]}
    if stop_leader:  # rank 0 stops inside its next checkpoint write
        while job.poll() is None and not any(m & IN_CREATE and ".tmp-" in n for m, n in watch.wait(0.5)):
            pass
    else:
        time.sleep(rng.uniform(0.0, 2.0))
    watch.close()
    rank = 0 if stop_leader else 1
    pid = ranks_of(job)[rank]
    os.kill(pid, signal.SIGSTOP)
    stopped = time.monotonic()
    try:
        job.wait(timeout=timeout + 300 if timeout else 600)
    except subprocess.TimeoutExpired:
        os.killpg(job.pid, signal.SIGKILL)
        job.wait()
    ended = time.monotonic()
    reader.join()
    try:
        os.kill(pid, signal.SIGKILL)  # in case mpirun left it stopped
    except ProcessLookupError:
        pass
    named = [(t, line) for t, line in lines if "did not complete within" in line]
    result = {
        "stopped_rank": rank, "seconds_to_message": round(named[0][0] - stopped, 2) if named else None,
        "seconds_to_exit": round(ended - stopped, 2), "exit_code": job.returncode,
        "message": named[0][1].strip() if named else "".join(line for _, line in lines)[-500:],
        "temporary_files_left": sorted(p.name for p in checkpoints.glob(".*.tmp-*")),
    }
    try:
        read_safetensors(resume_point)
        for path in checkpoints.glob("*.safetensors"):
            read_safetensors(path)
        check_journal(work / "runs" / "journal.jsonl")
        result["checkpoints_intact"] = True
    except Damaged as error:
        result["checkpoints_intact"] = False
        result["damage"] = str(error)
    run_id = read_safetensors(resume_point)[1]["runID"]
    epochs = sum(1 for line in (work / "runs" / "journal.jsonl").read_text().splitlines() if '"epoch"' in line)
    resumed = subprocess.run(["mpirun", "--oversubscribe", "-np", "2", str(TOOL), "train", "--resume", run_id,
                              "--epochs", str(epochs + 1), "--threads", "1", "--journal", "runs"],
                             cwd=work, env=env, capture_output=True, text=True, timeout=900)
    result["resumed"] = resumed.returncode == 0 and f"Resuming run {run_id}" in resumed.stdout
    if not result["resumed"]:
        result["resume_output"] = (resumed.stdout + resumed.stderr)[-1500:]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=6)
    parser.add_argument("--timeout", type=int, default=10, help="REALNVP_MPI_TIMEOUT (0: the default)")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    if shutil.which("mpirun") is None or not TOOL.is_file():
        print("needs mpirun and .build/release/realnvp built with --traits MPI", file=sys.stderr)
        return 2
    rng = random.Random(options.seed)
    results, failed = [], False
    for number in range(options.trials):
        work = Path(tempfile.mkdtemp(prefix="realnvp-hung-rank-"))
        try:
            result = trial(work, rng, options.timeout, stop_leader=number % 2 == 1)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(json.dumps(result), flush=True)
        results.append(result)
        message = result.get("message", "")
        named = f"rank {result.get('stopped_rank')} never reached it" in message or "every rank reached it" in message
        ok = result.get("seconds_to_message") is not None and result.get("checkpoints_intact") and result.get("resumed")
        failed |= not (ok and named)
    times = sorted(r["seconds_to_message"] for r in results if r.get("seconds_to_message") is not None)
    exits = sorted(r["seconds_to_exit"] for r in results if "seconds_to_exit" in r)
    print(json.dumps({"timeout": options.timeout or 120, "trials": len(results),
                      "seconds_to_message_min_median_max": [times[0], times[len(times) // 2], times[-1]] if times else None,
                      "seconds_to_exit_min_median_max": [exits[0], exits[len(exits) // 2], exits[-1]] if exits else None,
                      "all_intact_and_resumed": not failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
