"""G's ceiling: how close can the shipped generator come to real faces at all?

    python benchmarks/ceiling.py --data ../shared/celeba --split test --n 128 \
        [--table data/results/table_test460.csv] [--out data/results/ceiling_test128.csv]

Projects each of the first n faces of a split on G (``tutorial_lib.pitfalls.
project_on_G``: restore with A = identity and the clean face itself as y, so the search
sees every pixel) and prints the projection's mean PSNR and SSIM with standard errors.
No restoration drawn by G, before blending, can beat its face's projection by more
than the search's noise, whatever the task. With ``--table`` (a per-face CSV of
``python -m tutorial_lib table`` on the same split), prints for each task the best
method's mean PSNR over the same faces beside it: a method above the ceiling is one the
GAN prior cannot catch by tuning lambda, steps or starts.

The projection is an estimate from below: a search finds a z, never the best one. By
default it minimises the squared error itself, ||x - G(z)||^2 (p = 2, lam = 0: PSNR is
a function of that error alone), from the encoder's start and 3 random starts, keeping
the best, for 1000 Adam steps; it prints the mean PSNR after a quarter, half and all of
the steps (from the search's own record of the squared error), so a reader sees whether
it has stopped moving. The earlier estimate (L1, lam 0.01, 180 steps from the encoder's
start alone) is ``--p 1 --lam 0.01 --steps 180 --restarts 1``.
"""

from __future__ import annotations

import argparse
import time

import torch
from _cli import add_machine_options, parse_on_machine

import tutorial_lib as tl
from tutorial_lib.data import load_faces
from tutorial_lib.metrics import mean_and_error
from tutorial_lib.pitfalls import project_on_G
from tutorial_lib.table import read_rows, summarize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CelebA folder or a split's .pt")
    parser.add_argument("--split", default="test", choices=["valid", "test"])
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--table", default=None, help="per-face CSV of the table")
    parser.add_argument("--p", type=float, default=2.0, help="norm of the data term")
    parser.add_argument("--lam", type=float, default=0.0, help="weight of the prior")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--restarts", type=int, default=4, help="encoder + random")
    parser.add_argument("--out", default=None, help="per-face CSV (image, psnr, ssim)")
    add_machine_options(parser, device=None)
    args = parse_on_machine(parser)
    device = args.device or tl.default_device()
    x = load_faces(args.data, args.split, args.n)
    G, D = tl.load_pretrained(device=device)
    search = dict(p=args.p, lam=args.lam, steps=args.steps, restarts=args.restarts,
                  init="encoder")  # fmt: skip
    began = time.perf_counter()
    runs = [
        project_on_G(x[i : i + args.batch_size].to(device), G, D, **search)
        for i in range(0, len(x), args.batch_size)
    ]
    seconds = time.perf_counter() - began
    projected = torch.cat([r.x_gan.cpu() for r in runs])
    psnr, error = mean_and_error(tl.psnr(projected, x))
    ssim, ssim_error = mean_and_error(tl.ssim(projected, x))
    print(
        f"projection of {len(x)} {args.split} faces on G ({device}, {seconds:.0f} s; "
        f"{search}): PSNR {psnr:.2f} ± {error:.2f} dB, SSIM {ssim:.4f} ± {ssim_error:.4f}"
    )
    if args.p == 2 and args.lam == 0:  # the record's data term is the squared error
        pixels = x[0].numel()
        data = torch.cat([r.history["data"].cpu() for r in runs], dim=1)  # (steps+1, N)
        for step in (args.steps // 4, args.steps // 2, args.steps):
            curve = 10 * torch.log10(pixels / data[step])
            print(f"  after {step} steps: mean PSNR {curve.mean():.3f} dB")
    if args.out:
        with open(args.out, "w") as f:
            f.write("image,psnr,ssim\n")
            for i, (p, q) in enumerate(
                zip(tl.psnr(projected, x).tolist(), tl.ssim(projected, x).tolist())
            ):
                f.write(f"{i},{p:.4f},{q:.5f}\n")
    if args.table:
        rows = read_rows(args.table)
        first = set(sorted({r["image"] for r in rows})[: len(x)])  # faces in id order
        summary = summarize([r for r in rows if r["image"] in first])
        print(
            "\n| task | best method on these faces | its PSNR dB | above the ceiling |"
        )
        print("| --- | --- | --- | --- |")
        for task in tl.TASKS:
            scores = {m: s["psnr"] for (m, t), s in summary.items() if t == task}
            best = max(scores, key=scores.get)
            print(
                f"| {task} | {best} | {scores[best]:.2f} | {scores[best] - psnr:+.2f} |"
            )


if __name__ == "__main__":
    main()
