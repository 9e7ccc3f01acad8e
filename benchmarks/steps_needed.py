"""How many Adam steps does each task need from the encoder's start? Validation faces.

    python benchmarks/steps_needed.py --data ../shared/celeba --n 64 [--steps 300] \
        [--reference 200] [--tolerance 0.05] [--min-steps 20]

For each task, restores the first n validation faces (corrupted with seed 0) at the
task's tuned settings, run to --steps steps from the encoder's start, and records
every face's PSNR (blended where the task blends) every 10 steps. Prints the mean
PSNR at a few step counts and the fewest steps k (at least --min-steps: the curve
wobbles by a few hundredths early on) whose mean is within --tolerance dB of the mean
at --reference steps (the old default, 200), with the paired difference
PSNR(k) - PSNR(reference) over the faces: mean and its standard error. Those k are
the per-task steps of tutorial_lib.solver.TUNED_SETTINGS: the table's GAN row costs
steps x faces, so every step saved is time saved. Validation faces only: the test
faces are the table's.
"""

from __future__ import annotations

import argparse

import torch
from _cli import add_machine_options, parse_on_machine

import tutorial_lib as tl
from tutorial_lib.data import load_faces
from tutorial_lib.metrics import mean_and_error
from tutorial_lib.solver import resolve_settings

EVERY = 10  # steps between two measurements
SHOWN = (0, 20, 50, 100, 150, 200, 300)


def psnr_per_face(x, y, op, G, D, steps) -> dict[int, torch.Tensor]:
    """{step: (N,) PSNR of the current answer} every EVERY steps, encoder start."""
    settings = resolve_settings(op.name, steps=steps, init="encoder", restarts=1)
    curve = {}

    def record(step, x_now):
        answer = op.blend(x_now, y) if settings.blend else x_now
        curve[step] = tl.psnr(answer, x).cpu()

    tl.restore(y, op, G, D, settings, callback=record, callback_every=EVERY)
    return curve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CelebA folder or validation .pt")
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--reference", type=int, default=200)
    parser.add_argument("--tolerance", type=float, default=0.05, help="dB")
    parser.add_argument("--min-steps", type=int, default=20)
    parser.add_argument("--tasks", nargs="+", default=list(tl.TASKS))
    add_machine_options(parser, device="cpu")
    args = parse_on_machine(parser)
    if args.reference > args.steps or args.reference % EVERY:
        parser.error(f"--reference must be a multiple of {EVERY} up to --steps")
    x = load_faces(args.data, "valid", args.n).to(args.device)
    G, D = tl.load_pretrained(device=args.device)
    shown = [k for k in SHOWN if k <= args.steps]
    print(f"mean PSNR (dB) on {len(x)} validation faces after k Adam steps\n")
    print(
        "| task | "
        + " | ".join(f"k={k}" for k in shown)
        + f" | fewest k within {args.tolerance} dB of k={args.reference}"
        + f" | PSNR(k) - PSNR({args.reference}), mean ± SE |"
    )
    print("| --- |" + " --- |" * (len(shown) + 2))
    for task in args.tasks:
        op = tl.make_operator(task)
        y = op.corrupt(x, seed=0)
        curve = psnr_per_face(x, y, op, G, D, args.steps)
        reference = curve[args.reference]
        k = next(
            k
            for k, v in sorted(curve.items())
            if k >= args.min_steps and v.mean() >= reference.mean() - args.tolerance
        )
        diff, se = mean_and_error(curve[k] - reference)
        cells = " | ".join(f"{curve[s].mean():.2f}" for s in shown)
        print(f"| {task} | {cells} | {k} | {diff:+.3f} ± {se:.3f} |", flush=True)


if __name__ == "__main__":
    main()
