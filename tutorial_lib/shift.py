"""Changed corruptions: slide 5's argument measured.

A direct network h is trained on pairs (corrupt(x), x) of one corruption; the GAN prior
only knows the corruption through its operator A. When y is made another way (more
noise, another camera's down-sampler, the hole elsewhere), h meets inputs it was never
shown, while the GAN prior needs only A changed:

    direct network   x_hat = h(naive(y))                 h unchanged (retraining: 13 min)
    GAN prior        z_hat = argmin_z ||y - A'(G(z))||_p + lam' prior(z)   A' = the new A
    TV               x_hat = argmin_x ||y - A' x||^2 / 2 + lam' TV(x)      A' = the new A

Each method keeps its tuned defaults except its one weight of the prior: lam' is picked
again for the changed corruption on validation faces (``retune``), from the task's
tuned lam times 1/10, 1 or 10. The direct network gets nothing: changing it would mean
new training pairs and a new run.

``SHIFTS`` names seven changed corruptions, at least one per task; ``shift_table``
scores the methods on them with ``tutorial_lib.table.run_table`` (the same corruption
seeds for every method), and ``python -m tutorial_lib shift`` writes the rows notebook
13 reads.

One thing the GAN prior does not leave unchanged: its tuned defaults start the search
at an encoder's guess E(naive(y)), and E was trained on the five corruptions as they
are (tutorial_lib.encoder), so part of it is a direct network too; notebook 13 runs
the prior from random starts beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from .evaluate import evaluate_method
from .operators import Operator, make_operator
from .solver import TUNED_SETTINGS


@dataclass(frozen=True)
class Shift:
    """A corruption other than the one a task's networks were trained on."""

    task: str  # the task whose shipped networks (direct, encoder) meet it
    what: str  # in words, for tables and figures
    options: dict = field(default_factory=dict)  # make_operator(task, **options)

    def operator(self) -> Operator:
        return make_operator(self.task, **self.options)


SHIFTS = {
    "inpainting_moved_hole": Shift(
        "inpainting",
        "a 24x24 hole over the left eye instead of the central 32x32",
        {"hole": 24, "top_left": (20, 8)},
    ),
    "colorization_mean_gray": Shift(
        "colorization",
        "gray as the plain mean of R, G and B instead of BT.601's weights",
        {"weights": (1 / 3, 1 / 3, 1 / 3)},
    ),
    "super_resolution_bicubic": Shift(
        "super_resolution",
        "bicubic down-sampling with antialiasing instead of 4x4 averages",
        {"downsampler": "bicubic"},
    ),
    "denoising_sigma_0.2": Shift(
        "denoising", "Gaussian noise of sigma 0.2 instead of 0.1", {"sigma": 0.2}
    ),
    "denoising_sigma_0.05": Shift(
        "denoising", "Gaussian noise of sigma 0.05 instead of 0.1", {"sigma": 0.05}
    ),
    "quantization_3_levels": Shift(
        "quantization", "3 levels per channel instead of 5", {"levels": 3}
    ),
    "quantization_8_levels": Shift(
        "quantization", "8 levels per channel instead of 5", {"levels": 8}
    ),
}
SHIFT_METHODS = ("naive", "direct", "gan", "tv")
RETUNED = ("gan", "tv")  # the methods whose prior weight is picked again
LAM_FACTORS = (0.1, 1.0, 10.0)  # retune: lam' = the task's tuned lam times one of these


def shift_operators(names=None) -> dict[str, Operator]:
    """name -> the changed corruption's operator, for ``run_table(operators=...)``.

    >>> ops = shift_operators(["denoising_sigma_0.2"])
    >>> ops["denoising_sigma_0.2"].name, ops["denoising_sigma_0.2"].noise.sigma
    ('denoising', 0.2)
    """
    names = list(SHIFTS) if names is None else list(names)
    unknown = [n for n in names if n not in SHIFTS]
    if unknown:
        raise ValueError(
            f"unknown shift {unknown[0]!r}; expected one of {', '.join(SHIFTS)}"
        )
    return {n: SHIFTS[n].operator() for n in names}


def _default_lam(method: str, task: str) -> float:
    if method == "gan":
        return TUNED_SETTINGS[task].lam
    from .baselines import baseline_defaults

    return baseline_defaults(method, task)["lam"]


