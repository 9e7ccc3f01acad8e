"""The discriminator's margins per image (as the prior uses D) and per batch (as D
was trained), for snapshots of a training run or a weights file.

    python benchmarks/d_margins.py --run-dir runs/dcgan100 --epochs 5 15 \
        --valid-data runs/faces_valid.pt [--n 256]
    python benchmarks/d_margins.py --weights data/weights/dcgan_celeba64.pt \
        --valid-data runs/faces_valid.pt

A margin is D's mean logit on real validation faces minus its mean logit on noisy,
quantized, blurred or generated ones (tutorial_lib.quality.discriminator_margins).
"per image": D in eval mode, batch norm with its running statistics, so a face's
logit does not depend on its batch mates: the function the restoration prior uses.
"per batch": D in training mode on batches of n faces of one kind, normalised with
that batch's own statistics: the function D was trained as, on its all-real and
all-generated batches. A large gap between the two says that D tells corrupted faces
from real ones through the statistics of a whole batch, which a per-image prior cannot
use. With --train-data, a third row: per image, after recomputing D's batch-norm
statistics on 1,024 real train faces (does the per-image D improve when its statistics
are those of real faces alone?). Validation faces for the margins.
"""

from __future__ import annotations

import argparse
import copy

import torch

import tutorial_lib as tl
from tutorial_lib.data import load_faces
from tutorial_lib.quality import discriminator_margins
from tutorial_lib.train import load_snapshot

KEYS = [
    "logit_real",
    "margin_noisy",
    "margin_quantized",
    "margin_blurred",
    "margin_generated",
]


def restat_on(D, faces: torch.Tensor, batch_size: int = 128):
    """A copy of D whose batch-norm statistics are the plain average over ``faces``."""
    D = copy.deepcopy(D).train()
    for m in D.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # a plain average over the batches
    for batch in faces.split(batch_size):
        D(batch)
    return D.eval()


def margins_by_mode(G, D, real, train_faces=None, seed: int = 0) -> dict[str, dict]:
    """Margins of D per image, per batch and (with train_faces) per image with real
    statistics; generated faces from G."""
    z = torch.randn(
        len(real), G.config.nz, generator=torch.Generator().manual_seed(seed)
    )
    with torch.no_grad():
        fake = G.eval()(z)
        modes = {
            "per image": D.eval(),
            "per batch": copy.deepcopy(D).train(),  # a copy: its statistics may move
        }
        if train_faces is not None:
            modes["per image, real statistics"] = restat_on(D, train_faces)
        return {
            mode: discriminator_margins(net, real, {"": fake}, len(real))
            for mode, net in modes.items()
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", default=None)
    parser.add_argument("--epochs", type=int, nargs="+", default=[])
    parser.add_argument("--weights", default=None)
    parser.add_argument(
        "--valid-data", required=True, help="CelebA folder or valid .pt"
    )
    parser.add_argument(
        "--n", type=int, default=256, help="validation faces (one batch)"
    )
    parser.add_argument("--train-data", default=None, help="train faces for restat")
    args = parser.parse_args()
    real = load_faces(args.valid_data, "valid", args.n)
    train_faces = None
    if args.train_data:
        train_faces = load_faces(args.train_data, "train", 1024)
    models = {}
    for epoch in args.epochs:
        models[f"epoch {epoch}"] = load_snapshot(args.run_dir, epoch, "plain")
    if args.weights:
        models[args.weights] = tl.load_pretrained(device="cpu", path=args.weights)
    print(
        f"{len(real)} validation faces; generated faces from the same snapshot's plain G\n"
    )
    print("| networks | D as | " + " | ".join(k.replace("_", " ") for k in KEYS) + " |")
    print("| --- " * (len(KEYS) + 2) + "|")
    for name, (G, D) in models.items():
        for mode, m in margins_by_mode(G, D, real, train_faces).items():
            m["margin_generated"] = m.pop("margin_generated_")
            print(
                f"| {name} | {mode} | " + " | ".join(f"{m[k]:.2f}" for k in KEYS) + " |"
            )


if __name__ == "__main__":
    main()
