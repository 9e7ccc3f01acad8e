"""Hand-made priors, the paper's baselines: total variation, low rank, sparse coding;
and BM3D, a denoiser beside them.

Each baseline restores y = A(x*) + noise for any operator of tutorial_lib.operators,
through A and its adjoint A*, with no generator:

    x_hat = argmin_x  data(A x, y) + lam * R(x),   x in [0, 1]

| name      | R(x)                                         | module     |
| --------- | -------------------------------------------- | ---------- |
| "tv"      | total variation (C-SALSA / primal-dual)      | tv.py      |
| "lowrank" | truncated nuclear norm per channel (Hu 2013) | lowrank.py |
| "sparse"  | sparse codes of patches on a learned dict    | sparse.py  |
| "bm3d"    | collaborative filtering of similar blocks    | bm3d.py    |

BM3D is a denoiser, not a prior for any A: it serves denoising and quantization (the
rounding error read as noise) and refuses the other tasks; it needs the ``bm3d``
package.

Every module has ``restore_<name>(y, op, **params) -> x_hat`` (N, 3, H, W) in [0, 1],
following y's device, and ``TUNED_SETTINGS``: the parameters per task, tuned on validation
faces with benchmarks/tune.py. ``restore_baseline(name, y, op)`` picks one
by name. Compared with the GAN prior in notebook 10 and ``python -m tutorial_lib table``.
"""

from __future__ import annotations

from importlib import import_module

PRIORS = ("tv", "lowrank", "sparse")  # the paper's hand-made priors: any operator A
BASELINES = PRIORS + ("bm3d",)


def _module(name: str):
    if name not in BASELINES:
        raise ValueError(
            f"unknown baseline {name!r}; expected one of {', '.join(BASELINES)}"
        )
    return import_module(f"{__name__}.{name}")


def restore_baseline(name: str, y, op, **params):
    """Restore y with the baseline ``name``; ``params`` override its task defaults.

    ``name``: one of BASELINES ("tv", "lowrank", "sparse", "bm3d"); ``y``: observations
    of the operator ``op``; ``params``: the keyword arguments of ``restore_<name>``.
    Returns x_hat (N, 3, H, W) in [0, 1]. TV denoising of a flat gray image, with the
    tuned lam and step and 20 iterations instead of 150, removes most of the noise:

    >>> import torch
    >>> from tutorial_lib.operators import make_operator
    >>> op, x = make_operator("denoising"), torch.full((2, 3, 64, 64), 0.5)
    >>> y = op.corrupt(x, seed=0)
    >>> x_hat = restore_baseline("tv", y, op, iters=20)
    >>> x_hat.shape, bool((x_hat - x).abs().mean() < (y - x).abs().mean() / 2)
    (torch.Size([2, 3, 64, 64]), True)
    """
    return getattr(_module(name), f"restore_{name}")(y, op, **params)


def baseline_defaults(name: str, task: str) -> dict:
    """The tuned parameters of baseline ``name`` for ``task`` (a copy).

    >>> baseline_defaults("tv", "denoising")
    {'lam': 0.06, 'iters': 150, 'step': 0.05}
    >>> params = baseline_defaults("lowrank", "inpainting")
    >>> params["rank"] = 5  # changes the copy only
    >>> baseline_defaults("lowrank", "inpainting")["rank"]
    1
    """
    return dict(_module(name).TUNED_SETTINGS[task])
