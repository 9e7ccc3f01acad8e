"""Does bfloat16 training reach the quality of float32? Two short runs, same seed.

    python benchmarks/precision_quality.py --data runs/faces_train.pt \
        --valid-data runs/faces_valid.pt --epochs 3 [--n 14283] [--threads 2]

Trains the DCGAN twice on the first n train faces, once in float32 and once under
bfloat16 autocast (everything else equal: seed, data order, z, channels_last), with
the per-epoch quality measures of tutorial_lib.train on the validation faces, and
prints them side by side with each run's seconds per epoch. The runs go to
runs/precision_fp32 and runs/precision_bf16 (resumed if present).
"""

from __future__ import annotations

import argparse

import torch
from _cli import add_machine_options, parse_on_machine

from tutorial_lib.data import load_faces
from tutorial_lib.train import TrainConfig, train

COLUMNS = [
    "swd_ema",
    "swd_plain",
    "margin_noisy",
    "margin_quantized",
    "margin_blurred",
    "margin_generated_ema",
    "loss_D",
    "loss_G",
    "seconds",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", required=True, help="train faces: CelebA folder or .pt"
    )
    parser.add_argument(
        "--valid-data", required=True, help="CelebA folder or valid .pt"
    )
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--n", type=int, default=None, help="first n train faces (all)")
    parser.add_argument("--valid-n", type=int, default=512)
    add_machine_options(parser, device="cpu")
    args = parse_on_machine(parser)
    faces = load_faces(args.data, "train", args.n)
    valid = load_faces(args.valid_data, "valid", args.valid_n)
    logs = {}
    for precision in ("fp32", "bf16"):
        config = TrainConfig(epochs=args.epochs, precision=precision, snapshot_every=0)
        _, _, logs[precision] = train(
            faces,
            f"runs/precision_{precision}",
            config,
            device=args.device,
            valid_faces=valid,
        )
    print(
        f"{len(faces)} train faces, {len(valid)} validation faces, seed 0, "
        f"{torch.get_num_threads()} threads, torch {torch.__version__}\n"
    )
    print("| epoch | precision | " + " | ".join(COLUMNS) + " |")
    print("| --- " * (len(COLUMNS) + 2) + "|")
    for epoch in range(args.epochs):
        for precision, log in logs.items():
            row = log[epoch]
            print(
                f"| {epoch + 1} | {precision} | "
                + " | ".join(f"{row[c]:.3f}" for c in COLUMNS)
                + " |"
            )


if __name__ == "__main__":
    main()
