"""Tune the solver's lambda per task on validation faces (never on the test faces).

    python benchmarks/tune_defaults.py --data ../shared/celeba --n 16 \
        --lams 0 0.1 1 10 [--tasks inpainting ...] [--steps 300 --restarts 4]

For every task and every lambda in the grid, restores the first n validation faces with
the shipped weights and prints mean PSNR / SSIM; the last column marks the lambda with
the best mean PSNR (SSIM breaks ties within 0.05 dB). The chosen values go into
tutorial_lib/solver.py's DEFAULTS with a comment naming this command.
"""
from __future__ import annotations

import argparse

import tutorial_lib as tl
from tutorial_lib.evaluate import evaluate_task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CelebA folder (official layout)")
    parser.add_argument("--n", type=int, default=16)
    parser.add_argument("--lams", type=float, nargs="+", default=[0, 0.1, 1, 10])
    parser.add_argument("--tasks", nargs="+", default=list(tl.TASKS))
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--restarts", type=int, default=None)
    parser.add_argument("--p", type=float, default=None)
    parser.add_argument("--device", default=None)
    args = parser.parse_args()

    G, D = tl.load_pretrained(device=args.device)
    x = tl.load_celeba(args.data, "valid", n=args.n)
    fixed = {k: v for k, v in dict(steps=args.steps, restarts=args.restarts, p=args.p).items()
             if v is not None}
    print(f"{args.n} validation faces, settings {fixed or 'defaults'} besides lambda")
    print("| task | lambda | PSNR dB | SSIM | naive PSNR | naive SSIM | best |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for task in args.tasks:
        rows = []
        for lam in args.lams:
            s = evaluate_task(x, task, G, D, lam=lam, **fixed)
            rows.append((lam, s["psnr"].mean().item(), s["ssim"].mean().item(),
                         s["psnr_naive"].mean().item(), s["ssim_naive"].mean().item()))
        top = max(r[1] for r in rows)
        best = max((r for r in rows if r[1] >= top - 0.05), key=lambda r: r[2])
        for r in rows:
            mark = "<-" if r is best else ""
            print(f"| {task} | {r[0]:g} | {r[1]:.2f} | {r[2]:.4f} | {r[3]:.2f} | "
                  f"{r[4]:.4f} | {mark} |", flush=True)


if __name__ == "__main__":
    main()
