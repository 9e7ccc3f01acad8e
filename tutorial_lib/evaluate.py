"""Score restorations: corrupt clean faces, restore them, measure PSNR and SSIM.

The one loop behind the tuning scripts, the quality report and the paper's table, so
that every number the project reports is computed the same way: the corruption of
``op.corrupt`` with a fixed seed, a restoration method, and the metrics of
``tutorial_lib.metrics`` against the clean faces. The methods are

    "naive"               op.naive_inverse(y): the answer without a prior, the bar to beat
    "gan"                 restore(y, op, G, D): the GAN prior, the task's tuned defaults
    "direct"              restore_direct(y, op): slide 5's network trained on the task's pairs
    "tv", "lowrank", "sparse"   the hand-made priors of tutorial_lib.baselines
    "bm3d"                BM3D, a denoiser: on denoising and quantization only
"""

from __future__ import annotations

import time

import torch

from .baselines import BASELINES, restore_baseline
from .metrics import psnr, ssim
from .operators import Operator, make_operator
from .solver import restore

METHODS = ("naive", "gan", "direct") + BASELINES


def restore_with(
    method: str, y: torch.Tensor, op, G=None, D=None, seed: int = 0, **params
) -> torch.Tensor:
    """x_hat (N, 3, H, W) from y by one of METHODS; ``params`` override its defaults.

    ``y``: observations of the operator ``op``; ``G``, ``D``: the frozen networks,
    needed by "gan" only; ``seed``: the solver's random starts ("gan"). Quantization's
    naive inverse is y itself; a baseline takes its parameters by name:

    >>> from tutorial_lib.data import load_sample_faces
    >>> op = make_operator("quantization")
    >>> y = op.corrupt(load_sample_faces(2))
    >>> torch.equal(restore_with("naive", y, op), y)
    True
    >>> restore_with("tv", y, op, iters=5).shape  # TV with 5 iterations
    torch.Size([2, 3, 64, 64])
    """
    if method == "naive":
        return op.naive_inverse(y)
    if method == "gan":
        if G is None or D is None:
            raise ValueError("method 'gan' needs the generator G and discriminator D")
        return restore(y, op, G, D, seed=seed, **params).x_hat
    if method == "direct":
        from .direct import restore_direct

        return restore_direct(y, op, **params)
    if method not in METHODS:
        raise ValueError(
            f"unknown method {method!r}; expected one of {', '.join(METHODS)}"
        )
    return restore_baseline(method, y, op, **params)


def evaluate_method(
    x: torch.Tensor,
    task: str | Operator,
    method: str,
    G=None,
    D=None,
    seed: int = 0,
    batch_size: int = 16,
    device=None,
    progress: bool = False,
    keep_images: bool = False,
    **params,
) -> dict[str, torch.Tensor]:
    """Per-image PSNR and SSIM (N,) of one method on one task, and seconds per batch.

    ``x``: clean faces (N, 3, 64, 64) in [0, 1]; ``task``: a task's name (its operator
    with the paper's settings) or an operator. Faces go ``batch_size`` at a time to
    ``device`` (default: G's, else x's); each batch is corrupted and restored with seed
    + its first index, so the numbers are reproducible for a given (seed, batch_size)
    on a given device and do not depend on the method. Returns keys psnr, ssim (N,)
    and seconds (one entry per batch), all on the CPU, and with ``keep_images`` the
    restorations themselves, x_hat (N, 3, 64, 64). ``progress`` shows tqdm;
    ``params`` go to the method (see ``restore_with``).

    Gaussian noise of standard deviation 0.1 has an MSE of 0.01, a PSNR of
    10 log10(1 / 0.01) = 20 dB; clipping y to [0, 1] removes part of it, so the noisy
    faces themselves (the naive inverse) score a little more:

    >>> from tutorial_lib.data import load_sample_faces
    >>> x = load_sample_faces(4)
    >>> scores = evaluate_method(x, "denoising", "naive", batch_size=2)
    >>> {key: tuple(value.shape) for key, value in scores.items()}
    {'psnr': (4,), 'ssim': (4,), 'seconds': (2,)}
    >>> round(scores["psnr"].mean().item())
    21
    """
    op = task if isinstance(task, Operator) else make_operator(task)
    if device is None:
        device = next(G.parameters()).device if G is not None else x.device
    scores: dict[str, list[torch.Tensor]] = {"psnr": [], "ssim": [], "seconds": []}
    if keep_images:
        scores["x_hat"] = []
    starts = range(0, len(x), batch_size)
    if progress:
        from tqdm.auto import tqdm

        starts = tqdm(starts, desc=f"{method} {op.name}", unit="batch", leave=False)
    for start in starts:
        truth = x[start : start + batch_size].to(device)
        y = op.corrupt(truth, seed=seed + start)
        began = time.perf_counter()
        x_hat = restore_with(method, y, op, G, D, seed=seed + start, **params)
        if x_hat.is_cuda:
            torch.cuda.synchronize()
        scores["seconds"].append(torch.tensor([time.perf_counter() - began]))
        scores["psnr"].append(psnr(x_hat, truth).cpu())
        scores["ssim"].append(ssim(x_hat, truth).cpu())
        if keep_images:
            scores["x_hat"].append(x_hat.cpu())
    return {key: torch.cat(values) for key, values in scores.items()}


def evaluate_task(
    x: torch.Tensor,
    task: str,
    G,
    D,
    seed: int = 0,
    batch_size: int = 16,
    progress: bool = False,
    **settings,
) -> dict[str, torch.Tensor]:
    """The GAN prior and the naive inverse on one task: keys psnr, ssim, psnr_naive,
    ssim_naive (N,). ``settings`` override the task's solver defaults (lam=, p=, ...).

    ``x``: clean faces (N, 3, 64, 64); the other arguments as in ``evaluate_method``.
    An untrained generator draws flat gray images, worse than the noisy faces:

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(G, D)
    >>> x = tl.load_sample_faces(2)
    >>> r = evaluate_task(x, "denoising", G, D, steps=2, restarts=1)
    >>> sorted(r), bool((r["psnr"] < r["psnr_naive"]).all())
    (['psnr', 'psnr_naive', 'ssim', 'ssim_naive'], True)
    """
    common = dict(G=G, D=D, seed=seed, batch_size=batch_size, progress=progress)
    gan = evaluate_method(x, task, "gan", **common, **settings)
    naive = evaluate_method(x, task, "naive", **common)
    return {
        "psnr": gan["psnr"],
        "ssim": gan["ssim"],
        "psnr_naive": naive["psnr"],
        "ssim_naive": naive["ssim"],
    }
