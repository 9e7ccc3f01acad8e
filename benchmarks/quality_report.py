"""Quality report of the shipped DCGAN: samples, the discriminator as a prior,
memorisation, and restoration with the default settings on validation faces.

    python benchmarks/quality_report.py --data ../shared/celeba --n 64 [--out data/quality]

Writes two figures to --out (samples beside real faces; 16 samples above their nearest
training faces) and prints three markdown tables: D's mean logit on real, generated and
corrupted validation faces; nearest-neighbour distances; per-task PSNR / SSIM of the
restoration beside the naive inverse's. Validation faces only: the test split is kept
for the paper's table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

import tutorial_lib as tl  # noqa: E402
from tutorial_lib.data import to_grid  # noqa: E402
from tutorial_lib.evaluate import evaluate_task  # noqa: E402
from tutorial_lib.quality import corrupted_versions  # noqa: E402


def _show(ax, images, title, ncols=8):
    ax.imshow(to_grid(images, ncols).permute(1, 2, 0).numpy())
    ax.set_title(title)
    ax.axis("off")


def faces_as_the_prior_meets_them(x: torch.Tensor) -> dict[str, torch.Tensor]:
    """Validation faces clean, under the corruptions of tutorial_lib.quality (noisy,
    quantized, blurred), with a hole, and gray copied to RGB."""
    color = tl.make_operator("colorization")
    corrupted = corrupted_versions(x)
    return {
        "real validation faces": x,
        "noisy (sigma 0.1)": corrupted["noisy"],
        "quantized (5 levels)": corrupted["quantized"],
        "blurred (x4 down, bicubic up)": corrupted["blurred"],
        "with a 32x32 black hole": tl.make_operator("inpainting").corrupt(x),
        "gray copied to RGB": color.naive_inverse(color.corrupt(x)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CelebA folder (official layout)")
    parser.add_argument("--n", type=int, default=64, help="validation faces")
    parser.add_argument("--out", default="data/quality")
    parser.add_argument("--device", default=None)
    parser.add_argument("--skip-restoration", action="store_true")
    parser.add_argument(
        "--tasks",
        nargs="+",
        default=list(tl.TASKS),
        help="tasks of the restoration table (default: all five)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite --out figures")
    args = parser.parse_args()
    out = Path(args.out)
    figures = [out / "samples_vs_real.png", out / "nearest_training_faces.png"]
    if any(f.exists() for f in figures) and not args.force:
        sys.exit(f"error: figures exist in {out}; pass --force to overwrite them")
    out.mkdir(parents=True, exist_ok=True)

    G, D = tl.load_pretrained(device=args.device)
    device = next(G.parameters()).device
    x = tl.load_celeba(args.data, "valid", n=args.n)
    z = torch.randn(64, G.config.nz, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        samples = G(z.to(device)).cpu()

    fig, axes = plt.subplots(1, 2, figsize=(12, 6.3))
    _show(axes[0], samples, "64 samples G(z), z ~ N(0, I), seed 0")
    _show(axes[1], x[:64], f"the first {min(64, len(x))} validation faces")
    fig.tight_layout()
    fig.savefig(figures[0], dpi=100)

    print("\n## The discriminator as a prior: mean logit l = log D - log(1 - D)\n")
    print("| images | mean logit | std |\n| --- | --- | --- |")
    rows = {"generated G(z)": samples, **faces_as_the_prior_meets_them(x)}
    with torch.no_grad():
        for name, images in rows.items():
            logits = torch.cat([D(b.to(device)).cpu() for b in images.split(64)])
            print(f"| {name} | {logits.mean():.2f} | {logits.std():.2f} |")

    print("\n## Memorisation: 16 samples and their nearest training faces (pixel L2)\n")
    train = tl.load_celeba(args.data, "train")
    query = samples[:16].flatten(1)
    nearest, dist = [], []
    for chunk in train.split(2048):
        d = torch.cdist(query, chunk.flatten(1))
        dist.append(d)
    dist = torch.cat(dist, 1)
    best = dist.argmin(1)
    nearest = train[best]
    # for scale: how far is a validation face from its nearest training face?
    ref = torch.cdist(x[:16].flatten(1), train.flatten(1)).min(1).values
    print("| | mean RMS distance to the nearest training face |\n| --- | --- |")
    scale = (3 * 64 * 64) ** 0.5
    print(f"| 16 samples | {(dist.min(1).values / scale).mean():.4f} |")
    print(f"| 16 validation faces (never trained on) | {(ref / scale).mean():.4f} |")
    fig, axes = plt.subplots(2, 1, figsize=(12, 3.4))
    _show(axes[0], samples[:16], "16 samples", ncols=16)
    _show(axes[1], nearest, "their nearest training faces (pixel distance)", ncols=16)
    fig.tight_layout()
    fig.savefig(figures[1], dpi=100)

    if args.skip_restoration:
        return
    print(f"\n## Restoration of {len(x)} validation faces, default settings\n")
    print("| task | PSNR dB | SSIM | naive PSNR | naive SSIM | seconds |")
    print("| --- | --- | --- | --- | --- | --- |")
    for task in args.tasks:
        tic = time.perf_counter()
        s = evaluate_task(x, task, G, D)
        print(
            f"| {task} | {s['psnr'].mean():.2f} | {s['ssim'].mean():.4f} | "
            f"{s['psnr_naive'].mean():.2f} | {s['ssim_naive'].mean():.4f} | "
            f"{time.perf_counter() - tic:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
