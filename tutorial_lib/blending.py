"""Blending a restoration x_hat = G(z_hat) with the observation y.

Poisson blending (inpainting; Perez, Gangnet and Blake 2003; Yeh et al. CVPR 2017).
Keep the known pixels of y and fill the hole Omega with the image x whose Laplacian
matches that of x_hat (x_hat's gradients are the guidance field), so that the fill
has G(z)'s details but meets y without a seam:

    L x = L x_hat  on Omega,      x = y  on the known pixels (boundary dOmega),
    (L v)_p = sum over the 4 neighbours q of p inside the image of (v_p - v_q).

Neighbours outside the image are left out of L (a Neumann condition), so a hole may
touch the image border (our central 32x32 hole does not). The unknowns are the hole's
pixels; the system is symmetric positive definite and is solved by conjugate
gradients (tutorial_lib.linalg), all images and channels at once.

Color blending (colorization). Keep the chrominance of x_hat and the luminance of the
gray observation g, in YCbCr (ITU-R BT.601, chroma centred on 0):

    Y = 0.299 R + 0.587 G + 0.114 B,   Cb = (B - Y) / 1.772,   Cr = (R - Y) / 1.402,
    R = Y + 1.402 Cr,   B = Y + 1.772 Cb,   G = (Y - 0.299 R - 0.114 B) / 0.587.

Replacing Y by g adds the same d = g - Y(x_hat) to R, G and B.

This module owns the colour conversion (``LUMA_WEIGHTS``, ``luminance``): the
colorization operator's A is the same Y, and tutorial_lib.operators imports it from
here, so imports run one way (operators -> blending). Introduced in notebook 04 (the
solver); used in notebooks 05 (inpainting) and 06 (colorization).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .checks import check_images, check_same_shape
from .linalg import conjugate_gradient

LUMA_WEIGHTS = (0.299, 0.587, 0.114)  # ITU-R BT.601, the standard grayscale conversion


def luminance(x: torch.Tensor) -> torch.Tensor:
    """Y = 0.299 R + 0.587 G + 0.114 B of (N, 3, H, W) images, shape (N, 1, H, W).

    >>> luminance(torch.ones(1, 3, 2, 2)).flatten().tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    w = torch.tensor(LUMA_WEIGHTS, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    return (x * w).sum(dim=1, keepdim=True)


def rgb_to_ycbcr(x: torch.Tensor) -> tuple[torch.Tensor, ...]:
    wr, _, wb = LUMA_WEIGHTS
    y = luminance(x)
    return y, (x[:, 2:3] - y) / (2 * (1 - wb)), (x[:, 0:1] - y) / (2 * (1 - wr))


def ycbcr_to_rgb(y: torch.Tensor, cb: torch.Tensor, cr: torch.Tensor) -> torch.Tensor:
    wr, wg, wb = LUMA_WEIGHTS
    r, b = y + 2 * (1 - wr) * cr, y + 2 * (1 - wb) * cb
    return torch.cat([r, (y - wr * r - wb * b) / wg, b], dim=1)  # Y's formula for G


def color_blend(x_hat: torch.Tensor, gray: torch.Tensor) -> torch.Tensor:
    """x_hat's chrominance (Cb, Cr) with gray's luminance Y, clamped to [0, 1].

    ``x_hat``: (N, 3, H, W) colour images; ``gray``: (N, 1, H, W) the observed
    luminance. Every pixel gets d = gray - Y(x_hat) added to R, G and B (module
    docstring), so the result has gray's luminance and x_hat's colour differences:

    >>> x_hat = torch.tensor([0.6, 0.4, 0.3]).view(1, 3, 1, 1)  # Y = 0.4484
    >>> blended = color_blend(x_hat, torch.full((1, 1, 1, 1), 0.5))
    >>> [round(v, 4) for v in blended.flatten().tolist()]  # d = 0.5 - 0.4484 = 0.0516
    [0.6516, 0.4516, 0.3516]
    >>> round(luminance(blended).item(), 4)
    0.5
    """
    check_images(x_hat, "x_hat")
    check_images(gray, "gray", channels=1)
    check_same_shape(x_hat[:, :1], gray, ("x_hat", "gray"))
    _, cb, cr = rgb_to_ycbcr(x_hat)
    return ycbcr_to_rgb(gray, cb, cr).clamp(0, 1)


def _laplacian(v: torch.Tensor) -> torch.Tensor:
    """(L v)_p = sum of v_p - v_q over in-image 4-neighbours q (replicate padding)."""
    pad = F.pad(v, (1, 1, 1, 1), mode="replicate")  # outside: v_p - v_p adds 0
    neighbours = (
        pad[..., :-2, 1:-1]
        + pad[..., 2:, 1:-1]
        + pad[..., 1:-1, :-2]
        + pad[..., 1:-1, 2:]
    )
    return 4 * v - neighbours


def _check_mask(known, y: torch.Tensor) -> None:
    wanted = f"(N or 1, 1, H, W) = ({len(y)} or 1, 1, {y.shape[2]}, {y.shape[3]})"
    if not isinstance(known, torch.Tensor):
        raise ValueError(f"known must be a torch.Tensor mask, got {type(known)}")
    if (
        known.ndim != 4
        or known.shape[1] != 1
        or known.shape[2:] != y.shape[2:]
        or known.shape[0] not in (1, len(y))
    ):
        raise ValueError(f"known must be a mask {wanted}, got {tuple(known.shape)}")
    bad = known[(known != 0) & (known != 1)]
    if bad.numel():
        msg = "known must hold only 0 (missing) and 1 (observed), got e.g."
        raise ValueError(f"{msg} {bad[0].item():.3g}")


@torch.no_grad()  # a post-processing step: no need to keep hundreds of CG steps' graph
def poisson_blend(
    x_hat: torch.Tensor,
    y: torch.Tensor,
    known: torch.Tensor,
    iters: int = 500,
    tol: float = 1e-6,
) -> torch.Tensor:
    """Seamless fill of the hole of y with x_hat's gradients (module docstring).

    ``known``: (N or 1, 1, H, W) with 1 on observed pixels and 0 in the hole.
    Conjugate gradients stop when every image and channel has a residual norm
    ||b - A u|| below ``tol``, or after ``iters`` steps (about 80 for a 32x32 hole).

    A restoration that is 0.3 too bright but has the right gradients (a ramp, like
    y's) fills the hole without a seam: only its gradients are kept, y sets the level.

    >>> from tutorial_lib.operators import hole_mask
    >>> ramp = torch.linspace(0.2, 0.6, 16).expand(1, 3, 16, 16)
    >>> known = hole_mask(16, 16, 8)  # an 8x8 hole in a 16x16 image
    >>> x = poisson_blend(ramp + 0.3, ramp * known, known)
    >>> round((x - ramp).abs().max().item(), 4)
    0.0
    """
    check_images(x_hat, "x_hat")
    check_images(y, "y")
    check_same_shape(x_hat, y, ("x_hat", "y"))
    _check_mask(known, y)
    hole = 1 - known.to(y.dtype)

    def A(u):  # the Laplacian restricted to the hole's pixels
        return hole * _laplacian(hole * u)

    # With x = known * y + hole * u:  L(hole * u) = L x_hat - L(known * y) on the hole.
    b = hole * (_laplacian(x_hat) - _laplacian((1 - hole) * y))
    # start from the restoration itself; one system per image and channel
    u = conjugate_gradient(A, b, hole * x_hat, dims=(-2, -1), iters=iters, tol=tol)
    return ((1 - hole) * y + hole * u).clamp(0, 1)
