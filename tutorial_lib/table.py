"""The paper's table: every method on every task, SSIM / PSNR, ours beside the paper's.

    rows = run_table(x, ids, methods=METHODS, tasks=TASKS, G=G, D=D)   # one row per image
    print(slide_table(summarize(rows)))

``run_table`` scores each (method, task) pair with ``evaluate_method`` (the same
corruption seeds for every method, so all of them see the same y) and returns one row
per image: method, task, image id, PSNR, SSIM and seconds. Rows can be written to and
read back from CSV, so a long run can stop and go on (``done=``). ``summarize`` takes
means and ``slide_table`` prints them in the slide's layout, SSIM / PSNR (dB), with
the paper's numbers (slide 15) beside ours. As in the paper, the hand-made baselines
are not run on colorization; BM3D (a denoiser, not in the paper) runs on denoising and
quantization only (``skipped``).

``run_table_sharded`` shares the faces among the processes of torchrun, in whole
batches, and gives every process all the rows, the same as one process's:

    torchrun --standalone --nproc_per_node 2 -m tutorial_lib -- table --n 64

Used by ``python -m tutorial_lib table`` and notebook 10.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import torch

from . import distributed
from .baselines import PRIORS
from .baselines.bm3d import TASKS as BM3D_TASKS
from .evaluate import METHODS, evaluate_method
from .operators import TASKS, make_operator

# Slide 15 (SSIM, PSNR dB) on CelebA 64x64; the paper has no baseline colorization.
PAPER = {
    "tv": {
        "inpainting": (0.7647, 23.10),
        "super_resolution": (0.6648, 21.05),
        "denoising": (0.7373, 21.97),
        "quantization": (0.6312, 20.77),
    },
    "lowrank": {
        "inpainting": (0.6644, 16.98),
        "super_resolution": (0.6754, 21.45),
        "denoising": (0.6178, 18.69),
        "quantization": (0.6754, 20.65),
    },
    "sparse": {
        "inpainting": (0.7528, 20.67),
        "super_resolution": (0.6075, 20.82),
        "denoising": (0.8092, 23.63),
        "quantization": (0.7869, 22.67),
    },
    "gan": {
        "inpainting": (0.8121, 23.60),
        "colorization": (0.8876, 20.85),
        "super_resolution": (0.5626, 19.58),
        "denoising": (0.6161, 19.31),
        "quantization": (0.6061, 19.77),
    },
}
NAMES = {
    "naive": "naive inverse",
    "tv": "TV",
    "lowrank": "LR",
    "sparse": "Sparse",
    "bm3d": "BM3D",
    "gan": "GAN prior",
    "direct": "direct network",
}
FIELDS = ("method", "task", "image", "psnr", "ssim", "seconds")
# the slide's order, then the family the paper argues against (slide 5)
ROW_ORDER = ("naive", "tv", "lowrank", "sparse", "bm3d", "gan", "direct")


def skipped(method: str, task: str) -> bool:
    """The pairs left out: as in the paper, the hand-made priors on colorization; and
    BM3D (not in the paper), a denoiser, on every task but denoising and quantization.

    >>> skipped("tv", "colorization"), skipped("bm3d", "inpainting")
    (True, True)
    >>> skipped("bm3d", "denoising"), skipped("bm3d", "quantization")
    (False, False)
    >>> skipped("direct", "colorization")  # a network of its own, trained for it
    False
    """
    if method == "bm3d":
        return task not in BM3D_TASKS
    return task == "colorization" and method in PRIORS


def run_table(
    x: torch.Tensor,
    ids: list[str],
    methods=METHODS,
    tasks=TASKS,
    G=None,
    D=None,
    device=None,
    done=(),
    progress: bool = False,
    batch_size=16,
    settings: dict | None = None,
    on_pair=None,
    operators: dict | None = None,
    seed: int = 0,
) -> list[dict]:
    """One row per (method, task, image): the scores of every method on every task.

    ``x``: clean faces (N, 3, 64, 64); ``ids``: their names (N,). ``done``: rows of an
    earlier run; the pairs complete there are kept, not recomputed. ``settings``:
    method (or a (method, task) pair, applied on top) -> parameters overriding its
    defaults (a quick look, or a retuned lambda; the table uses none). ``on_pair(new
    rows)`` is called after each pair (to save as it goes). ``operators``: name ->
    operator, for rows under names of their own (tutorial_lib.shift's changed
    corruptions); a name not there is a task with the paper's settings. ``seed``: the
    batch that starts at face s is corrupted and restored with seed + s
    (``evaluate_method``); a share of the faces that starts at face a of a longer run
    passes seed=a to get that run's numbers.
    """
    if len(ids) != len(x):
        raise ValueError(f"got {len(x)} faces but {len(ids)} ids")
    rows = finished_rows(done, ids)
    finished = {(r["method"], r["task"]) for r in rows}
    ops = {t: (operators or {}).get(t) or make_operator(t) for t in tasks}
    pairs = [
        (m, t)
        for t in tasks
        for m in methods
        if not skipped(m, ops[t].name) and (m, t) not in finished
    ]
    if progress:
        from tqdm.auto import tqdm

        pairs = tqdm(pairs, desc="table", unit="pair")
    for method, task in pairs:
        params = {**(settings or {}).get(method, {})}
        params.update((settings or {}).get((method, task), {}))
        s = evaluate_method(
            x,
            ops[task],
            method,
            G,
            D,
            seed=seed,
            device=device,
            batch_size=batch_size,
            progress=progress,
            **params,
        )
        # one time per batch: each face gets its batch's seconds over that batch's
        # real size (the last batch may be smaller than batch_size)
        sizes = torch.tensor(
            [min(batch_size, len(x) - start) for start in range(0, len(x), batch_size)]
        )
        per_image = (s["seconds"] / sizes).repeat_interleave(sizes)
        new = [
            dict(method=method, task=task, image=name, psnr=p, ssim=q, seconds=t)
            for name, p, q, t in zip(
                ids, s["psnr"].tolist(), s["ssim"].tolist(), per_image.tolist()
            )
        ]
        rows += new
        if on_pair is not None:
            on_pair(new)
    return rows


def run_table_sharded(
    x: torch.Tensor,
    ids: list[str],
    done=(),
    on_pair=None,
    batch_size: int = 16,
    progress: bool = False,
    **options,
) -> list[dict]:
    """`run_table` with the faces shared among the processes (tutorial_lib.distributed);
    every process returns all the rows, the same rows in the same order as one process.

    The share is a block of whole batches, restored as one process restores them:
    ``evaluate_method`` seeds each batch by its first face, and the solver's random
    starts depend on the batch (its size and that seed), so a split inside a batch
    would change the numbers. After each (method, task) pair the processes gather
    their rows in rank order, which is the faces' order; ``on_pair(the pair's rows)``
    runs on the main process only (it writes them). ``options``: as `run_table`'s.
    With one process this is `run_table`:

    >>> from tutorial_lib.data import load_sample_faces
    >>> x, ids = load_sample_faces(3), ["a.jpg", "b.jpg", "c.jpg"]
    >>> options = dict(methods=["naive"], tasks=["denoising"], batch_size=2)
    >>> rows = run_table_sharded(x, ids, **options)
    >>> [(r["image"], r["psnr"]) for r in rows] == [
    ...     (r["image"], r["psnr"]) for r in run_table(x, ids, **options)]
    True
    """
    batches, world = math.ceil(len(x) / batch_size), distributed.world_size()
    if batches < world:
        raise ValueError(
            f"{len(x)} faces in batches of {batch_size} make {batches} batch(es), "
            f"fewer than the {world} processes: use a smaller --batch-size"
        )
    mine = distributed.block(batches)
    start, stop = mine.start * batch_size, min(mine.stop * batch_size, len(x))
    my_ids = set(ids[start:stop])
    rows = finished_rows(done, ids)

    def gather(new: list[dict]) -> None:
        pair = [row for part in distributed.all_gather(new) for row in part]
        rows.extend(pair)
        if on_pair is not None and distributed.is_main():
            on_pair(pair)

    run_table(
        x[start:stop],
        ids[start:stop],
        done=[r for r in done if r["image"] in my_ids],  # this block's part of them
        on_pair=gather,
        batch_size=batch_size,
        progress=progress and distributed.is_main(),
        seed=start,
        **options,
    )
    return rows


def finished_rows(rows: list[dict], ids: list[str]) -> list[dict]:
    """The rows of the (method, task) pairs done for exactly the faces ``ids``, once
    each: what a resumed run keeps. A pair that misses a face (a larger ``--n``, a run
    stopped mid-pair) or has one twice is left out whole, to be redone.

    >>> row = lambda m, image: {"method": m, "task": "denoising", "image": image}
    >>> rows = [row("tv", "a"), row("tv", "b"), row("naive", "a")]
    >>> [(r["method"], r["image"]) for r in finished_rows(rows, ["a", "b"])]
    [('tv', 'a'), ('tv', 'b')]
    """
    pairs: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        pairs.setdefault((r["method"], r["task"]), []).append(r)
    want = sorted(ids)
    return [
        r
        for group in pairs.values()
        if sorted(r["image"] for r in group) == want
        for r in group
    ]


def write_rows(rows: list[dict], path: str | Path, append: bool = False) -> None:
    """Write rows as CSV (a header, then one line per image).

    PSNR is kept to 1e-4 dB, SSIM to 1e-5 and seconds to 4 digits: far below what
    the table shows, and it keeps a 460-face run small enough to ship.
    """
    path = Path(path)
    header = not (append and path.exists())
    with open(path, "a" if append else "w", newline="") as f:
        writer = csv.DictWriter(f, FIELDS)
        if header:
            writer.writeheader()
        writer.writerows(
            {
                **r,
                "psnr": round(r["psnr"], 4),
                "ssim": round(r["ssim"], 5),
                "seconds": float(f"{r['seconds']:.4g}"),
            }
            for r in rows
        )


def read_rows(path: str | Path) -> list[dict]:
    """Read rows written by write_rows (numbers back as floats).

    A last line cut short (a run killed while writing) is dropped; a bad line
    anywhere else is an error.
    """
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and set(rows[0]) != set(FIELDS):
        raise ValueError(f"{path}: expected columns {FIELDS}, got {tuple(rows[0])}")
    for i, r in enumerate(rows):
        try:
            for key in ("psnr", "ssim", "seconds"):
                r[key] = float(r[key])
        except (TypeError, ValueError):
            if i == len(rows) - 1:
                return rows[:-1]
            raise ValueError(f"{path}: line {i + 2} is not a whole row: {r}") from None
    return rows


def summarize(rows: list[dict]) -> dict[tuple[str, str], dict[str, float]]:
    """(method, task) -> mean psnr, ssim, seconds per image, and the image count n."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        groups.setdefault((r["method"], r["task"]), []).append(r)
    return {
        key: {
            "n": len(g),
            **{k: sum(r[k] for r in g) / len(g) for k in ("psnr", "ssim", "seconds")},
        }
        for key, g in groups.items()
    }


