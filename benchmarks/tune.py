"""Tune a restoration method's parameters on validation faces (never on test faces).

    python benchmarks/tune.py --method tv --data ../shared/celeba --n 32 \
        --tasks denoising super_resolution --grid lam=0.01,0.03,0.1 [--grid iters=100,300]
    python benchmarks/tune.py --method gan --data ../shared/celeba --n 8 --grid lam=0,0.1,1

``--method`` is any of tutorial_lib.evaluate.METHODS: the GAN prior ("gan", with the
shipped weights) or a hand-made baseline ("tv", "lowrank", "sparse").

For every task and every combination of the grid values, restores the first n faces
of the validation split (``--data``: a CelebA folder, or a .pt of validation faces made
by ``python -m tutorial_lib prepare --split valid``) and prints mean PSNR / SSIM with
their standard errors over the faces, and seconds per face; the last column marks the
best mean PSNR (SSIM breaks ties within 0.05 dB). Parameters left out of the grid take
the method's TUNED_SETTINGS for the task; a boolean takes true / false (``--grid use_D=true,false``),
a name is kept as text (``--grid precision=fp32,bf16``).
``--weights`` tunes the GAN prior with another weights file than the shipped one.
The chosen values go into the method's TUNED_SETTINGS with a comment naming this command.
"""

from __future__ import annotations

import argparse
import itertools

from _cli import add_machine_options, parse_on_machine

import tutorial_lib as tl
from tutorial_lib.data import load_faces
from tutorial_lib.evaluate import METHODS, evaluate_method
from tutorial_lib.metrics import mean_and_error


def _value(text: str):
    """ "true" -> True, "3" -> 3, "0.1" -> 0.1, "bf16" -> "bf16"."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def parse_grid(items: list[str]) -> dict[str, list]:
    """["lam=0.1,1", "iters=100", "use_D=true,false"] ->
    {"lam": [0.1, 1.0], "iters": [100], "use_D": [True, False]}."""
    grid = {}
    for item in items:
        name, _, values = item.partition("=")
        if not values:
            raise SystemExit(f"error: --grid wants name=v1,v2,..., got {item!r}")
        grid[name] = [_value(v) for v in values.split(",")]
    return grid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", required=True, choices=METHODS)
    parser.add_argument("--data", required=True, help="CelebA folder or validation .pt")
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--tasks", nargs="+", default=list(tl.TASKS))
    parser.add_argument("--grid", action="append", default=[], help="name=v1,v2,...")
    parser.add_argument("--batch-size", type=int, default=16)
    add_machine_options(parser, device=None)
    parser.add_argument(
        "--weights", default=None, help="GAN weights (default: shipped)"
    )
    args = parse_on_machine(parser)

    grid = parse_grid(args.grid)
    x = load_faces(args.data, "valid", args.n)
    G = D = None
    if args.method == "gan":
        G, D = tl.load_pretrained(device=args.device, path=args.weights)
    device = args.device or (None if G is not None else "cpu")
    print(f"{args.method} on {len(x)} validation faces; grid {grid or 'defaults only'}")
    print("| task | parameters | PSNR dB (± s.e.) | SSIM (± s.e.) | s / face | best |")
    print("| --- | --- | --- | --- | --- | --- |")
    for task in args.tasks:
        rows = []
        for values in itertools.product(*grid.values()):
            params = dict(zip(grid, values))
            s = evaluate_method(
                x,
                task,
                args.method,
                G,
                D,
                batch_size=args.batch_size,
                device=device,
                **params,
            )
            rows.append(
                (
                    params,
                    *mean_and_error(s["psnr"]),
                    *mean_and_error(s["ssim"]),
                    s["seconds"].sum().item() / len(x),
                )
            )
        top = max(r[1] for r in rows)
        best = max((r for r in rows if r[1] >= top - 0.05), key=lambda r: r[3])
        for r in rows:
            shown = ", ".join(f"{k}={v}" for k, v in r[0].items()) or "defaults"
            print(
                f"| {task} | {shown} | {r[1]:.2f} ± {r[2]:.2f} | {r[3]:.4f} ± {r[4]:.4f} "
                f"| {r[5]:.3f} | {'<-' if r is best else ''} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
