"""ILO and DGP (tutorial_lib.beyond) beside the GAN prior and sparse coding, test faces.

    python benchmarks/beyond_table.py --data ../shared/celeba --n 64 --threads 1 \\
        --out runs/beyond/test64

For each task, the first n faces of --split, --batch-size at a time (batch b corrupted
and restored with seed = its first index, as tutorial_lib.evaluate does), restored by
    gan     restore(y, op, G, D): the task's tuned defaults
    ilo     restore_ilo from that answer, TUNED_BEYOND's settings
    dgp     restore_dgp from that answer, TUNED_BEYOND's settings
    sparse  sparse coding (tutorial_lib.baselines), its tuned defaults
and the truth itself (a reference for the realism measures). Per face: PSNR, SSIM, the
logit of the GAN's D (the D that gan, ilo and dgp optimise: not an unbiased judge) and
seconds from y to the answer (ilo and dgp include restore()'s time, their start).
Realism per set (tutorial_lib.realism): SWD x 1000 to --real-n real faces that no
method saw (validation faces from --real-offset on; the tuning used the first 24),
mean and standard deviation over paired bootstrap resamples, and with --c2st the
classifier two-sample test (held-out accuracy; 0.5 = indistinguishable).
Writes OUT.csv (method, task, image, psnr, ssim, d_logit, seconds) and OUT.md.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import torch
from _cli import add_machine_options, parse_on_machine

import tutorial_lib as tl
from tutorial_lib.baselines import restore_baseline
from tutorial_lib.beyond import restore_dgp, restore_ilo
from tutorial_lib.data import load_faces
from tutorial_lib.metrics import mean_and_error
from tutorial_lib.realism import classifier_two_sample_test, swd_bootstrap

METHODS = ("gan", "ilo", "dgp", "sparse", "truth")


def restore_batch(truth, op, G, D, seed):
    """name -> (x_hat, seconds for the batch) for every method on one batch."""
    y = op.corrupt(truth, seed=seed)
    out, began = {}, time.perf_counter()
    r = tl.restore(y, op, G, D, seed=seed)
    out["gan"] = (r.x_hat, time.perf_counter() - began)
    for name, refine in (("ilo", restore_ilo), ("dgp", restore_dgp)):
        began = time.perf_counter()
        x_hat = refine(y, op, G, D, r=r, seed=seed).x_hat
        out[name] = (x_hat, out["gan"][1] + time.perf_counter() - began)
    began = time.perf_counter()
    out["sparse"] = (restore_baseline("sparse", y, op), time.perf_counter() - began)
    out["truth"] = (truth, 0.0)
    return out


def summary(rows, task, method, realism):
    """One line of the markdown table: means +- standard errors, realism, seconds."""
    mine = [r for r in rows if r["task"] == task and r["method"] == method]
    cells = [task, method]
    for key in ("psnr", "ssim", "d_logit"):
        mean, error = mean_and_error(torch.tensor([r[key] for r in mine]))
        cells.append(f"{mean:.3f} ± {error:.3f}")
    swd, paired = realism[method]["swd"], realism[method]["swd"] - realism["gan"]["swd"]
    cells.append(f"{swd.mean():.1f} ± {swd.std():.1f}")
    cells.append(f"{paired.mean():+.1f} ± {paired.std():.1f}")
    c2st = realism[method].get("c2st")
    cells.append("-" if c2st is None else f"{c2st[0]:.2f} ± {c2st[1]:.2f}")
    cells.append(f"{sum(r['seconds'] for r in mine) / len(mine):.3f}")
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/celeba", help="CelebA folder")
    parser.add_argument("--split", default="test")
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--tasks", nargs="+", default=["super_resolution", "denoising", "quantization"]
    )
    parser.add_argument("--real", default="runs/faces_valid.pt", help="real faces")
    parser.add_argument("--real-offset", type=int, default=64)
    parser.add_argument("--real-n", type=int, default=64)
    parser.add_argument("--boots", type=int, default=10, help="SWD bootstrap resamples")
    parser.add_argument(
        "--c2st", action="store_true", help="classifier two-sample test"
    )
    parser.add_argument("--out", required=True, help="writes OUT.csv and OUT.md")
    add_machine_options(parser, device="cpu")
    args = parse_on_machine(parser)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    G, D = tl.load_pretrained(args.device)
    x = load_faces(args.data, args.split, args.n).to(args.device)
    real = load_faces(args.real, "valid", args.real_offset + args.real_n)
    real = real[args.real_offset :]
    rows, lines = (
        [],
        [
            "# ILO and DGP past the generator's ceiling",
            "",
            f"command: python benchmarks/beyond_table.py {' '.join(sys.argv[1:])}",
            f"torch threads: {torch.get_num_threads()}; device: {args.device}; "
            f"{len(x)} {args.split} faces; mean ± standard error over faces; "
            "SWD x 1000 "
            f"to {len(real)} real validation faces: mean ± sd over {args.boots} paired "
            "bootstrap resamples; seconds per face from y (ilo, dgp: with restore()'s)",
            "",
            "| task | method | PSNR | SSIM | D logit | SWD | SWD - gan's | two-sample"
            " acc. | s/face |",
            "|---|---|---|---|---|---|---|---|---|",
        ],
    )
    for task in args.tasks:
        op = tl.make_operator(task)
        images = {name: [] for name in METHODS}
        for start in range(0, len(x), args.batch_size):
            truth = x[start : start + args.batch_size]
            for name, (x_hat, seconds) in restore_batch(truth, op, G, D, start).items():
                images[name].append(x_hat.cpu())
                with torch.no_grad():
                    logits = D(x_hat).float().cpu()
                scores = zip(tl.psnr(x_hat, truth), tl.ssim(x_hat, truth), logits)
                for i, (p, s, logit) in enumerate(scores):
                    rows.append(
                        dict(method=name, task=task, image=start + i, psnr=p.item())
                        | dict(ssim=s.item(), d_logit=logit.item())
                        | dict(seconds=seconds / len(truth))
                    )
            print(task, start, flush=True)
        images = {name: torch.cat(v) for name, v in images.items()}
        sets = [images[name] for name in METHODS]
        swd = swd_bootstrap(sets, real, boots=args.boots)
        realism = {name: {"swd": swd[k]} for k, name in enumerate(METHODS)}
        if args.c2st:
            for name in METHODS:
                realism[name]["c2st"] = classifier_two_sample_test(images[name], real)
        lines += [summary(rows, task, name, realism) for name in METHODS]
        with open(out.with_suffix(".csv"), "w", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        out.with_suffix(".md").write_text("\n".join(lines) + "\n")
        torch.save(images, out.with_name(out.name + f"_{task}_images.pt"))


if __name__ == "__main__":
    main()
