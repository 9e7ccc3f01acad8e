"""Total-variation restoration, the paper's "TV" baseline (Afonso et al., TIP 2011).

For any linear operator A of tutorial_lib.operators,

    x_hat = argmin_{x in [0, 1]}  1/2 || w^(1/2) (A x - y) ||^2  +  lam * TV(x),

    TV(x) = sum_{c, i, j} sqrt( (Dv x)_{c,i,j}^2 + (Dh x)_{c,i,j}^2 ),

the isotropic total variation of each color channel c, with forward differences Dv,
Dh that are 0 on the last row / column (Neumann boundary), and w the operator's
data-term weights (ones unless the operator has some). Piecewise-flat images have a
small TV, so the prior keeps edges sharp but flattens texture into "cartoon" patches.

Solver: the primal-dual algorithm of Chambolle and Pock (J. Math. Imaging Vis. 2011),
a close relative of Afonso et al.'s C-SALSA (ADMM). Write the objective as
F(K x) + G(x) with K x = (A x, grad x), F(u, v) = data(u) + lam ||v||_{2,1} and G the
indicator of the box [0, 1]. Both parts of F get a dual variable, q for the data term
and p (N, 3, 2, H, W) for the gradient, and each iteration is

    q     <- w (q + s_q (A x_bar - y)) / (w + s_q)   prox of the data term's conjugate
    p     <- project(p + s_p grad x_bar)              onto {|p_{c,i,j}|_2 <= lam}
    x_new <- clip(x - t (A* q - div p), 0, 1)         div = -grad^T
    x_bar <- 2 x_new - x,   x <- x_new

It converges for t (s_q ||A||^2 + s_p ||grad||^2) < 1; with ||grad||^2 <= 8 and
||A||^2 from power iteration we take s_q = s / ||A||^2, s_p = s / 8 and t s < 1/2
(a block-diagonal step, Pock and Chambolle, ICCV 2011), so a weak operator such as
4x4 average pooling (||A||^2 = 1/16) gets a bigger dual step instead of a slow one.
The iteration count is fixed, so the result is deterministic and an image's result
does not depend on its batch mates. Used in notebook 10 (baselines and the table).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ._common import check_number, prepare, resolve_params

# lam and step tuned on the first 32 validation faces (never test faces) with
#   OMP_NUM_THREADS=1 python benchmarks/tune.py --method tv \
#       --data runs/faces_valid.pt --n 32 --threads 1 --tasks TASK --grid lam=... \
#       [--grid step=...]
# mean PSNR dB / SSIM there (the naive inverse in the order of TUNED_SETTINGS: 10.20,
# 19.63, 24.10, 20.44, 22.86):
# inpainting 22.42 / 0.755, super_resolution 24.00 / 0.741, denoising 26.48 / 0.804,
# quantization 24.59 / 0.743. iters: where the objective has settled (within ~0.5%;
# super-resolution stopped early scored 24.30 dB, but only by staying closer to the
# bicubic start, so we keep the converged TV answer). Colorization: TV per channel
# knows nothing of color; given the luma it lowers TV by moving the contrast into the
# green channel (TV(l) / 0.587 < 3 TV(l)), and converged faces turn green (12-15 dB).
# The best setting barely leaves the gray start (19.58 dB / 0.917; gray: 19.63).
TUNED_SETTINGS: dict[str, dict] = {
    "inpainting": {"lam": 0.001, "iters": 400, "step": 60.0},
    "colorization": {"lam": 0.001, "iters": 300, "step": 0.1},
    "super_resolution": {"lam": 0.0003, "iters": 400, "step": 16.0},
    "denoising": {"lam": 0.06, "iters": 150, "step": 0.05},
    "quantization": {"lam": 0.06, "iters": 200, "step": 0.05},
}


def grad(x: torch.Tensor) -> torch.Tensor:
    """Forward differences (N, C, H, W) -> (N, C, 2, H, W): vertical, horizontal;
    0 on the last row (vertical) and the last column (horizontal).

    >>> x = torch.tensor([0.0, 1.0, 3.0]).view(1, 1, 1, 3)  # one row of three pixels
    >>> grad(x)[0, 0, 1].tolist(), grad(x)[0, 0, 0].tolist()  # horizontal; vertical
    ([[1.0, 2.0, 0.0]], [[0.0, 0.0, 0.0]])
    """
    dv = F.pad(x[..., 1:, :] - x[..., :-1, :], (0, 0, 0, 1))
    dh = F.pad(x[..., 1:] - x[..., :-1], (0, 1))
    return torch.stack([dv, dh], dim=2)


def div(p: torch.Tensor) -> torch.Tensor:
    """Divergence (N, C, 2, H, W) -> (N, C, H, W), the negative adjoint of ``grad``:
    <grad x, p> = -<x, div p> for every x and p.

    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.rand(1, 3, 8, 8, generator=g, dtype=torch.float64)
    >>> p = torch.rand(1, 3, 2, 8, 8, generator=g, dtype=torch.float64)
    >>> abs((grad(x) * p).sum() + (x * div(p)).sum()).item() < 1e-12
    True
    """
    pv, ph = p[:, :, 0, :-1, :], p[:, :, 1, :, :-1]  # the entries grad can reach
    return (
        F.pad(pv, (0, 0, 0, 1))
        - F.pad(pv, (0, 0, 1, 0))
        + F.pad(ph, (0, 1))
        - F.pad(ph, (1, 0))
    )


def _pixel_norm(p: torch.Tensor) -> torch.Tensor:
    """|p| per channel and pixel, (N, C, 2, H, W) -> (N, C, 1, H, W). Written out:
    torch's norm over a middle dimension is ~100x slower on the CPU."""
    return p.square().sum(dim=2, keepdim=True).sqrt()


