"""Does D carry density-ratio information? Sample z from exp(-E), E = ||z||^2/2 - l(G(z)).

    python benchmarks/latent_sampling.py --data runs/faces_valid.pt --threads 2

If D = D* for the shipped G, then l = log p_X - log p_G, and codes drawn from
p_Z(z) exp(l(G(z))) give images that follow p_X (notebook 03): D-guided samples of G
must lie closer to real faces than plain samples G(z), z ~ N(0, I). Two samplers:
    langevin   discriminator-driven latent sampling (Che et al., NeurIPS 2020):
               Langevin steps on E from the plain samples' own z (paired)
    resample   importance resampling: k candidates per sample, drawn in proportion to
               exp(l), without replacement (exact as k grows, if D = D*)
for the GAN's own D and the calibrated one, scored by SWD x 1000 to the validation
faces (tutorial_lib.quality.swd; the same patches for every set of a seed). Repeated
over --seeds: a difference counts when it exceeds the spread of plain G over seeds.
Validation faces only.
"""

from __future__ import annotations

import argparse
import time

import torch
from _cli import add_machine_options, parse_on_machine

import tutorial_lib as tl
from tutorial_lib.data import load_faces
from tutorial_lib.prior import langevin_latent_samples
from tutorial_lib.quality import swd


def _images(G, z: torch.Tensor, batch: int = 256) -> torch.Tensor:
    with torch.no_grad():
        return torch.cat([G(z[i : i + batch]).float() for i in range(0, len(z), batch)])


def _resample(G, D, n: int, k: int, seed: int) -> torch.Tensor:
    """n of k n candidate codes, drawn without replacement with weights exp(l(G(z)))."""
    device = next(G.parameters()).device
    generator = torch.Generator().manual_seed(1000 + seed)
    z = torch.randn(k * n, G.config.nz, generator=generator).to(device)
    with torch.no_grad():
        logits = torch.cat(
            [D(G(z[i : i + 256])).float() for i in range(0, len(z), 256)]
        )
    weights = torch.softmax(logits.double().cpu(), 0)
    pick = torch.multinomial(weights, n, replacement=False, generator=generator)
    return z[pick.to(device)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CelebA folder or validation .pt")
    parser.add_argument("--n", type=int, default=780, help="samples and real faces")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=40, help="Langevin steps")
    parser.add_argument("--step-size", type=float, default=0.01)
    parser.add_argument("--k", type=int, default=8, help="candidates per resampled one")
    add_machine_options(parser, device=None)
    args = parse_on_machine(parser)
    real = load_faces(args.data, "valid", args.n)
    G, D_gan = tl.load_pretrained(device=args.device)
    _, D_cal = tl.load_pretrained(device=args.device, discriminator="calibrated")
    device = next(G.parameters()).device
    rows = []
    for seed in range(args.seeds):
        z0 = torch.randn(
            args.n, G.config.nz, generator=torch.Generator().manual_seed(seed)
        )
        sets = {"plain G(z)": z0.to(device)}
        for name, D in (("gan", D_gan), ("calibrated", D_cal)):
            began = time.perf_counter()
            sets[f"langevin, {name} D"] = langevin_latent_samples(
                G, D, args.n, args.steps, args.step_size, seed=seed
            )
            print(f"seed {seed} langevin {name}: {time.perf_counter() - began:.0f} s")
            sets[f"resample, {name} D"] = _resample(G, D, args.n, args.k, seed)
        scores = {
            name: swd(_images(G, z).cpu(), real, seed=seed)["swd"]
            for name, z in sets.items()
        }
        rows.append(scores)
        print(seed, {k: round(v, 2) for k, v in scores.items()}, flush=True)
    names = list(rows[0])
    table = torch.tensor([[row[name] for name in names] for row in rows])
    plain = table[:, 0]
    print(
        f"\nSWD x 1000 of {args.n} samples to {args.n} validation faces, over "
        f"{args.seeds} seeds; Langevin {args.steps} steps of {args.step_size}, "
        f"resampling 1 in {args.k}\n"
    )
    print("| samples | SWD mean (min - max) | minus plain G(z), per seed |")
    print("| --- | --- | --- |")
    for j, name in enumerate(names):
        values = table[:, j]
        diffs = ", ".join(f"{d:+.2f}" for d in (values - plain).tolist())
        print(
            f"| {name} | {values.mean():.2f} ({values.min():.2f} - {values.max():.2f}) "
            f"| {diffs if j else '-'} |"
        )
    print(
        f"\nspread of plain G(z) over seeds (max - min): {plain.max() - plain.min():.2f}"
    )


if __name__ == "__main__":
    main()
