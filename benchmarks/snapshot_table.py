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

``--restore-n N`` adds what the snapshot is for: the mean PSNR of each task on the
first N validation faces, restored with the shipped defaults (the plain or averaged G
given by ``--restore-kind``, and the snapshot's D), so that snapshots whose SWD lies
within the measure's noise of each other can be told apart by the job they will do.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from _cli import add_machine_options, parse_on_machine

import tutorial_lib as tl
from tutorial_lib.data import load_faces
from tutorial_lib.evaluate import evaluate_method
from tutorial_lib.models import freeze
from tutorial_lib.quality import discriminator_margins, swd
from tutorial_lib.train import load_snapshot

KINDS = ("plain", "ema")


def _cell(value) -> str:
    if isinstance(value, (str, int)):
        return str(value)
    return f"{float(value):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--valid-data", required=True, help="CelebA folder or .pt")
    parser.add_argument("--from-epoch", type=int, default=1)
    parser.add_argument("--epochs", type=int, nargs="*", help="only these snapshots")
    parser.add_argument("--restore-n", type=int, default=0, help="faces to restore")
    parser.add_argument("--restore-kind", choices=("plain", "ema"), default="plain")
    parser.add_argument(
        "--restore-only", action="store_true", help="skip SWD and margins (shown as -)"
    )
    add_machine_options(parser)
    args = parse_on_machine(parser)
    valid = load_faces(args.valid_data, "valid")
    epochs = sorted(
        int(p.stem.split("_")[1])
        for p in (Path(args.run_dir) / "snapshots").glob("epoch_*.pt")
    )
    z = torch.randn(len(valid), 100, generator=torch.Generator().manual_seed(0))

    def swd_of(G) -> float:
        with torch.no_grad():
            fake = torch.cat([G(part) for part in z.split(256)])
        return swd(fake, valid)["swd"]

    print(f"{len(valid)} validation faces; SWD x 1000, full setting; margins per image")
    tasks = list(tl.TASKS) if args.restore_n else []
    faces = valid[: args.restore_n]
    print(
        "| epoch | SWD plain G | SWD averaged G | noisy | quantized | blurred |"
        + "".join(f" {task} dB |" for task in tasks)
    )
    print("| --- " * (6 + len(tasks)) + "|")
    chosen = [e for e in epochs if e >= args.from_epoch]
    for epoch in [e for e in chosen if not args.epochs or e in args.epochs]:
        nets = {kind: load_snapshot(args.run_dir, epoch, kind) for kind in KINDS}
        cells = ["-"] * 5
        if not args.restore_only:
            cells = [swd_of(nets[kind][0]) for kind in KINDS]
            D = nets["plain"][1]  # one D per snapshot, trained against the plain G
            with torch.no_grad():
                m = discriminator_margins(D, valid)
            cells += [m[f"margin_{name}"] for name in ("noisy", "quantized", "blurred")]
        G, D = nets[args.restore_kind]
        freeze(G, D)
        psnrs = [
            # float32: a comparison of weights, not of arithmetic
            evaluate_method(faces, task, "gan", G, D, batch_size=32, precision="fp32")[
                "psnr"
            ].mean()
            for task in tasks
        ]
        row = [epoch, *cells, *psnrs]
        print("| " + " | ".join(_cell(v) for v in row) + " |", flush=True)


if __name__ == "__main__":
    main()
