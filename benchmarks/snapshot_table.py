"""Every kept snapshot of a training run, measured in full: which one to ship?

    python benchmarks/snapshot_table.py --run-dir runs/dcgan100 \
        --valid-data runs/faces_valid.pt [--from-epoch 40] [--epochs 60 65]

The per-epoch log measures each epoch on 512 validation faces with a light SWD
(64 patches per face, 128 directions), so neighbouring epochs differ by its noise.
For each snapshot from --from-epoch on, this prints the full-setting SWD (Karras et
al.: 128 patches per face, 512 directions) of both generators against all validation
faces, and the discriminator's per-image margins (D in eval mode, as the prior uses
it) on all validation faces: real minus noisy, quantized and blurred, the ones the
prior must tell apart. Validation faces only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from _cli import add_machine_options, parse_on_machine

from tutorial_lib.data import load_faces
from tutorial_lib.quality import discriminator_margins, swd
from tutorial_lib.train import load_snapshot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--valid-data", required=True, help="CelebA folder or .pt")
    parser.add_argument("--from-epoch", type=int, default=1)
    parser.add_argument("--epochs", type=int, nargs="*", help="only these snapshots")
    add_machine_options(parser)
    args = parse_on_machine(parser)
    valid = load_faces(args.valid_data, "valid")
    epochs = sorted(
        int(p.stem.split("_")[1])
        for p in (Path(args.run_dir) / "snapshots").glob("epoch_*.pt")
    )
    z = torch.randn(len(valid), 100, generator=torch.Generator().manual_seed(0))
    print(f"{len(valid)} validation faces; SWD x 1000, full setting; margins per image")
    print("| epoch | SWD plain G | SWD averaged G | noisy | quantized | blurred |")
    print("| --- | --- | --- | --- | --- | --- |")
    chosen = [e for e in epochs if e >= args.from_epoch]
    for epoch in [e for e in chosen if not args.epochs or e in args.epochs]:
        scores = {}
        for kind in ("plain", "ema"):
            G, D = load_snapshot(args.run_dir, epoch, kind)
            with torch.no_grad():
                fake = torch.cat([G(part) for part in z.split(256)])
            scores[kind] = swd(fake, valid)["swd"]
        with torch.no_grad():
            m = discriminator_margins(D, valid)
        print(
            f"| {epoch} | {scores['plain']:.2f} | {scores['ema']:.2f} | "
            f"{m['margin_noisy']:.2f} | {m['margin_quantized']:.2f} | "
            f"{m['margin_blurred']:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
