"""What a student sees when moving the explorer's lambda slider, per task.

    python benchmarks/slider_visibility.py --data runs/faces_valid.pt --n 8 --threads 2

As the explorer does (tutorial_lib.widgets): the tuned restoration first, then for every
position of the lambda slider (10^-3 to 10^2 in quarter decades) a re-run of 30 Adam
steps warm-started from the tuned z, with D's term on and off. For each pair of
neighbouring positions: the mean absolute change of the picture in gray levels (of
255), and each position's PSNR against the truth; and at each position, how much the
picture changes when D's checkbox is ticked (gray levels / PSNR with D minus without). One gray level is about the least a
viewer notices on a projector; a change of 10 is plain. Validation faces only.
"""

from __future__ import annotations

import argparse

import torch
from _cli import add_machine_options, parse_on_machine

import tutorial_lib as tl
from tutorial_lib.data import load_faces

LAMBDAS = [10 ** (k / 4) for k in range(-12, 9)]  # the slider's 21 positions


def sweep(x, task, G, D, steps: int = 30) -> dict[bool, torch.Tensor]:
    """use_D -> x_hat (len(LAMBDAS), N, 3, 64, 64): warm re-runs from the tuned result."""
    op = tl.make_operator(task)
    y = op.corrupt(x, seed=0)
    tuned = tl.restore(y, op, G, D)
    return {
        use_D: torch.stack(
            [
                tl.restore(
                    y, op, G, D, lam=lam, steps=steps, use_D=use_D, z_init=tuned.z
                ).x_hat
                for lam in LAMBDAS
            ]
        )
        for use_D in (True, False)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CelebA folder or validation .pt")
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--tasks", nargs="+", default=list(tl.TASKS))
    add_machine_options(parser, device=None)
    args = parse_on_machine(parser)
    x = load_faces(args.data, "valid", args.n)
    G, D = tl.load_pretrained(device=args.device)
    x = x.to(next(G.parameters()).device)
    print(
        f"{args.n} validation faces; per lambda: mean |change| from the previous "
        "slider position (gray levels of 255) / PSNR dB against the truth\n"
    )
    header = " | ".join(f"{lam:.3g}" for lam in LAMBDAS)
    print(f"| task | D's term | {header} |\n|" + " --- |" * (len(LAMBDAS) + 2))
    for task in args.tasks:
        x_hat = sweep(x, task, G, D)
        for use_D, images in x_hat.items():
            change = 255 * (images[1:] - images[:-1]).abs().mean(dim=(1, 2, 3, 4))
            psnr = torch.stack([tl.psnr(im, x).mean() for im in images])
            cells = [f"- / {psnr[0]:.1f}"] + [
                f"{c:.1f} / {q:.1f}" for c, q in zip(change.tolist(), psnr[1:].tolist())
            ]
            print(
                f"| {task} | {'on' if use_D else 'off'} | " + " | ".join(cells) + " |"
            )
        # the checkbox: the same lambda with D's term on and off
        toggle = 255 * (x_hat[True] - x_hat[False]).abs().mean(dim=(1, 2, 3, 4))
        gap = [
            (tl.psnr(on, x) - tl.psnr(off, x)).mean().item()
            for on, off in zip(x_hat[True], x_hat[False])
        ]
        cells = [f"{c:.1f} / {g:+.2f}" for c, g in zip(toggle.tolist(), gap)]
        print(f"| {task} | on vs off | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
