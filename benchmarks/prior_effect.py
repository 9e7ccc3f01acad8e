"""Does the prior help? The GAN prior with and without its terms, on validation faces.

    python benchmarks/prior_effect.py --data ../shared/celeba --n 32 [--weights FILE]

For each task, restores the first n validation faces three ways, every other setting
at the task's tuned default (tutorial_lib.solver.TUNED_SETTINGS):
    tuned      lam as tuned: data term + lam (-logit D(G(z)) + ||z||^2 / 2)
    no prior   lam = 0: the data term alone (the GAN's range is then the only prior)
    latent     the tuned lam without D's term: data term + lam ||z||^2 / 2
and prints mean PSNR / SSIM with standard errors, then the paired differences
tuned - no prior and tuned - latent (the same faces, corruptions and starts, so the
paired standard error is the one to read). A difference within two standard errors
of 0 is no measurable effect. Validation faces only.
"""

from __future__ import annotations

import argparse

import torch
from _cli import add_machine_options, parse_on_machine

import tutorial_lib as tl
from tutorial_lib.data import load_faces
from tutorial_lib.evaluate import evaluate_method
from tutorial_lib.metrics import mean_and_error

VARIANTS = {"tuned": {}, "no prior": {"lam": 0.0}, "latent": {"use_D": False}}


def _cell(values: torch.Tensor, digits: int) -> str:
    mean, error = mean_and_error(values)
    return f"{mean:+.{digits}f} ± {error:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CelebA folder or validation .pt")
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--tasks", nargs="+", default=list(tl.TASKS))
    parser.add_argument("--batch-size", type=int, default=32)
    add_machine_options(parser, device=None)
    parser.add_argument(
        "--weights", default=None, help="GAN weights (default: shipped)"
    )
    args = parse_on_machine(parser)
    x = load_faces(args.data, "valid", args.n)
    G, D = tl.load_pretrained(device=args.device, path=args.weights)
    print(f"the GAN prior on {len(x)} validation faces, mean ± standard error\n")
    print("| task | lam | variant | PSNR dB | SSIM |\n| --- | --- | --- | --- | --- |")
    differences = []
    for task in args.tasks:
        scores = {}
        for name, change in VARIANTS.items():
            scores[name] = evaluate_method(
                x, task, "gan", G, D, batch_size=args.batch_size, **change
            )
            print(
                f"| {task} | {tl.TUNED_SETTINGS[task].lam:g} | {name} | "
                f"{_cell(scores[name]['psnr'], 2)} | {_cell(scores[name]['ssim'], 4)} |",
                flush=True,
            )
        for other in ("no prior", "latent"):
            differences.append(
                f"| {task} | tuned - {other} | "
                f"{_cell(scores['tuned']['psnr'] - scores[other]['psnr'], 2)} | "
                f"{_cell(scores['tuned']['ssim'] - scores[other]['ssim'], 4)} |"
            )
    print("\npaired differences (same faces, corruptions and starts)\n")
    print("| task | difference | PSNR dB | SSIM |\n| --- | --- | --- | --- |")
    print("\n".join(differences))


if __name__ == "__main__":
    main()
