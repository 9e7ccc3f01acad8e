"""What each term of the objective adds: the ablation's published results, read back.

``benchmarks/ablation.py`` restores 64 validation faces per task with each arm of
``solver.ARMS`` (data alone, + the latent term, + D's term, D and a box), from random
starts and from the encoder's, with each arm's lambda tuned on 16 other validation
faces, and writes the paired differences that isolate one term each to
``data/results/ablation_valid64_differences.csv``: per (task, start, difference), the
mean and its error for PSNR, SSIM, SWD x 1000 and the two-sample accuracy (0.5:
restorations and real faces indistinguishable; lower is more realistic).

A difference a - b is *measured* (``metrics.is_measured``) when it lies at least two
errors from 0:
|mean| >= 2 error and mean != 0, about a 95% two-sided interval that excludes 0.

>>> effect = (0.42, 0.13)  # colorization, D's term, mean and standard error (dB)
>>> is_measured(effect), is_measured((-0.07, 0.05))
(True, False)

Used by notebooks 04 and 05 (``read_differences``, ``effects_rows``, ``plot_effects``;
``read_faces`` for the per-face rows the differences summarise).
"""

from __future__ import annotations

import csv
from pathlib import Path

import matplotlib.pyplot as plt
import torch

from .data import DATA_DIR
from .metrics import is_measured

ABLATION_DIFFERENCES = DATA_DIR / "results" / "ablation_valid64_differences.csv"
# measure -> (its column of errors, a label for figures and tables)
MEASURES = {
    "psnr": ("psnr_se", "PSNR (dB)"),
    "ssim": ("ssim_se", "SSIM"),
    "swd_x1000": ("swd_x1000_sd", "SWD x 1000 (lower: more realistic)"),
    "two_sample_accuracy": (
        "two_sample_accuracy_se",
        "two-sample accuracy (lower: more realistic)",
    ),
}
COLUMNS = ("task", "start", "difference", "isolates") + tuple(
    c for measure, (error, _) in MEASURES.items() for c in (measure, error)
)
ABLATION_FACES = DATA_DIR / "results" / "ablation_valid64.csv"  # one row per face
Effect = tuple[float, float]  # (mean, error)


def read_faces(
    path: str | Path = ABLATION_FACES, metric: str = "psnr"
) -> dict[tuple[str, str, str], torch.Tensor]:
    """(task, start, configuration) -> the metric of each scored face, (n,) in face
    order ("valid#0", "valid#1", ...), so that two configurations pair face by face.

    ``metric``: "psnr" or "ssim"."""
    if metric not in ("psnr", "ssim"):
        raise ValueError(f"metric: expected 'psnr' or 'ssim', got {metric!r}")
    values: dict[tuple[str, str, str], dict[int, float]] = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            key = (r["task"], r["start"], r["configuration"])
            values.setdefault(key, {})[int(r["image"].split("#")[1])] = float(r[metric])
    return {
        key: torch.tensor([v[i] for i in sorted(v)], dtype=torch.float64)
        for key, v in values.items()
    }


def read_differences(
    path: str | Path = ABLATION_DIFFERENCES,
) -> dict[tuple[str, str, str], dict[str, Effect]]:
    """(task, start, difference) -> measure -> (mean, error), from the ablation's CSV.

    ``difference`` is written "a - b" with the configurations' names, e.g.
    "csgm - data" (the latent term) or "paper/calibrated - csgm" (the calibrated D's
    term over the latent term)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or tuple(rows[0]) != COLUMNS:
        found = tuple(rows[0]) if rows else "no rows"
        raise ValueError(f"{path}: expected the columns {COLUMNS}, got {found}")
    return {
        (r["task"], r["start"], r["difference"]): {
            m: (float(r[m]), float(r[error])) for m, (error, _) in MEASURES.items()
        }
        for r in rows
    }


def effects_rows(
    differences: dict, start: str, columns: dict[str, str], measure: str = "psnr"
) -> dict[str, dict[str, str]]:
    """Rows for ``metrics.markdown_table``: task -> column name -> "mean ± error".

    ``columns``: column name -> difference, e.g. {"latent term": "csgm - data"};
    a measured effect (``is_measured``) is marked in bold."""
    digits = 4 if measure == "ssim" else 2
    tasks = dict.fromkeys(t for t, s, _ in differences if s == start)
    rows = {}
    for task in tasks:
        rows[task] = {}
        for name, difference in columns.items():
            mean, error = differences[(task, start, difference)][measure]
            cell = f"{mean:+.{digits}f} ± {error:.{digits}f}"
            bold = is_measured((mean, error))
            rows[task][name] = f"**{cell}**" if bold else cell
    return rows


def plot_effects(
    differences: dict,
    start: str,
    columns: dict[str, str],
    measures: tuple[str, ...] = ("psnr", "two_sample_accuracy"),
):
    """One panel per measure: each difference's mean per task, with bars of 2 errors.

    Returns the figure; a bar that crosses 0 is an effect not measured."""
    tasks = list(dict.fromkeys(t for t, s, _ in differences if s == start))
    fig, axes = plt.subplots(
        1, len(measures), figsize=(5.5 * len(measures), 3.6), squeeze=False
    )
    width = 0.8 / len(columns)
    for ax, measure in zip(axes[0], measures):
        for k, (name, difference) in enumerate(columns.items()):
            effects = [differences[(t, start, difference)][measure] for t in tasks]
            ax.errorbar(
                [i + (k - (len(columns) - 1) / 2) * width for i in range(len(tasks))],
                [mean for mean, _ in effects],
                yerr=[2 * error for _, error in effects],
                fmt="o",
                capsize=3,
                label=name,
            )
        ax.axhline(0, color="k", lw=0.8)
        ax.set_xticks(range(len(tasks)), [t.replace("_", "-") for t in tasks])
        ax.set(ylabel=MEASURES[measure][1], title=f"{MEASURES[measure][1]}, paired")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"What each term adds, {start} starts (bars: ± 2 errors)")
    fig.tight_layout()
    return fig
