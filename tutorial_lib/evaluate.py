"""Score restorations: corrupt clean faces, restore them, measure PSNR and SSIM.

The one loop behind the tuning script, the quality report and the paper's table, so
that every number the project reports is computed the same way: the corruption of
``op.corrupt`` with a fixed seed, the restoration of ``restore`` with the task's
defaults unless told otherwise, and the metrics of ``tutorial_lib.metrics`` against
the clean faces. The naive inverse (no prior) is scored beside it as the bar to beat.
"""
from __future__ import annotations

import torch

from .metrics import psnr, ssim
from .operators import make_operator
from .solver import restore


def evaluate_task(
    x: torch.Tensor, task: str, G, D, seed: int = 0, batch_size: int = 16,
    progress: bool = False, **settings,
) -> dict[str, torch.Tensor]:
    """Per-image scores (N,) of the GAN restoration and of the naive inverse.

    ``x``: clean faces (N, 3, 64, 64) in [0, 1]; ``settings`` override the task's
    defaults (lam=, p=, steps=, ...). Faces are restored ``batch_size`` at a time,
    each batch corrupted and restored with seed + its first index, so the numbers are
    reproducible for a given (seed, batch_size) on a given device.
    Returns keys psnr, ssim, psnr_naive, ssim_naive, objective (all on the CPU).
    """
    op = make_operator(task)
    device = next(G.parameters()).device
    scores: dict[str, list[torch.Tensor]] = {}
    starts = range(0, len(x), batch_size)
    if progress:
        from tqdm.auto import tqdm

        starts = tqdm(starts, desc=task, unit="batch")
    for start in starts:
        truth = x[start : start + batch_size].to(device)
        y = op.corrupt(truth, seed=seed + start)
        r = restore(y, op, G, D, seed=seed + start, **settings)
        naive = op.naive_inverse(y)
        batch = {
            "psnr": psnr(r.x, truth),
            "ssim": ssim(r.x, truth),
            "psnr_naive": psnr(naive, truth),
            "ssim_naive": ssim(naive, truth),
            "objective": r.objective,
        }
        for key, value in batch.items():
            scores.setdefault(key, []).append(value.cpu())
    return {key: torch.cat(values) for key, values in scores.items()}
