"""Low-rank restoration, the paper's "LR" baseline: truncated nuclear norm
regularisation (TNNR) of Hu, Zhang, Ye, Li and He, PAMI 2013.

Each color channel X_c of a 64x64 image is treated as a matrix, and for any linear
operator A of tutorial_lib.operators

    x_hat = argmin_X  1/2 || w^(1/2) (A X - y) ||^2  +  lam * sum_c ||X_c||_r,

    ||X_c||_r = ||X_c||_* - sum_{i <= r} sigma_i(X_c) = sum_{i > r} sigma_i(X_c),

the truncated nuclear norm: the r largest singular values are free, only the tail
is penalised, so the prior asks for "rank r plus a little" rather than shrinking
every singular value as the nuclear norm (r = 0) does. Here, as in every baseline
of this package, lam weighs the prior against the data term (Hu et al. put their
lambda on the data term instead: theirs is 1 / ours).

The penalty is not convex, but sum_{i <= r} sigma_i(X) = max Tr(U^T X V) over U, V
with r orthonormal columns, so Hu et al. alternate two steps:

1. outer step l: the SVD of the current X gives U_r, V_r (its top r singular
   vectors, per channel);
2. inner problem, convex: min_X 1/2 ||w^(1/2) (A X - y)||^2 - lam Tr(U_r^T X V_r)
   + lam ||X||_*, solved by APGL (accelerated proximal gradient, Toh and Yun
   2010): with the smooth part's gradient A*(w (A Z - y)) - lam U_r V_r^T and
   step t = 1 / (||A||^2 max w), one over its Lipschitz constant,
       X_k = SVT_{t lam}(Z_k - t grad(Z_k)),   SVT_tau: sigma_i -> max(sigma_i - tau, 0)
       theta_{k+1} = (1 + sqrt(1 + 4 theta_k^2)) / 2
       Z_{k+1} = X_k + (theta_k - 1) / theta_{k+1} (X_k - X_{k-1}).

The SVDs are batched over (N, 3) with torch.linalg.svd, and the last SVT of an inner
loop already holds the singular vectors of the new X (those of its argument), so the
outer step costs no extra SVD. Fixed step counts make the result deterministic. The
result is clipped to [0, 1] at the end (TNNR has no box). Used in notebook 10.
"""

from __future__ import annotations

import math

import torch

from ._common import check_number, prepare, resolve_params

# rank and lam tuned on the first 32 validation faces (never test faces) with
#   OMP_NUM_THREADS=1 python benchmarks/tune.py --method lowrank \
#       --data runs/faces_valid.pt --n 32 --threads 1 --tasks TASK \
#       --grid rank=0,1,3,10,20 --grid lam=0.1,0.3,1,3   (then a finer grid)
# mean PSNR dB / SSIM there (the naive inverse in the order of TUNED_SETTINGS: 10.20,
# 19.63, 24.10, 20.44, 22.86): inpainting 21.64 / 0.735 (rank 1 only: with r >= 2
# the start's top singular vectors include the black hole, which then stays,
# 11-12 dB), super_resolution 24.41 / 0.761, denoising 24.39 / 0.706, quantization
# 24.98 / 0.768. outer / inner: where 3x more steps change PSNR by < 0.1 dB.
# Colorization, as for TV: a low rank per channel knows nothing of color, and the
# best setting barely leaves the gray start (19.54 dB / 0.913; gray: 19.63).
TUNED_SETTINGS: dict[str, dict] = {
    "inpainting": {"rank": 1, "lam": 0.2, "outer": 3, "inner": 30},
    "colorization": {"rank": 20, "lam": 0.001, "outer": 3, "inner": 30},
    "super_resolution": {"rank": 20, "lam": 0.01, "outer": 3, "inner": 10},
    "denoising": {"rank": 4, "lam": 1.0, "outer": 3, "inner": 3},
    "quantization": {"rank": 1, "lam": 0.45, "outer": 3, "inner": 3},
}


def svt(Z: torch.Tensor, tau: float):
    """Singular value thresholding of each matrix of Z (..., H, W): the prox of
    tau ||.||_*. Returns X = U diag(max(sigma - tau, 0)) V^T, and U, V^T of Z.

    The SVD runs in float64: LAPACK's float32 SVD failed to converge on some iterates
    of colorization (clustered singular values), at ~1.4x the cost on a CPU.

    Every singular value is lowered by tau, and those below tau vanish:

    >>> X, U, Vh = svt(torch.diag(torch.tensor([3.0, 1.0, 0.5])), tau=0.8)
    >>> [round(s, 4) for s in X.diagonal().tolist()]
    [2.2, 0.2, 0.0]
    """
    U, sigma, Vh = (
        s.to(Z.dtype) for s in torch.linalg.svd(Z.double(), full_matrices=False)
    )  # U: (..., H, K), sigma: (..., K), Vh: (..., K, W), K = min(H, W)
    X = U @ ((sigma - tau).clamp(min=0).unsqueeze(-1) * Vh)
    return X, U, Vh


