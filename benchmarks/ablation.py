"""What does each term of the objective add? Four arms, two starts, two discriminators.

    python benchmarks/ablation.py --data runs/faces_valid.pt --threads 2 \\
        --out data/results/ablation_valid64

Validation faces only, in three disjoint sets:
    [0, n)                       scored: PSNR and SSIM per face, realism per set
    [n, n + tune_n)              each arm's lambda, tuned: the best mean PSNR
    [n + tune_n, 2 n + tune_n)   the real faces that the realism measures compare with
Arms (tutorial_lib.solver.ARMS): data (lam = 0), csgm (+ ||z||^2 / 2), paper (+ D's
term), authors (D's term and a box on z); starts: random (2 x 300 steps, as the paper)
and encoder (the task's tuned start and steps); discriminators: the GAN's own ("gan")
and the one calibrated to G ("calibrated", tutorial_lib.calibrate). The arms without
D run once per start. Everything else is the task's tuned setting.

Realism (tutorial_lib.realism): SWD to the real set (bootstrap, paired between arms)
and a classifier two-sample test (held-out accuracy; 0.5 = indistinguishable).

Every run is cached under --cache (a folder per face set and batch size; a run's file
names its task, start, configuration and setting), so an interrupted run goes on where
it stopped.
Writes OUT.csv (one row per face and configuration, at the tuned lambda),
OUT_differences.csv (each paired difference, mean and error per measure) and OUT.md
(means, the tuning, realism, and the paired differences that isolate each term:
csgm - data is the latent term, paper - csgm is D's term (each at its tuned lambda),
paper - csgm@D the same at the paper's lambda, authors - csgm the authors' box and D
against the latent term).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
import time
from pathlib import Path

import torch
from _cli import add_machine_options, parse_on_machine

import tutorial_lib as tl
from tutorial_lib.ablation import MEASURES
from tutorial_lib.data import load_faces
from tutorial_lib.evaluate import evaluate_method
from tutorial_lib.metrics import mean_and_error
from tutorial_lib.realism import classifier_two_sample_test, swd_bootstrap
from tutorial_lib.solver import RANDOM_STARTS

STARTS = {"random": RANDOM_STARTS, "encoder": {}}  # encoder: the task's tuned search
# Each configuration: (name, arm, discriminator or None, the setting tuned, its grid).
# "strong D" keeps the latent term at CSGM's tuned lambda and tunes D's weight lam_D
# on top, up to 30 times the derivation's: does D help at any strength?
LAMBDAS = (0.01, 0.1, 1.0, 10.0)
CONFIGS = [
    ("data", "data", None, None, ()),
    ("csgm", "csgm", None, "lam", LAMBDAS),
    *[(f"paper/{d}", "paper", d, "lam", LAMBDAS) for d in ("calibrated", "gan")],
    *[
        (f"strong D/{d}", "paper", d, "lam_D", (1.0, 3.0, 10.0, 30.0))
        for d in ("calibrated", "gan")
    ],
    # CSGM at the lambda the paper's objective tuned with that D: D's term at equal
    # lambda (a retuned lambda also changes the latent term's weight)
    *[(f"csgm@{d}", "csgm", None, None, ()) for d in ("calibrated", "gan")],
    # the authors' lam weighs D alone: smaller values
    *[
        (f"authors/{d}", "authors", d, "lam", (0.001, 0.01, 0.1, 1.0))
        for d in ("calibrated", "gan")
    ],
]
DIFFERENCES = [  # (minuend, subtrahend, what the difference isolates)
    ("csgm", "data", "the latent term ‖z‖² / 2"),
    ("paper/calibrated", "csgm", "D's term (calibrated D) over the latent term"),
    ("paper/gan", "csgm", "D's term (the GAN's D) over the latent term"),
    ("paper/calibrated", "csgm@calibrated", "D's term (calibrated D), the same lambda"),
    ("paper/gan", "csgm@gan", "D's term (the GAN's D), the same lambda"),
    ("strong D/calibrated", "csgm", "D's term at its best weight (calibrated D)"),
    ("strong D/gan", "csgm", "D's term at its best weight (the GAN's D)"),
    ("authors/calibrated", "csgm", "D and the box (calibrated D) against the latent"),
    ("authors/gan", "csgm", "D and the box (the GAN's D) against the latent"),
]


def _run(cache: Path, key: str, x, task, G, D, batch_size, **settings) -> dict:
    """evaluate_method, cached in cache/key.pt (x_hat kept as uint8)."""
    path = cache / f"{key}.pt"
    if path.exists():
        return torch.load(path, weights_only=True) | {"key": key}
    began = time.perf_counter()
    r = evaluate_method(
        x, task, "gan", G, D, batch_size=batch_size, keep_images=True, **settings
    )
    result = {
        "psnr": r["psnr"],
        "ssim": r["ssim"],
        "x_hat": (r["x_hat"] * 255).round().to(torch.uint8),
        "seconds": time.perf_counter() - began,
    }
    torch.save(result, path)
    result["key"] = key
    print(
        f"  {key}: PSNR {r['psnr'].mean():.2f}, {result['seconds']:.0f} s", flush=True
    )
    return result


def _cell(values: torch.Tensor, digits: int = 2) -> str:
    mean, error = mean_and_error(values)
    return f"{mean:+.{digits}f} ± {error:.{digits}f}"


def run_task_start(task, start, faces, Ds, G, args):
    """Tune and score every configuration of one (task, start); returns name -> result."""
    x, tune, _ = faces
    cache = Path(args.cache)
    results, scored = {}, {}  # scored: (D, settings) -> the scored faces' result
    for name, arm, d, knob, grid in CONFIGS:
        D = Ds[d or "gan"]  # an arm without D never calls it
        settings = {**STARTS[start], **tl.ARMS[arm]}
        stem = f"{task}-{start}-{name.replace('/', '-').replace(' ', '-')}"
        if knob == "lam_D":  # the latent term as CSGM tuned it, D's weight tuned
            settings["lam"] = results["csgm"]["lam"]
            stem += f"-lam{settings['lam']:g}"
        if name.startswith("csgm@"):  # the paper's tuned lambda with this D
            settings["lam"] = results[f"paper/{name.removeprefix('csgm@')}"]["lam"]
            stem += f"-lam{settings['lam']:g}"
        tuning = {}
        for value in grid:
            r = _run(
                cache,
                f"{stem}-{knob}{value:g}-tune",
                tune,
                task,
                G,
                D,
                args.batch_size,
                **settings | {knob: value},
            )
            tuning[value] = r["psnr"].mean().item()
        if knob:
            settings[knob] = max(tuning, key=tuning.get)
        value = settings[knob] if knob else 0
        # "strong D" at lam_D = 1 and the paper's lambda is the paper's run: reuse it
        same = (d, tuple(sorted({"lam_D": 1.0, **settings}.items())))
        r = scored.get(same) or _run(
            cache, f"{stem}-{knob}{value:g}", x, task, G, D, args.batch_size, **settings
        )
        scored[same] = r
        results[name] = r | {
            "lam": settings["lam"],
            "lam_D": settings.get("lam_D", 1.0),
            "tuned": knob,
            "tuning": tuning,
        }
    return results


def realism(results: dict, real: torch.Tensor, boots: int, cache: Path) -> dict:
    """SWD (bootstrap resamples) and the two-sample test of each configuration.

    Each run's scores are cached beside it (a run shared by two configurations is
    scored once). The SWD resamples of every run use the same seeds, hence the same
    faces, patches and directions: differences between runs are paired."""
    out = {}
    for name, r in results.items():
        path = cache / f"{r['key']}-realism-boots{boots}.pt"
        if not path.exists():
            images = r["x_hat"].float() / 255
            scores = {
                "swd": swd_bootstrap([images], real, boots=boots)[0],
                "c2st": classifier_two_sample_test(images, real),
            }
            torch.save(scores, path)
        out[name] = torch.load(path, weights_only=True)
    return out


CSV_DIGITS = {"psnr": 4, "ssim": 5, "swd_x1000": 3, "two_sample_accuracy": 4}


def differences(task, start, results, real_scores) -> list[dict]:
    """The paired differences of DIFFERENCES: a row of tutorial_lib.ablation.COLUMNS,
    mean and error per measure (SWD: over the paired bootstrap resamples)."""
    rows = []
    for a, b, what in DIFFERENCES:
        ra, rb = results[a], results[b]
        swd = real_scores[a]["swd"] - real_scores[b]["swd"]
        (ca, sa), (cb, sb) = real_scores[a]["c2st"], real_scores[b]["c2st"]
        effects = {
            "psnr": mean_and_error(ra["psnr"] - rb["psnr"]),
            "ssim": mean_and_error(ra["ssim"] - rb["ssim"]),
            "swd_x1000": (swd.mean().item(), swd.std().item()),
            "two_sample_accuracy": (ca - cb, (sa**2 + sb**2) ** 0.5),
        }
        row = {
            "task": task,
            "start": start,
            "difference": f"{a} - {b}",
            "isolates": what,
        }
        for measure, (error_column, _) in MEASURES.items():
            mean, error = effects[measure]
            row[measure], row[error_column] = (
                f"{v:.{CSV_DIGITS[measure]}f}" for v in (mean, error)
            )
        rows.append(row)
    return rows


def report(task, start, results, real_scores) -> list[str]:
    lines = [f"\n### {task}, {start} start\n"]
    lines.append(
        "| configuration | lambda, lam_D (tuning PSNR per value) | PSNR dB | SSIM | "
        "SWD x 1000 | two-sample accuracy |\n| --- | --- | --- | --- | --- | --- |"
    )
    for name, r in results.items():
        tuning = ", ".join(f"{k:g}: {v:.2f}" for k, v in r["tuning"].items())
        tuning = f"{r['tuned']} " + tuning if tuning else "-"
        s, c = real_scores[name]["swd"], real_scores[name]["c2st"]
        lines.append(
            f"| {name} | {r['lam']:g}, {r['lam_D']:g} ({tuning}) | {_cell(r['psnr'])[1:]} | "
            f"{_cell(r['ssim'], 4)[1:]} | {s.mean():.1f} ± {s.std():.1f} | "
            f"{c[0]:.2f} ± {c[1]:.2f} |"
        )
    lines.append(
        "\n| difference | isolates | PSNR dB | SSIM | SWD x 1000 | two-sample accuracy "
        "|\n| --- | --- | --- | --- | --- | --- |"
    )
    digits = {"psnr": 2, "ssim": 4, "swd_x1000": 1, "two_sample_accuracy": 2}
    for d in differences(task, start, results, real_scores):
        cells = [
            f"{float(d[m]):+.{digits[m]}f} ± {float(d[error]):.{digits[m]}f}"
            for m, (error, _) in MEASURES.items()
        ]
        lines.append(
            f"| {d['difference']} | {d['isolates']} | " + " | ".join(cells) + " |"
        )
    return lines


def _write_csv(path: str, rows: list[dict]) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CelebA folder or validation .pt")
    parser.add_argument("--n", type=int, default=64, help="faces scored")
    parser.add_argument(
        "--tune-n", type=int, default=16, help="faces lambda is tuned on"
    )
    parser.add_argument("--tasks", nargs="+", default=list(tl.TASKS))
    parser.add_argument(
        "--starts", nargs="+", default=list(STARTS), choices=list(STARTS)
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--boots", type=int, default=20, help="SWD bootstrap resamples")
    parser.add_argument("--cache", default="runs/ablation")
    parser.add_argument("--out", default="data/results/ablation_valid64")
    add_machine_options(parser, device=None)
    args = parse_on_machine(parser)
    # one cache folder per set of faces and batching (a batch's noise seed is its first
    # index): runs with other --data, --n, --tune-n or --batch-size never mix
    args.cache = str(
        Path(args.cache)
        / f"{Path(args.data).stem}-n{args.n}-t{args.tune_n}-b{args.batch_size}"
    )
    Path(args.cache).mkdir(parents=True, exist_ok=True)
    valid = load_faces(args.data, "valid", 2 * args.n + args.tune_n)
    faces = (
        valid[: args.n],
        valid[args.n : args.n + args.tune_n],
        valid[args.n + args.tune_n :],
    )
    G, D_gan = tl.load_pretrained(device=args.device)
    Ds = {
        "gan": D_gan,
        "calibrated": tl.load_pretrained(args.device, discriminator="calibrated")[1],
    }
    rows, difference_rows, lines = (
        [],
        [],
        [
            f"command: python benchmarks/ablation.py {' '.join(sys.argv[1:])}",
            f"\n{args.n} validation faces scored, {args.tune_n} others for lambda, "
            f"{args.n} others as the real set; mean ± standard error (paired for the "
            "differences; SWD: over bootstrap resamples)",
        ],
    )
    for start, task in itertools.product(args.starts, args.tasks):
        print(f"{task}, {start} start", flush=True)
        results = run_task_start(task, start, faces, Ds, G, args)
        real_scores = realism(results, faces[2], args.boots, Path(args.cache))
        lines += report(task, start, results, real_scores)
        difference_rows += differences(task, start, results, real_scores)
        for name, r in results.items():
            for i in range(args.n):
                rows.append(
                    {
                        "task": task,
                        "start": start,
                        "configuration": name,
                        "lam": r["lam"],
                        "lam_D": r["lam_D"],
                        "image": f"valid#{i}",
                        "psnr": f"{r['psnr'][i]:.4f}",
                        "ssim": f"{r['ssim'][i]:.5f}",
                    }
                )
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        _write_csv(f"{args.out}.csv", rows)
        _write_csv(f"{args.out}_differences.csv", difference_rows)
        Path(f"{args.out}.md").write_text("\n".join(lines) + "\n")
        print("\n".join(lines[-(len(results) + len(DIFFERENCES) + 6) :]), flush=True)


if __name__ == "__main__":
    main()
