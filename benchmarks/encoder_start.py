"""Does the encoder's start pay? PSNR after k Adam steps from random starts and from E.

    python benchmarks/encoder_start.py --data ../shared/celeba --n 32 [--encoder FILE]

For each task, restores the first n validation faces (corrupted with seed 0) at the
task's tuned settings, run to --steps steps, from three kinds of start:
    random x2   the default: two random starts, the better one kept
    encoder+1   the first start E(naive inverse of y), the second random
    encoder     E's start alone (one restart: half the cost of the others)
and records the mean PSNR of the current answer (blended where the task blends)
every 10 steps. Prints, per task and start, the PSNR at a few step counts and the
first step at which the mean PSNR reaches the default's final one (random x2 after
--steps steps): "-" where it never does. Validation faces only.
"""

from __future__ import annotations

import argparse

from _cli import add_machine_options, parse_on_machine

import tutorial_lib as tl
from tutorial_lib.data import load_faces
from tutorial_lib.encoder import encoder_start, load_encoder
from tutorial_lib.solver import resolve_settings

STARTS = {"random x2": 2, "encoder+1": 2, "encoder": 1}  # name: restarts
EVERY = 10  # steps between two measurements
SHOWN = (0, 20, 50, 100, 200)  # step counts printed besides the last


def psnr_curve(x, y, op, G, D, steps, restarts, z_init) -> dict[int, float]:
    """Mean PSNR (dB) of the current answer every EVERY steps: {step: PSNR}."""
    settings = resolve_settings(op.name, steps=steps, restarts=restarts)
    curve = {}

    def record(step, x_now):
        answer = op.blend(x_now, y) if settings.blend else x_now
        curve[step] = tl.psnr(answer, x).mean().item()

    tl.restore(
        y, op, G, D, settings, z_init=z_init, callback=record, callback_every=EVERY
    )
    return curve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CelebA folder or validation .pt")
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--tasks", nargs="+", default=list(tl.TASKS))
    parser.add_argument(
        "--encoder", default=None, help="encoder file (default: shipped)"
    )
    add_machine_options(parser, device="cpu")
    args = parse_on_machine(parser)
    x = load_faces(args.data, "valid", args.n).to(args.device)
    G, D = tl.load_pretrained(device=args.device)
    E = load_encoder(args.device, args.encoder)  # init="encoder" is this, shipped E
    steps_shown = [k for k in SHOWN if k < args.steps] + [args.steps]
    print(f"mean PSNR (dB) on {len(x)} validation faces after k Adam steps\n")
    header = " | ".join(f"k={k}" for k in steps_shown)
    print(f"| task | start | {header} | steps to the default's final |")
    print("| --- | --- |" + " --- |" * (len(steps_shown) + 1))
    for task in args.tasks:
        op = tl.make_operator(task)
        y = op.corrupt(x, seed=0)
        codes = encoder_start(y, op, E)
        curves = {
            name: psnr_curve(
                x,
                y,
                op,
                G,
                D,
                args.steps,
                restarts,
                None if name == "random x2" else codes,
            )
            for name, restarts in STARTS.items()
        }
        target = curves["random x2"][args.steps]
        for name, curve in curves.items():
            reached = [k for k, value in sorted(curve.items()) if value >= target]
            cells = " | ".join(f"{curve[k]:.2f}" for k in steps_shown)
            print(
                f"| {task} | {name} | {cells} | {reached[0] if reached else '-'} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