def truncated_nuclear_norm(x: torch.Tensor, rank: int) -> torch.Tensor:
    """sum_c sum_{i > rank} sigma_i(x_c) per image (N,), for x (N, C, H, W).

    >>> x = torch.diag(torch.tensor([3.0, 2.0, 1.0])).expand(1, 1, 3, 3)
    >>> truncated_nuclear_norm(x, rank=1), truncated_nuclear_norm(x, rank=0)  # 2 + 1
    (tensor([3.]), tensor([6.]))
    """
    sigma = torch.linalg.svdvals(x.double())  # (N, C, min(H, W)), decreasing
    return sigma[..., rank:].sum(dim=(1, 2)).to(x.dtype)


def restore_lowrank(
    y: torch.Tensor,
    op,
    rank: int | None = None,
    lam: float | None = None,
    outer: int | None = None,
    inner: int | None = None,
) -> torch.Tensor:
    """Restore y by truncated-nuclear-norm regularisation (see the module docstring).

    Parameters
    ----------
    y : torch.Tensor
        Observations (N, C, h, w) in [0, 1] of ``op``, e.g. ``op.corrupt(x)``, with C
        = ``op.observed_channels``. The result follows y's device and dtype.
    op : tutorial_lib.operators.Operator
        A linear operator with ``A``, ``A_adjoint``, ``naive_inverse``, ``weights``.
    rank : int >= 0, optional
        r, the number of singular values per channel left unpenalised; 0 gives
        the plain nuclear norm (then one outer step suffices).
    lam : float >= 0, optional
        Weight of the truncated nuclear norm against the data term.
    outer, inner : int >= 1, optional
        Outer steps (new U_r, V_r) and APGL steps per outer step, starting from
        ``op.naive_inverse(y)``; each APGL step costs one batched SVD.
    Parameters left None take ``TUNED_SETTINGS[op.name]``.

    Returns
    -------
    x_hat : torch.Tensor
        (N, 3, H, W) in [0, 1].

    Example: denoising an image of rank 2 per channel (a constant + ramp x ramp).

    >>> from tutorial_lib.operators import make_operator
    >>> ramp = torch.linspace(0, 1, 64)
    >>> x = (0.25 + 0.5 * ramp[:, None] * ramp).expand(1, 3, 64, 64)
    >>> op = make_operator("denoising")
    >>> y = op.corrupt(x, seed=0)
    >>> bool((restore_lowrank(y, op) - x).pow(2).mean() < (y - x).pow(2).mean() / 3)
    True
    """
    params = resolve_params(
        TUNED_SETTINGS, op, rank=rank, lam=lam, outer=outer, inner=inner
    )
    rank, lam = params["rank"], params["lam"]
    check_number("rank", rank, 0, integer=True)
    check_number("lam", lam, 0)
    check_number("outer", params["outer"], 1, integer=True)
    check_number("inner", params["inner"], 1, integer=True)
    x, w = prepare(y, op)  # x: (N, 3, H, W); w: None or broadcastable to y
    w_max = 1.0 if w is None else max(w.max().item(), 1e-12)
    t = 1 / (op.norm_squared(x) * w_max)  # 1 / Lipschitz constant of the data term
    _, U, Vh = svt(x, 0.0)  # the SVD of the start: U (N, 3, H, K), Vh (N, 3, K, W)
    for _ in range(params["outer"]):
        UVr = U[..., :rank] @ Vh[..., :rank, :]  # (N, 3, H, W): the gradient of the
        # top-r sum at X, fixed for this outer step; zero for rank 0
        x_prev, z, theta = x, x, 1.0  # APGL restarts: the inner problem has changed
        for _ in range(params["inner"]):
            residual = op.A(z) - y
            residual = residual if w is None else w * residual
            grad = op.A_adjoint(residual) - lam * UVr
            x, U, Vh = svt(z - t * grad, t * lam)
            theta_next = (1 + math.sqrt(1 + 4 * theta**2)) / 2
            z = x + ((theta - 1) / theta_next) * (x - x_prev)
            x_prev, theta = x, theta_next
    return x.clamp(0, 1)
