"""The `realnvp` command-line tool end to end on a small toy run (release build)."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / ".build" / "release" / "realnvp"


def realnvp(*args: str, cwd: Path, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    if not TOOL.is_file():
        pytest.fail(f"{TOOL} is not built; run `swift build -c release` first")
    return subprocess.run([str(TOOL), *args], cwd=cwd, capture_output=True, text=True, check=check, timeout=300,
                          env=None if env is None else {**os.environ, **env})


def mnist_folder() -> Path:
    """Where `realnvp data fetch mnist` puts MNIST (the tool's own rule)."""
    if os.environ.get("MNIST_DIR"):
        return Path(os.environ["MNIST_DIR"])
    root = os.environ.get("REALNVP_DATA") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "realnvp"
    return Path(root) / "mnist"


def test_shipped_mnist_model_samples_evaluates_and_is_checked(tmp_path):
    sampled = realnvp("sample", "--pretrained", "mnist", "--count", "16", "--temperature", "0.7",
                      "--output", "digits.png", cwd=tmp_path)
    png = (tmp_path / "digits.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 1000, sampled.stdout

    unknown = realnvp("sample", "--pretrained", "cifar", cwd=tmp_path, check=False)
    assert unknown.returncode != 0 and "No shipped model" in unknown.stderr and "mnist" in unknown.stderr

    damaged = tmp_path / "damaged-models"
    shutil.copytree(ROOT / "models", damaged)
    with open(damaged / "mnist.safetensors", "r+b") as file:
        file.seek(-3, os.SEEK_END)
        file.write(b"\x00\x01\x02")
    refused = realnvp("sample", "--pretrained", "mnist", cwd=tmp_path, check=False,
                      env={"REALNVP_MODELS": str(damaged)})
    assert refused.returncode != 0 and "sha256" in refused.stderr and "mnist.safetensors" in refused.stderr

    if not (mnist_folder() / "t10k-images.idx3-ubyte").is_file():
        pytest.skip(f"MNIST is not in {mnist_folder()}; `realnvp data fetch mnist` fetches it")
    evaluated = realnvp("evaluate", "--pretrained", "mnist", "--limit", "256", "--noise-seeds", "1,2",
                        cwd=tmp_path)
    bits = float(evaluated.stdout.split("test bits/dim:")[1].split()[0])
    assert "256 images, 2 noise draws" in evaluated.stdout
    assert 1.0 < bits < 1.92, f"the shipped model should beat the post's 1.92 bits/dim: {evaluated.stdout}"


def test_train_evaluate_sample_journal_and_replay(tmp_path):
    trained = realnvp("train", "--config", "toy2d-quick", "--epochs", "2", "--note", "cli test", cwd=tmp_path)
    checkpoint = tmp_path / "checkpoints" / "toy2d-quick.safetensors"
    assert checkpoint.is_file(), trained.stdout + trained.stderr

    evaluated = realnvp("evaluate", "--config", "toy2d-quick", "--checkpoint", str(checkpoint), cwd=tmp_path)
    bits = float(evaluated.stdout.split("test bits/dim:")[1].split()[0])
    assert 0 < bits < 2.0, evaluated.stdout

    realnvp("sample", "--config", "toy2d-quick", "--checkpoint", str(checkpoint), "--count", "300",
            "--output", "toy.svg", cwd=tmp_path)
    circles = [e for e in ElementTree.parse(tmp_path / "toy.svg").iter() if e.tag.endswith("circle")]
    assert len(circles) >= 300

    listing = realnvp("journal", "list", cwd=tmp_path).stdout.splitlines()
    assert len(listing) == 2 and "cli test" in listing[1] and "completed" in listing[1]
    run_id = listing[1].split()[0]
    shown = realnvp("journal", "show", run_id, cwd=tmp_path).stdout
    assert '"checksum"' in shown and "toy2d-quick.safetensors" in shown

    replay = realnvp("replay", run_id, cwd=tmp_path)
    assert "match the record exactly" in replay.stdout


def test_bad_input_is_a_clear_error_not_a_crash(tmp_path):
    unknown = realnvp("evaluate", "--config", "nope", "--checkpoint", "x", cwd=tmp_path, check=False)
    assert unknown.returncode != 0 and "expected one of" in unknown.stderr
    missing = realnvp("evaluate", "--config", "toy2d-quick", "--checkpoint", "absent.safetensors",
                      cwd=tmp_path, check=False)
    assert missing.returncode != 0 and "absent.safetensors" in missing.stderr


def test_seed_sets_initialization_and_data_order_and_is_recorded(tmp_path):
    import json

    def run(seed: str, journal: str) -> dict:
        realnvp("train", "--config", "toy2d-quick", "--epochs", "1", "--max-steps-per-epoch", "3",
                "--seed", seed, "--journal", journal, cwd=tmp_path)
        run_id = realnvp("journal", "list", "--journal", journal, cwd=tmp_path).stdout.splitlines()[1].split()[0]
        shown = realnvp("journal", "show", run_id, "--journal", journal, cwd=tmp_path).stdout
        return json.loads(shown[shown.index("{"):])

    five, again, six = run("5", "a"), run("5", "b"), run("6", "c")
    assert five["model"]["toy2D"]["seed"] == 5 and five["options"]["seed"] == 5
    assert six["model"]["toy2D"]["seed"] == 6 and six["options"]["seed"] == 6
    assert five["epochs"][0]["trainLoss"] == again["epochs"][0]["trainLoss"]
    assert five["epochs"][0]["trainLoss"] != six["epochs"][0]["trainLoss"]


def test_learning_rate_schedule_flags_are_recorded_and_checked(tmp_path):
    import json

    realnvp("train", "--config", "toy2d-quick", "--epochs", "1", "--max-steps-per-epoch", "3",
            "--learning-rate", "2e-4", "--warmup-steps", "10", "--decay-every", "50", "--decay-factor", "0.25",
            "--journal", "j", cwd=tmp_path)
    run_id = realnvp("journal", "list", "--journal", "j", cwd=tmp_path).stdout.splitlines()[1].split()[0]
    shown = realnvp("journal", "show", run_id, "--journal", "j", cwd=tmp_path).stdout
    options = json.loads(shown[shown.index("{"):])["options"]
    assert (options["learningRate"], options["warmupSteps"]) == (2e-4, 10)
    assert (options["decayEvery"], options["decayFactor"]) == (50, 0.25)
    for flag, value, message in [
        ("--learning-rate", "-1", "--learning-rate must be a positive number"),
        ("--decay-factor", "1.5", "--decay-factor must be in (0, 1]"),
        ("--decay-every", "0", "--decay-every must be at least 1"),
    ]:
        refused = realnvp("train", "--config", "toy2d-quick", f"{flag}={value}", cwd=tmp_path, check=False)
        assert refused.returncode != 0 and message in refused.stderr, refused.stderr


def test_replicas_train_on_threads_of_one_process_as_one_process_does(tmp_path):
    import json

    def run(journal: str, *options: str) -> tuple[subprocess.CompletedProcess, dict]:
        done = realnvp("train", "--config", "toy2d-quick", "--epochs", "2", "--max-steps-per-epoch", "5",
                       "--journal", journal, "--checkpoint-directory", journal, *options, cwd=tmp_path)
        listing = realnvp("journal", "list", "--journal", journal, cwd=tmp_path).stdout.splitlines()
        assert len(listing) == 2, listing
        shown = realnvp("journal", "show", listing[1].split()[0], "--journal", journal, cwd=tmp_path).stdout
        return done, json.loads(shown[shown.index("{"):])

    _, one = run("one")
    two, record = run("two", "--replicas", "2")
    assert "Data-parallel on 2 replica threads, 100 samples each per step" in two.stdout, two.stdout
    assert two.stdout.count("Checkpoint:") == 1, "only rank 0 reports"
    assert "rank 0 of 2: allreduce" in two.stderr and "rank 1 of 2: allreduce" in two.stderr, two.stderr
    assert (tmp_path / "two" / "toy2d-quick.safetensors").is_file()
    assert record["environment"]["worldSize"] == 2 and record["environment"]["threads"] == 1
    assert [e["steps"] for e in record["epochs"]] == [5, 10]
    for a, b in zip(record["epochs"], one["epochs"]):
        assert abs(a["trainLoss"] - b["trainLoss"]) <= 1e-4 * abs(b["trainLoss"]), (a, b)

    for options, message in [
        (["--replicas", "3"], "does not split into 3 equal shares"),
        (["--replicas", "0"], "--replicas must be at least 1"),
    ]:
        refused = realnvp("train", "--config", "toy2d-quick", *options, cwd=tmp_path, check=False)
        assert refused.returncode != 0 and message in refused.stderr, refused.stderr
    under_mpirun = realnvp("train", "--config", "toy2d-quick", "--replicas", "2", cwd=tmp_path, check=False,
                           env={"OMPI_COMM_WORLD_SIZE": "2"})
    assert under_mpirun.returncode != 0 and "use either mpirun or --replicas" in under_mpirun.stderr

    bench = json.loads(realnvp("bench", "--config", "mnist-bench", "--steps", "1", "--warmup", "0", "--replicas", "2",
                               cwd=tmp_path).stdout)
    assert (bench["replicas"], bench["threads"], bench["batch"]) == (2, 1, 64), bench
    lone = realnvp("bench", "--config", "conv3x3-64", "--replicas", "2", cwd=tmp_path, check=False)
    assert lone.returncode != 0 and "lone convolution" in lone.stderr


def test_bench_names_the_kernels_it_ran(tmp_path):
    import json

    line = json.loads(realnvp("bench", "--config", "conv3x3-64", "--steps", "1", "--warmup", "0", cwd=tmp_path).stdout)
    assert line["isa"] and line["gemm"].startswith("oneDNN") and line["conv_engine"].startswith("oneDNN"), line


def test_a_cpu_without_avx2_takes_the_portable_path_and_says_so_once(tmp_path):
    import json
    import os

    env = dict(os.environ, DNNL_MAX_CPU_ISA="SSE41")
    done = subprocess.run([str(TOOL), "bench", "--config", "conv3x3-64", "--steps", "2", "--warmup", "1"], cwd=tmp_path,
                          capture_output=True, text=True, check=True, timeout=300, env=env)
    notices = [line for line in done.stderr.splitlines() if "no AVX2" in line]
    assert len(notices) == 1 and "sse41" in notices[0], done.stderr
    assert json.loads(done.stdout)["isa"] == "sse41"


def test_bf16_without_avx512_bf16_runs_as_fp32_and_says_so_once(tmp_path):
    import json

    done = realnvp("bench", "--config", "conv3x3-64", "--steps", "2", "--warmup", "1", "--precision", "bf16",
                   cwd=tmp_path, env={"DNNL_MAX_CPU_ISA": "AVX512_CORE"})
    notices = [line for line in done.stderr.splitlines() if "no AVX512_BF16" in line]
    assert len(notices) == 1 and "runs as fp32" in notices[0], done.stderr
    line = json.loads(done.stdout)
    assert line["precision"] == "fp32" and "bf16" not in line["conv_engine"], line


def test_precision_flag_is_recorded_and_bf16_runs_where_the_cpu_has_it(tmp_path):
    import json

    realnvp("train", "--config", "mnist-quick", "--data", "fashion-mnist", "--epochs", "1",
            "--max-steps-per-epoch", "2", "--max-validation-samples", "64", "--precision", "bf16",
            "--journal", "j", cwd=tmp_path)
    run_id = realnvp("journal", "list", "--journal", "j", cwd=tmp_path).stdout.splitlines()[1].split()[0]
    shown = realnvp("journal", "show", run_id, "--journal", "j", cwd=tmp_path).stdout
    assert json.loads(shown[shown.index("{"):])["options"]["precision"] == "bf16"
    line = json.loads(realnvp("bench", "--config", "conv3x3-64", "--steps", "1", "--warmup", "0",
                              "--precision", "bf16", cwd=tmp_path).stdout)
    if "bf16" in line["isa"]:
        assert line["precision"] == "bf16" and "bf16" in line["conv_engine"], line
    else:
        assert line["precision"] == "fp32", line
    refused = realnvp("bench", "--precision", "fp16", cwd=tmp_path, check=False)
    assert refused.returncode != 0 and "fp16" in refused.stderr, refused.stderr


def read_safetensors(path: Path) -> dict:
    """The raw bytes of every tensor in a safetensors file, by name."""
    import json
    import struct

    data = path.read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    return {name: body[entry["data_offsets"][0]:entry["data_offsets"][1]]
            for name, entry in header.items() if name != "__metadata__"}


def test_resume_reads_the_runs_own_data_and_a_segment_without_steps_has_no_rate(tmp_path):
    shutil.copytree("/usr/share/datasets/fashion-mnist", tmp_path / "clothes")
    common = ["train", "--config", "mnist-quick", "--max-validation-samples", "16", "--threads", "1"]
    realnvp(*common, "--data", "clothes", "--epochs", "1", "--max-steps-per-epoch", "6", "--checkpoint-every", "4",
            cwd=tmp_path)
    run_id = realnvp("journal", "list", cwd=tmp_path).stdout.splitlines()[1].split()[0]
    # The run trained on ./clothes, not on the configuration's default data: --resume reads it
    # again without being told. Its resume point is at batch 4; with 4 steps per epoch there is
    # nothing left to run, so the segment times no step and reports no rate.
    resumed = realnvp("train", "--resume", run_id, "--epochs", "1", "--max-steps-per-epoch", "4",
                      "--threads", "1", cwd=tmp_path)
    assert f"Resuming run {run_id} at epoch 1, batch 4 (step 4)" in resumed.stdout, resumed.stdout
    lines = resumed.stdout.splitlines()
    header = next(line for line in lines if "images/s" in line)
    row = next(line for line in lines if line.strip().startswith("1 "))
    column = slice(header.index("images/s"), header.index("images/s") + len("images/s"))
    assert row[column].strip() == "", f"a rate without a timed step:\n{header}\n{row}"


def test_resume_continues_a_run_exactly_and_sigterm_leaves_a_resume_point(tmp_path):
    import json
    import signal
    import time

    common = ["train", "--config", "toy2d-quick", "--max-steps-per-epoch", "6", "--seed", "3", "--threads", "1"]
    realnvp(*common, "--epochs", "2", "--checkpoint-directory", "straight", cwd=tmp_path)
    # One epoch leaves its resume point at step 4 (mid-epoch); resuming that run by its id for 2
    # epochs must end exactly where the uninterrupted 2-epoch run ended, in the same journal entry.
    realnvp(*common, "--epochs", "1", "--checkpoint-every", "4", "--checkpoint-directory", "first", cwd=tmp_path)
    assert (tmp_path / "first/toy2d-quick.best.safetensors").is_file(), "no best-on-validation checkpoint"
    run_id = realnvp("journal", "list", cwd=tmp_path).stdout.splitlines()[2].split()[0]
    resumed = realnvp("train", "--resume", run_id, "--epochs", "2", "--checkpoint-directory", "first",
                      "--threads", "1", cwd=tmp_path)
    assert f"Resuming run {run_id} at epoch 1, batch 4 (step 4)" in resumed.stdout, resumed.stdout
    assert read_safetensors(tmp_path / "first/toy2d-quick.safetensors") == \
        read_safetensors(tmp_path / "straight/toy2d-quick.safetensors")
    listing = realnvp("journal", "list", cwd=tmp_path).stdout.splitlines()
    assert len(listing) == 3, "the resumed run is the same journal entry, not a new one:\n" + "\n".join(listing)
    record = json.loads(realnvp("journal", "show", run_id, cwd=tmp_path).stdout)
    assert [s["fromStep"] for s in record["segments"]] == [4] and record["status"] == "completed"
    assert [e["epoch"] for e in record["epochs"]] == [1, 2]
    assert "bestCheckpoint" in record["epochs"][0]

    other = realnvp("train", "--config", "toy2d-quick", "--seed", "4", "--resume",
                    "first/toy2d-quick.resume.safetensors", cwd=tmp_path, check=False)
    assert other.returncode != 0 and "modelSeed: 3 vs 4" in other.stderr, other.stderr
    unknown = realnvp("train", "--resume", "no-such-run", cwd=tmp_path, check=False)
    assert unknown.returncode != 0 and "no-such-run" in unknown.stderr, unknown.stderr

    run = subprocess.Popen([str(TOOL), *common, "--epochs", "100000", "--checkpoint-every", "1000000",
                            "--checkpoint-directory", "stopped"], cwd=tmp_path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    run.send_signal(signal.SIGTERM)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 0, err
    assert (tmp_path / "stopped/toy2d-quick.resume.safetensors").is_file(), out + err
