"""Curves and table of bench/quality/run.sh: bf16 against fp32 over one MNIST epoch.

Reads OUT/{fp32,bf16}-s{SEED}/train.log (the progress bar's plain lines: step and that step's
bits/dim, about one every 10 s) and eval.txt (test bits/dim over 3 noise draws). Prints, per
100-step window, each run's mean training bits/dim, the fp32 seeds' spread and each seed's bf16 -
fp32 gap; then the test bits/dim; and draws OUT/curves.png.
Usage: .venv/bin/python bench/quality/report.py [OUT]
"""

import pathlib
import re
import sys

from PIL import Image, ImageDraw

WINDOW = 100
LINE = re.compile(r"^training\s+(\d+)/(\d+).*?bits/dim ([\d.]+)")
EVAL = re.compile(r"test bits/dim: ([\d.]+) ± ([\d.]+)")
COLORS = {"fp32": (31, 119, 180), "bf16": (214, 39, 40)}


def read_run(folder):
    points = []
    for line in (folder / "train.log").read_text(errors="replace").splitlines():
        match = LINE.match(line)
        if match:
            points.append((int(match.group(1)), float(match.group(3))))
    test = None
    evaluation = folder / "eval.txt"
    if evaluation.exists():
        match = EVAL.search(evaluation.read_text())
        if match:
            test = (float(match.group(1)), float(match.group(2)))
    return points, test


def windows(points):
    means = {}
    for step, bits in points:
        means.setdefault((step - 1) // WINDOW, []).append(bits)
    return {k: sum(v) / len(v) for k, v in means.items()}


def draw(runs, path):
    width, height, margin = 900, 520, 60
    image = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(image)
    all_points = [p for points, _ in runs.values() for p in points if p[0] > 20]
    if not all_points:
        return
    max_step = max(s for s, _ in all_points)
    low = min(b for _, b in all_points)
    high = min(max(b for _, b in all_points), low + 3)

    def xy(step, bits):
        x = margin + (step / max_step) * (width - 2 * margin)
        y = height - margin - (min(bits, high) - low) / (high - low) * (height - 2 * margin)
        return x, y

    pen.rectangle([margin, margin, width - margin, height - margin], outline="black")
    for i in range(6):
        bits = low + (high - low) * i / 5
        _, y = xy(0, bits)
        pen.text((5, y - 6), f"{bits:.2f}", fill="black")
    for i in range(6):
        step = max_step * i / 5
        x, _ = xy(step, low)
        pen.text((x - 10, height - margin + 8), f"{step:.0f}", fill="black")
    pen.text((margin, 20), "mnist-bench, one MNIST epoch: training bits/dim per step "
             "(100-step means), fp32 blue, bf16 red; first seed thick, second thin with circles", fill="black")
    seeds = sorted({name.split("-s")[1] for name in runs})
    for name, (points, _) in sorted(runs.items()):
        precision, seed = name.split("-s")
        means = windows(points)
        line = [xy((k + 0.5) * WINDOW, v) for k, v in sorted(means.items())]
        first = seed == seeds[0]
        pen.line(line, fill=COLORS[precision], width=3 if first else 1)
        if not first:
            for x, y in line:
                pen.ellipse([x - 3, y - 3, x + 3, y + 3], outline=COLORS[precision])
    image.save(path)


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runs/bf16-quality")
    runs = {d.name: read_run(d) for d in sorted(out.glob("*-s*")) if (d / "train.log").exists()}
    seeds = sorted({name.split("-s")[1] for name in runs})
    table = {name: windows(points) for name, (points, _) in runs.items()}
    steps = sorted({k for means in table.values() for k in means})
    header = ["steps"] + sorted(runs) + ["fp32 seed spread"] + [f"bf16 - fp32 (s{s})" for s in seeds]
    print(" | ".join(header))
    for k in steps:
        row = [f"{k * WINDOW + 1}-{(k + 1) * WINDOW}"]
        row += [f"{table[n][k]:.3f}" if k in table[n] else "" for n in sorted(runs)]
        fp32 = [table[f"fp32-s{s}"][k] for s in seeds if k in table.get(f"fp32-s{s}", {})]
        row.append(f"{max(fp32) - min(fp32):.3f}" if len(fp32) > 1 else "")
        for s in seeds:
            a, b = table.get(f"bf16-s{s}", {}), table.get(f"fp32-s{s}", {})
            row.append(f"{a[k] - b[k]:+.3f}" if k in a and k in b else "")
        print(" | ".join(row))
    print()
    for name, (_, test) in sorted(runs.items()):
        print(f"{name}: test bits/dim " + (f"{test[0]:.4f} ± {test[1]:.4f}" if test else "(none)"))
    draw(runs, out / "curves.png")
    print(f"\ncurves: {out / 'curves.png'}")


if __name__ == "__main__":
    main()
