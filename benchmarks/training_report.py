"""The record of a DCGAN training run: quality per epoch as a figure, samples, final SWD.

    python benchmarks/training_report.py --run-dir runs/dcgan100 \
        --weights data/weights/dcgan_celeba64.pt --train-data runs/faces_train.pt \
        --valid-data runs/faces_valid.pt --out data/training [--force]

Writes to --out:
    training_curves.png  per epoch: the SWD of both generators against validation faces
                         (with the floor: real train faces against the same validation
                         faces), D's margins, and the two losses
    training_log.csv     the run's per-epoch log (tutorial_lib.train)
    samples.png          64 faces of the exported generator from fixed z (seed 0, the
                         z of the run's per-epoch samples_EEE.png, which show the
                         averaged generator)
and prints the full-setting SWD (Karras et al.: 128 patches per face, 512 directions) of
the shipped generator against all validation faces, beside the same floor.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

import tutorial_lib as tl  # noqa: E402
from tutorial_lib.data import load_faces, save_png  # noqa: E402
from tutorial_lib.quality import swd  # noqa: E402


def _column(log, key):
    return [row[key] for row in log if key in row]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", required=True)
    parser.add_argument(
        "--weights", default=None, help="the exported weights (default: shipped)"
    )
    parser.add_argument(
        "--train-data", required=True, help="CelebA folder or train .pt"
    )
    parser.add_argument(
        "--valid-data", required=True, help="CelebA folder or valid .pt"
    )
    parser.add_argument(
        "--valid-n", type=int, default=512, help="as in the training run"
    )
    parser.add_argument("--out", default="data/training")
    parser.add_argument("--force", action="store_true", help="overwrite --out files")
    args = parser.parse_args()
    out = Path(args.out)
    files = [out / "training_curves.png", out / "training_log.csv", out / "samples.png"]
    if any(f.exists() for f in files) and not args.force:
        sys.exit(f"error: {out} holds a report; pass --force to overwrite it")
    out.mkdir(parents=True, exist_ok=True)

    state = torch.load(
        Path(args.run_dir) / "checkpoint.pt", map_location="cpu", weights_only=True
    )
    log = state["log"]
    valid_all = load_faces(args.valid_data, "valid")
    train_faces = load_faces(args.train_data, "train", len(valid_all))
    # The floor: real faces against real faces, same settings as the per-epoch log.
    n = args.valid_n
    floor_log = swd(train_faces[:n], valid_all[:n], per_image=64, directions=128)["swd"]
    floor_full = swd(train_faces, valid_all)
    G, _ = tl.load_pretrained(device="cpu", path=args.weights)
    z = torch.randn(
        len(valid_all), G.config.nz, generator=torch.Generator().manual_seed(0)
    )
    with torch.no_grad():
        fake = torch.cat([G(part) for part in z.split(256)])
    shipped = swd(fake, valid_all)
    fixed_z = torch.randn(64, G.config.nz, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        save_png(G(fixed_z), files[2])

    epochs = _column(log, "epoch")
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.2))
    ax = axes[0]
    for kind, label in [("ema", "averaged G"), ("plain", "plain G")]:
        ax.plot(
            epochs[: len(_column(log, f"swd_{kind}"))],
            _column(log, f"swd_{kind}"),
            label=label,
        )
    ax.axhline(floor_log, color="gray", ls="--", label="real train faces (floor)")
    ax.set(
        title=f"SWD x 1000 to {n} validation faces (lower is better)",
        xlabel="epoch",
        yscale="log",
    )
    ax.legend()
    ax = axes[1]
    for name in ("noisy", "quantized", "blurred", "generated_ema", "generated_plain"):
        values = _column(log, f"margin_{name}")
        ax.plot(epochs[: len(values)], values, label=name.replace("_", " "))
    ax.axhline(5, color="gray", ls=":", label="margin 5")
    ax.set(
        title="D's margin: mean logit of real faces minus ...",
        xlabel="epoch",
        ylabel="logit difference",
    )
    ax.legend(fontsize=8)
    ax = axes[2]
    ax.plot(epochs, _column(log, "loss_D"), label="loss_D")
    ax.plot(epochs, _column(log, "loss_G"), label="loss_G")
    ax.set(title="losses (mean per epoch)", xlabel="epoch")
    ax.legend()
    fig.tight_layout()
    fig.savefig(files[0], dpi=100)
    shutil.copyfile(Path(args.run_dir) / "log.csv", files[1])

    print(
        f"floor (real train vs validation faces): per-epoch setting {floor_log:.2f}; "
        f"full setting {floor_full['swd']:.2f}"
    )
    print("| faces against all validation faces | SWD x 1000 | at 64 | at 32 | at 16 |")
    print("| --- | --- | --- | --- | --- |")
    for name, result in [
        ("the shipped generator", shipped),
        ("real train faces", floor_full),
    ]:
        print(
            f"| {name} | {result['swd']:.2f} | {result['swd_64']:.2f} | "
            f"{result['swd_32']:.2f} | {result['swd_16']:.2f} |"
        )
    print(f"wrote {', '.join(map(str, files))}")


if __name__ == "__main__":
    main()
