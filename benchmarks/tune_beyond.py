"""Tune ILO and DGP (tutorial_lib.beyond) on validation faces, never on test faces.

    python benchmarks/tune_beyond.py --data runs/faces_valid.pt --n 32 --threads 1 \\
        --out runs/beyond/tune

For each task: corrupt the first n validation faces (seed 0, one batch, as
tutorial_lib.evaluate does for a batch starting at face 0), restore them once with
restore()'s tuned defaults (the start of both methods), then run
    ILO for every --ilo-layers x --radii x --ilo-lrs, and
    DGP for every --dgp-layers x --dgp-lrs,
each for the largest of --steps, reading the kept answer at every value of --steps
from one run (an answer after s steps does not depend on how many follow: each
method keeps the best iterate so far). Steps 0 is restore()'s answer.
Writes OUT.csv (one row per method, task, setting and steps: mean PSNR, SSIM, their
standard errors over the faces, seconds per face) and OUT.md (the same, and the best
setting per task by mean PSNR, SSIM breaking ties within 0.05 dB).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
import time
from pathlib import Path

import torch
from _cli import add_machine_options, parse_on_machine

import tutorial_lib as tl
from tutorial_lib.beyond import restore_dgp, restore_ilo
from tutorial_lib.data import load_faces
from tutorial_lib.metrics import mean_and_error


def run_one(method, y, x, op, G, D, r, steps, **knobs):
    """Mean PSNR / SSIM (and errors) and seconds per face after each value of steps."""
    rows, began, kept = [], time.perf_counter(), {}

    def record(step, x_best):
        if step in steps:
            kept[step] = (x_best.clone(), time.perf_counter() - began)

    refine = restore_ilo if method == "ilo" else restore_dgp
    refine(y, op, G, D, steps=max(steps), r=r, callback=record, **knobs)
    kept[0] = (r.x_gan, 0.0)
    for step in sorted(steps):
        x_gan, seconds = kept[step]
        x_hat = op.blend(x_gan, y) if r.settings.blend else x_gan
        p, p_err = mean_and_error(tl.psnr(x_hat, x))
        s, s_err = mean_and_error(tl.ssim(x_hat, x))
        row = dict(method=method, **knobs, steps=step, psnr=p, psnr_se=p_err)
        row.update(ssim=s, ssim_se=s_err, seconds_per_face=seconds / len(x))
        rows.append(row)
    return rows


def best_rows(rows):
    """Per (task, method): the best mean PSNR; SSIM breaks ties within 0.05 dB."""
    best = {}
    for row in rows:
        key = (row["task"], row["method"])
        top = best.get(key)
        if top is None or row["psnr"] > top["psnr"] + 0.05:
            best[key] = row
        elif row["psnr"] > top["psnr"] - 0.05 and row["ssim"] > top["ssim"]:
            best[key] = row
    return best


COLUMNS = ["task", "method", "layer", "radius", "lr", "steps", "psnr", "psnr_se"]
COLUMNS += ["ssim", "ssim_se", "seconds_per_face", "restore_seconds_per_face"]


def _cell(v):
    return f"{v:.4g}" if isinstance(v, float) else ("" if v is None else str(v))


def markdown(rows, lines):
    table = ["| " + " | ".join(COLUMNS) + " |", "|---" * len(COLUMNS) + "|"]
    table += ["| " + " | ".join(_cell(r.get(c)) for c in COLUMNS) + " |" for r in rows]
    best = best_rows(rows)
    chosen = ["| " + " | ".join(COLUMNS) + " |", "|---" * len(COLUMNS) + "|"]
    chosen += [
        "| " + " | ".join(_cell(r.get(c)) for c in COLUMNS) + " |"
        for r in best.values()
    ]
    parts = lines + ["", "## Best per task", ""] + chosen + ["", "## All runs", ""]
    return "\n".join(parts + table) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default="runs/faces_valid.pt", help="validation faces"
    )
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument(
        "--tasks", nargs="+", default=["super_resolution", "denoising", "quantization"]
    )
    parser.add_argument(
        "--steps", type=int, nargs="+", default=[25, 50, 100, 200]
    )  # and 0
    parser.add_argument("--ilo-layers", type=int, nargs="*", default=[16, 32])
    parser.add_argument("--radii", type=float, nargs="+", default=[0.1, 0.2, 0.4, 0.8])
    parser.add_argument("--ilo-lrs", type=float, nargs="+", default=[0.01])
    parser.add_argument("--dgp-layers", type=int, nargs="*", default=[8, 16])
    parser.add_argument("--dgp-lrs", type=float, nargs="+", default=[1e-4, 3e-4, 1e-3])
    parser.add_argument("--out", required=True, help="writes OUT.csv and OUT.md")
    add_machine_options(parser, device="cpu")
    args = parse_on_machine(parser)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    G, D = tl.load_pretrained(args.device)
    x = load_faces(args.data, "valid", args.n).to(args.device)
    rows = []
    lines = [
        "# ILO and DGP on validation faces",
        "",
        f"command: python benchmarks/tune_beyond.py {' '.join(sys.argv[1:])}",
        f"torch threads: {torch.get_num_threads()}; device: {args.device}; "
        f"{args.n} faces; steps 0 is restore()'s answer (its tuned defaults)",
    ]
    for task in args.tasks:
        op = tl.make_operator(task)
        y = op.corrupt(x, seed=0)
        began = time.perf_counter()
        r = tl.restore(y, op, G, D, seed=0)
        restore_seconds = (time.perf_counter() - began) / len(x)
        runs = [
            ("ilo", dict(layer=layer, radius=radius, lr=lr))
            for layer, radius, lr in itertools.product(
                args.ilo_layers, args.radii, args.ilo_lrs
            )
        ] + [
            ("dgp", dict(layer=layer, lr=lr))
            for layer, lr in itertools.product(args.dgp_layers, args.dgp_lrs)
        ]
        for method, knobs in runs:
            steps = set(args.steps) | {0}
            new = run_one(method, y, x, op, G, D, r, steps, **knobs)
            for row in new:
                row.update(task=task, restore_seconds_per_face=restore_seconds)
            rows += new
            top = max(new, key=lambda row: row["psnr"])
            print(task, method, knobs, f"best {top['psnr']:.2f} dB at {top['steps']}")
            with open(out.with_suffix(".csv"), "w", newline="") as file:
                writer = csv.DictWriter(file, fieldnames=COLUMNS, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)
            out.with_suffix(".md").write_text(markdown(rows, lines))


if __name__ == "__main__":
    main()