def tv(x: torch.Tensor) -> torch.Tensor:
    """Isotropic total variation per image (N,), summed over channels and pixels.

    A vertical edge of height 1 and length 4 has TV 4; a flat image has none:

    >>> edge = torch.zeros(1, 1, 4, 4)
    >>> edge[..., 2:] = 1.0
    >>> tv(edge), tv(torch.full((1, 3, 4, 4), 0.7))
    (tensor([4.]), tensor([0.]))
    """
    return _pixel_norm(grad(x)).flatten(1).sum(dim=1)


def tv_objective(x: torch.Tensor, y: torch.Tensor, op, lam: float) -> torch.Tensor:
    """1/2 ||w^(1/2) (A x - y)||^2 + lam TV(x), the objective, per image (N,).

    ``x``: images (N, 3, H, W); ``y``: observations of ``op``; ``lam`` >= 0.

    >>> from tutorial_lib.operators import make_operator
    >>> op, y = make_operator("denoising"), torch.full((1, 3, 4, 4), 0.5)
    >>> tv_objective(y, y, op, lam=0.1)
    tensor([0.])
    >>> tv_objective(y + 0.1, y, op, lam=0.1)  # 1/2 * 48 pixels * 0.1^2
    tensor([0.2400])
    """
    w = op.weights(y)
    r2 = (op.A(x) - y) ** 2  # (N, C_y, H_y, W_y)
    r2 = r2 if w is None else w * r2
    return 0.5 * r2.flatten(1).sum(dim=1) + lam * tv(x)


def restore_tv(
    y: torch.Tensor,
    op,
    lam: float | None = None,
    iters: int | None = None,
    step: float | None = None,
) -> torch.Tensor:
    """Restore y by TV-regularised least squares (see the module docstring).

    Parameters
    ----------
    y : torch.Tensor
        Observations (N, C, h, w) in [0, 1] of ``op``, e.g. ``op.corrupt(x)``, with C
        = ``op.observed_channels``. The result follows y's device and dtype.
    op : tutorial_lib.operators.Operator
        A linear operator with ``A``, ``A_adjoint``, ``naive_inverse``, ``weights``.
    lam : float >= 0, optional
        Weight of TV against the data term; 0 gives (box-constrained) least squares.
    iters : int >= 1, optional
        Primal-dual iterations, started from ``op.naive_inverse(y)``.
    step : float > 0, optional
        The primal step t; the dual steps are s_q = s / ||A||^2, s_p = s / 8 with
        s = 0.49 / t. The best t scales like 1 / lam where pixels have no data
        (the hole of inpainting) and is small where every pixel has data.
    Parameters left None take ``TUNED_SETTINGS[op.name]``.

    Returns
    -------
    x_hat : torch.Tensor
        (N, 3, H, W) in [0, 1].

    Example: super-resolution of a flat image gives the flat image back.

    >>> from tutorial_lib.operators import make_operator
    >>> op, x = make_operator("super_resolution"), torch.full((1, 3, 64, 64), 0.5)
    >>> bool((restore_tv(op.corrupt(x), op) - x).abs().max() < 1e-4)
    True
    """
    params = resolve_params(TUNED_SETTINGS, op, lam=lam, iters=iters, step=step)
    lam, iters, t = params["lam"], params["iters"], params["step"]
    check_number("lam", lam, 0)
    check_number("iters", iters, 1, integer=True)
    check_number("step", t, 1e-6)
    x, w = prepare(y, op)  # x: (N, 3, H, W); w: None or broadcastable to y
    w = torch.ones((), dtype=y.dtype, device=y.device) if w is None else w
    s = 0.49 / t  # t s < 1/2: the convergence condition (module docstring)
    s_q, s_p = s / op.norm_squared(x), s / 8
    x_bar = x
    q = torch.zeros_like(y)  # dual of the data term, shaped like y
    p = torch.zeros_like(grad(x))  # dual of the gradient, (N, 3, 2, H, W)
    for _ in range(iters):
        q = w * (q + s_q * (op.A(x_bar) - y)) / (w + s_q)
        p = p + s_p * grad(x_bar)
        # project each pixel's 2-vector onto the disc of radius lam (lam = 0: p = 0)
        p = p * (lam / _pixel_norm(p).clamp(min=max(lam, 1e-12)))
        x_new = (x - t * (op.A_adjoint(q) - div(p))).clamp(0, 1)
        x_bar, x = 2 * x_new - x, x_new
    return x