def slide_table(summary: dict, paper: bool = True) -> str:
    """The slide's table, "SSIM / PSNR" per cell: our rows, each with the paper's below.

    >>> s = {("gan", "denoising"): {"n": 1, "psnr": 21.5, "ssim": 0.6, "seconds": 2.0}}
    >>> print(slide_table(s))
    | method | denoising |
    | --- | --- |
    | GAN prior (ours) | 0.6000 / 21.50 |
    | GAN prior (paper) | 0.6161 / 19.31 |
    """
    methods = [m for m in ROW_ORDER if any(k[0] == m for k in summary)]
    tasks = [t for t in TASKS if any(k[1] == t for k in summary)]
    lines = [
        "| method | " + " | ".join(tasks) + " |",
        "| --- " * (len(tasks) + 1) + "|",
    ]
    for m in methods:
        ours = [summary.get((m, t)) for t in tasks]
        cells = [f"{s['ssim']:.4f} / {s['psnr']:.2f}" if s else "-" for s in ours]
        label = NAMES[m] + (" (ours)" if m in PAPER and paper else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
        if paper and m in PAPER:
            theirs = [PAPER[m].get(t) for t in tasks]
            cells = [
                f"{s:.4f} / {p:.2f}" if s else "-"
                for s, p in (c or (None, None) for c in theirs)
            ]
            lines.append(f"| {NAMES[m]} (paper) | " + " | ".join(cells) + " |")
    return "\n".join(lines)