def retune(
    x_valid: torch.Tensor,
    op: Operator,
    method: str,
    G=None,
    D=None,
    factors=LAM_FACTORS,
    batch_size: int = 16,
) -> tuple[float, dict[float, float]]:
    """lam' for ``method`` ("gan" or "tv") on the corruption ``op``: the task's tuned
    lam times the factor with the best mean PSNR on the validation faces ``x_valid``.

    Returns (lam', {lam: mean PSNR}). Only the prior's weight moves; every other
    setting stays the task's tuned one. TV on 2 faces with 5 iterations:

    >>> from tutorial_lib.data import load_sample_faces
    >>> op = SHIFTS["denoising_sigma_0.2"].operator()
    >>> lam, scores = retune(load_sample_faces(2), op, "tv", factors=(1, 10))
    >>> sorted(scores) == [0.06, 0.6], lam in scores
    (True, True)
    """
    if method not in RETUNED:
        raise ValueError(f"retune knows {', '.join(RETUNED)}, got {method!r}")
    base = _default_lam(method, op.name)
    scores = {}
    for factor in factors:
        lam = round(base * factor, 10)  # 0.06 * 10 is 0.6000000000000001
        s = evaluate_method(x_valid, op, method, G, D, batch_size=batch_size, lam=lam)
        scores[lam] = s["psnr"].mean().item()
    return max(scores, key=scores.get), scores


def shift_table(
    x: torch.Tensor,
    ids: list[str],
    x_valid: torch.Tensor,
    G,
    D,
    names=None,
    methods=SHIFT_METHODS,
    tuned: dict | None = None,
    on_tuned=None,
    **table_options,
) -> tuple[list[dict], dict]:
    """Rows of every method on every changed corruption ``names`` (default: all), the
    faces ``x`` (test) scored, the faces ``x_valid`` (validation) used to retune lam.

    ``tuned``: an earlier call's retuning record, reused instead of recomputed (a
    resumed run); ``on_tuned(tuned)`` is called once lam is picked for every
    corruption, before the long part (to save it); ``table_options`` go to ``run_table`` (done=, on_pair=, progress=,
    batch_size=, device=). Returns (rows, tuned) with tuned[method][name] = {"lam":
    lam', "scores": {lam: validation PSNR}}.
    """
    from .table import run_table

    ops = shift_operators(names)
    tuned = {m: dict((tuned or {}).get(m, {})) for m in methods if m in RETUNED}
    for method, record in tuned.items():
        for name, op in ops.items():
            if name not in record:
                lam, scores = retune(x_valid, op, method, G, D)
                record[name] = {"lam": lam, "scores": scores}
    if on_tuned is not None:
        on_tuned(tuned)
    settings = {
        (m, name): {"lam": record[name]["lam"]}
        for m, record in tuned.items()
        for name in ops
    }
    rows = run_table(x, ids, methods, list(ops), G, D, settings=settings,
                     operators=ops, **table_options)  # fmt: skip
    return rows, tuned


def shift_report(rows: list[dict], reference=(), tuned: dict | None = None) -> str:
    """A markdown table: per changed corruption, each method's PSNR (dB) / SSIM on it,
    beside the same method on its task's own corruption where ``reference`` (the
    table's rows on the same faces) has it, and the change between them.

    >>> rows = [{"method": "direct", "task": "denoising_sigma_0.2", "image": "a",
    ...          "psnr": 20.0, "ssim": 0.5, "seconds": 0.1}]
    >>> ref = [{"method": "direct", "task": "denoising", "image": "a",
    ...         "psnr": 29.0, "ssim": 0.9, "seconds": 0.1}]
    >>> print(shift_report(rows, ref))
    | changed corruption | method | its own corruption | changed | change (dB) |
    | --- | --- | --- | --- | --- |
    | denoising_sigma_0.2: Gaussian noise of sigma 0.2 instead of 0.1 | direct | 29.00 / 0.900 | 20.00 / 0.500 | -9.00 |
    """
    from .table import summarize

    ours, theirs = summarize(rows), summarize(list(reference))
    lines = [
        "| changed corruption | method | its own corruption | changed | change (dB) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, shift in SHIFTS.items():
        for method in SHIFT_METHODS:
            s = ours.get((method, name))
            if s is None:
                continue
            r = theirs.get((method, shift.task))
            own = f"{r['psnr']:.2f} / {r['ssim']:.3f}" if r else "-"
            change = f"{s['psnr'] - r['psnr']:+.2f}" if r else "-"
            lam = (tuned or {}).get(method, {}).get(name)
            label = method + (f" (lam {lam['lam']:g})" if lam else "")
            lines.append(
                f"| {name}: {shift.what} | {label} | {own} | "
                f"{s['psnr']:.2f} / {s['ssim']:.3f} | {change} |"
            )
    return "\n".join(lines)
