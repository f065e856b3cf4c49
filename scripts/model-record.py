#!/usr/bin/env python3
"""Writes the record of a trained model (models/NAME.json) from its runs' journals.

The record holds what stands behind the model's number: the configuration, the data, the budget
in words, how the last run ended, the test bits/dim over several noise draws (the line
`realnvp evaluate --noise-seeds 1,2,3` printed), the learning curve of every run in order (epochs
and steps counted across runs) and the runs' journal entries themselves. With --checkpoint, the
weights file's name and SHA-256 too; without, the record says the weights are not shipped.

    python3 scripts/model-record.py --name mnist --journal runs/a/journal.jsonl \\
        --journal runs/b/journal.jsonl --checkpoint models/mnist.safetensors \\
        --data "MNIST ..." --budget "..." --stopped "..." \\
        --evaluation "mnist-bench test bits/dim: 1.4814 ± 0.0002 (10000 images, 3 noise draws: ...)"

Each --journal may name a run (--run ID, once per journal, in the same order); without, the
journal's only run is taken.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVALUATION = re.compile(
    r"^(?P<config>\S+) test bits/dim: (?P<mean>[\d.]+) ± (?P<sd>[\d.]+) \((?P<images>\d+) images, "
    r"(?P<draws>\d+) noise draws: (?P<values>[\d., ]+)\)$")


def journal_entries(path: Path, run: str | None) -> list[dict]:
    """The journal lines of one run (its start, epochs and ends), in order."""
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    ids = []
    for line in lines:
        for kind, value in line.items():
            record = value.get("_0", value)
            identifier = record.get("id")
            if identifier and identifier not in ids:
                ids.append(identifier)
    if run is None:
        if len(ids) != 1:
            sys.exit(f"{path} holds {len(ids)} runs ({', '.join(ids)}); name one with --run")
        run = ids[0]
    if run not in ids:
        sys.exit(f"{path} has no run {run}; it holds {', '.join(ids)}")
    return [line for line in lines if any(v.get("_0", v).get("id") == run for v in line.values())]


def curve(entries: list[list[dict]]) -> list[dict]:
    """The epochs of the runs in order, numbered and stepped across runs."""
    points, epochs, steps = [], 0, 0
    for run in entries:
        run_id = None
        last_steps = 0
        for line in run:
            if "epoch" not in line:
                continue
            run_id = line["epoch"]["id"]
            record = dict(line["epoch"]["record"])
            record.pop("bestCheckpoint", None)
            epochs += 1
            last_steps = record["steps"]
            points.append({**record, "epoch": epochs, "steps": steps + record["steps"], "run": run_id})
        steps += last_steps
    return points


def evaluation(text: str) -> dict:
    match = EVALUATION.match(text.strip())
    if not match:
        sys.exit(f"--evaluation is not a line of `realnvp evaluate`: {text!r}")
    values = [float(v) for v in match["values"].split(",")]
    key = f"all {int(match['images']):,} test images, noise seeds {', '.join(str(i + 1) for i in range(len(values)))}"
    return {key: values, "mean": float(match["mean"]), "sd": float(match["sd"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--name", required=True, help="the record is models/NAME.json")
    parser.add_argument("--journal", type=Path, action="append", required=True)
    parser.add_argument("--run", action="append", default=[])
    parser.add_argument("--checkpoint", type=Path, help="the shipped weights (omit when none are shipped)")
    parser.add_argument("--data", required=True, help="which data, in words")
    parser.add_argument("--budget", required=True, help="steps, batch, learning rates, wall time, machine")
    parser.add_argument("--stopped", required=True, help="how the last run ended")
    parser.add_argument("--evaluation", required=True, help="the line `realnvp evaluate` printed")
    parser.add_argument("--output", type=Path, help="default: models/NAME.json")
    args = parser.parse_args()
    if args.run and len(args.run) != len(args.journal):
        sys.exit("give --run once per --journal, or not at all")
    runs = [journal_entries(path, args.run[i] if args.run else None) for i, path in enumerate(args.journal)]
    start = next(line["start"]["_0"] for line in runs[0] if "start" in line)
    record: dict = {}
    if args.checkpoint:
        record["file"] = args.checkpoint.name
        record["sha256"] = hashlib.sha256(args.checkpoint.read_bytes()).hexdigest()
    else:
        record["file"] = None
        record["weights"] = "not shipped: the run record and curve only"
    record.update({
        "configuration": start["configuration"], "data": args.data, "budget": args.budget,
        "stopped": args.stopped, "test_bits_per_dim": evaluation(args.evaluation),
        "learning_curve": curve(runs), "journal": [line for run in runs for line in run],
    })
    output = args.output or ROOT / "models" / f"{args.name}.json"
    output.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {output}: {len(record['learning_curve'])} epochs over {len(runs)} runs")


if __name__ == "__main__":
    main()
