"""Conjugate gradients, batched: the one linear solver of the package.

Solves H u = b for a symmetric positive definite H given as a function, with many
independent systems at once (one per image, or per image and channel): every inner
product sums over ``dims`` only, so no system is coupled to its batch mates. With a
preconditioner P (an approximation of H^-1, applied as a function) the iteration is

    r = b - H u,  s = P r,  d = s
    repeat:  alpha = <r, s> / <d, H d>;  u += alpha d;  r -= alpha H d
             s' = P r;  d = s' + (<r, s'> / <r, s>) d

Used by Poisson blending (tutorial_lib.blending) and the sparse-coding baseline
(tutorial_lib.baselines.sparse).
"""

from __future__ import annotations

from typing import Callable

import torch

Linear = Callable[[torch.Tensor], torch.Tensor]


def conjugate_gradient(
    H: Linear,
    b: torch.Tensor,
    u: torch.Tensor,
    dims: tuple[int, ...],
    iters: int,
    tol: float = 0.0,
    precondition: Linear | None = None,
) -> torch.Tensor:
    """u with H u ~ b, from the start ``u``; systems are the slices over ``dims``.

    Stops after ``iters`` steps, or earlier once every system's residual norm ||b - H u||
    is below ``tol``. A system that has converged (zero direction) stays where it is.

    >>> H = lambda v: torch.tensor([2.0, 5.0]) * v  # a diagonal matrix, two 1-D systems
    >>> conjugate_gradient(H, torch.tensor([4.0, 5.0]), torch.zeros(2), dims=(), iters=3)
    tensor([2., 1.])
    """
    P = precondition if precondition is not None else (lambda r: r)

    def dot(a, c):
        return (a * c).sum(dims, keepdim=True) if dims else a * c

    r = b - H(u)
    s = P(r)
    d, rs = s, dot(r, s)
    for _ in range(iters):
        if tol > 0 and dot(r, r).max().sqrt() < tol:
            break
        Hd = H(d)
        dHd = dot(d, Hd)
        alpha = torch.where(dHd > 0, rs / dHd, torch.zeros_like(dHd))
        u, r = u + alpha * d, r - alpha * Hd
        s = P(r)
        rs_new = dot(r, s)
        d = s + torch.where(rs > 0, rs_new / rs, torch.zeros_like(rs)) * d
        rs = rs_new
    return u
