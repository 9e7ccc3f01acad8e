"""Blending a restoration G(z) with the observation y.

Poisson blending (inpainting; Perez, Gangnet and Blake 2003, as in Yeh et al. CVPR 2017).
Keep the known pixels of y and fill the hole Omega with the image x whose Laplacian
matches that of the restoration x_hat, so that the fill has G(z)'s details but meets
y without a seam:

    L x = L x_hat  on Omega,      x = y  off Omega,
    (L v)_p = sum over the 4 neighbours q of p inside the image of (v_p - v_q).

Out-of-image neighbours are left out of L (a Neumann condition at the image border).
The unknowns are the hole's pixels; the system is symmetric positive definite and is
solved by conjugate gradients, all images and channels at once.

Color blending (colorization). Keep the chrominance of x_hat and the luminance of the
gray observation g. In YCbCr (BT.601) Cb and Cr are multiples of B - Y and R - Y, so
replacing Y by g while keeping Cb and Cr adds the same d = g - Y(x_hat) to R, G and B:

    x = x_hat + (g - Y(x_hat)),     Y(x) = 0.299 R + 0.587 G + 0.114 B.

Introduced in notebook 04 (the solver); used in notebooks 05 (inpainting) and 06
(colorization).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .checks import check_images, check_same_shape

LUMA_WEIGHTS = (0.299, 0.587, 0.114)  # ITU-R BT.601, the standard grayscale conversion


def luminance(x: torch.Tensor) -> torch.Tensor:
    """Y = 0.299 R + 0.587 G + 0.114 B, shape (N, 1, H, W)."""
    w = torch.tensor(LUMA_WEIGHTS, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    return (x * w).sum(dim=1, keepdim=True)


def color_blend(x_hat: torch.Tensor, gray: torch.Tensor) -> torch.Tensor:
    """x_hat's colors with gray's luminance: clip(x_hat + (gray - Y(x_hat)), 0, 1)."""
    check_images(x_hat, "x_hat")
    check_images(gray, "gray", channels=1)
    check_same_shape(x_hat[:, :1], gray, ("x_hat", "gray"))
    return (x_hat + (gray - luminance(x_hat))).clamp(0, 1)


def _laplacian(v: torch.Tensor) -> torch.Tensor:
    """(L v)_p = sum of v_p - v_q over in-image 4-neighbours q (replicate padding)."""
    padded = F.pad(v, (1, 1, 1, 1), mode="replicate")  # outside neighbour = v_p: adds 0
    neighbours = (
        padded[..., :-2, 1:-1] + padded[..., 2:, 1:-1]
        + padded[..., 1:-1, :-2] + padded[..., 1:-1, 2:]
    )
    return 4 * v - neighbours


def _dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (a * b).sum(dim=(-2, -1), keepdim=True)  # one value per image and channel


def poisson_blend(
    x_hat: torch.Tensor, y: torch.Tensor, known: torch.Tensor,
    iters: int = 500, tol: float = 1e-6,
) -> torch.Tensor:
    """Seamless fill of the hole of y with x_hat's gradients (module docstring).

    ``known``: (N or 1, 1, H, W) with 1 on observed pixels and 0 in the hole.
    Conjugate gradients run until every residual norm is below ``tol`` (or ``iters``).
    """
    check_images(x_hat, "x_hat")
    check_images(y, "y")
    check_same_shape(x_hat, y, ("x_hat", "y"))
    if known.ndim != 4 or known.shape[1] != 1 or known.shape[2:] != y.shape[2:] \
            or known.shape[0] not in (1, len(y)):
        raise ValueError(
            f"known must be a mask (N or 1, 1, H, W) matching y {tuple(y.shape)}, "
            f"got {tuple(known.shape)}"
        )
    if not torch.all((known == 0) | (known == 1)):
        raise ValueError("known must hold only 0 (missing) and 1 (observed)")
    hole = 1 - known.to(y.dtype)

    def A(u):  # the Laplacian restricted to the hole's pixels
        return hole * _laplacian(hole * u)

    # With x = known * y + hole * u:  L(hole * u) = L x_hat - L(known * y) on the hole.
    b = hole * (_laplacian(x_hat) - _laplacian((1 - hole) * y))
    u = hole * x_hat  # start from the restoration itself
    r = b - A(u)
    p, rr = r, _dot(r, r)
    for _ in range(iters):
        if rr.max().sqrt() < tol:
            break
        Ap = A(p)
        pAp = _dot(p, Ap)
        alpha = torch.where(pAp > 0, rr / pAp, torch.zeros_like(pAp))
        u = u + alpha * p
        r = r - alpha * Ap
        rr_new = _dot(r, r)
        p = r + torch.where(rr > 0, rr_new / rr, torch.zeros_like(rr)) * p
        rr = rr_new
    return ((1 - hole) * y + hole * u).clamp(0, 1)
