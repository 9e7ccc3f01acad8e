"""Which generator of a training run to ship: the plain G or its weight average?

    python benchmarks/compare_generators.py --checkpoint runs/dcgan/checkpoint.pt \
        --data ../shared/celeba --n 8

Restores the first n validation faces (inpainting, super-resolution; 2 restarts,
lambda 0.1) with each generator of the checkpoint and the run's discriminator, and
prints mean PSNR / SSIM. Validation faces only.
"""

from __future__ import annotations

import argparse

import torch

import tutorial_lib as tl
from tutorial_lib.averaging import recalibrate_batch_norm
from tutorial_lib.evaluate import evaluate_task
from tutorial_lib.models import Discriminator, Generator, freeze


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--data", required=True, help="CelebA folder (official layout)")
    parser.add_argument("--n", type=int, default=8)
    args = parser.parse_args()
    state = torch.load(args.checkpoint, map_location="cpu", weights_only=True)
    x = tl.load_celeba(args.data, "valid", n=args.n)
    D = Discriminator()
    D.load_state_dict(state["D"])
    freeze(D)
    print("| generator | task | PSNR dB | SSIM |\n| --- | --- | --- | --- |")
    for key in ("G", "G_ema"):
        G = Generator()
        G.load_state_dict(state[key])
        recalibrate_batch_norm(G)
        freeze(G)
        for task in ("inpainting", "super_resolution"):
            s = evaluate_task(x, task, G, D, restarts=2, lam=0.1, batch_size=8)
            print(
                f"| {key} | {task} | {s['psnr'].mean():.2f} | {s['ssim'].mean():.4f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
