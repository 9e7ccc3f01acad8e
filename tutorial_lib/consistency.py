"""Data consistency: the image nearest a restoration that still explains y.

The GAN prior outputs G(z_hat), which fits y only as well as the generator can: its
A(G(z_hat)) is close to y, not equal. Blending (inpainting, colorization) puts y's
information back; the paper does nothing of the kind for the other three tasks. A
consistency step does it for every task: it moves x_hat to the nearest image (in the
Euclidean sense) of the set of images that could have produced y,

    super_resolution   {x : A x = y}: back-projection. A is the 4x4 block average, so
                       A A^T = I / 16 and the projection is
                       x_hat + A^T (A A^T)^-1 (y - A x_hat) = x_hat + up(y - A x_hat),
                       up = nearest-neighbour upsampling: each block's mean error is
                       added back to its 16 pixels.
    quantization       {x : round(4 x) / 4 = y}: every value within half a level of its
                       observed level, the box [y - 1/8, y + 1/8]; the projection clamps.
    denoising          {x : ||x - y|| <= sigma sqrt(n)}: an image the noise could have
                       come from is about sigma sqrt(n) from y (n values per image); a
                       restoration farther from y than that is moved towards y until it
                       is on the ball's surface, one closer is left alone.
    inpainting         {x : M x = M y}: the known pixels copied from y.
    colorization       {x : Y(x) = y}: y's luminance with x_hat's colors (as blending).

Each result is clamped to [0, 1]. Whether the step helps is an empirical question (it
undoes some of G's misfit and may bring back some of y's blur, noise or banding):
notebook 10 measures it on every metric.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .blending import color_blend
from .checks import check_images
from .operators import Operator


def _back_project(x_hat: torch.Tensor, y: torch.Tensor, op) -> torch.Tensor:
    error = F.interpolate(y - op.A(x_hat), scale_factor=op.factor, mode="nearest")
    return x_hat + error


def _into_quantization_cell(x_hat: torch.Tensor, y: torch.Tensor, op) -> torch.Tensor:
    half_level = 0.5 / (op.sensor.levels - 1)
    return torch.minimum(torch.maximum(x_hat, y - half_level), y + half_level)


def _into_noise_ball(x_hat: torch.Tensor, y: torch.Tensor, op) -> torch.Tensor:
    radius = getattr(op.noise, "sigma", 0.0) * y[0].numel() ** 0.5  # no noise: y
    distance = (x_hat - y).flatten(1).norm(dim=1).view(-1, 1, 1, 1)
    shrink = (radius / distance.clamp_min(1e-12)).clamp(max=1.0)
    return y + shrink * (x_hat - y)


def _copy_known_pixels(x_hat: torch.Tensor, y: torch.Tensor, op) -> torch.Tensor:
    known = op.mask(y)
    return known * y + (1 - known) * x_hat


def _take_luminance(x_hat: torch.Tensor, y: torch.Tensor, op) -> torch.Tensor:
    return color_blend(x_hat, y)


STEPS = {
    "super_resolution": _back_project,
    "quantization": _into_quantization_cell,
    "denoising": _into_noise_ball,
    "inpainting": _copy_known_pixels,
    "colorization": _take_luminance,
}


def make_consistent(x_hat: torch.Tensor, y: torch.Tensor, op: Operator) -> torch.Tensor:
    """The image nearest ``x_hat`` (N, 3, H, W) in the set that explains y under ``op``
    (module docstring), clamped to [0, 1].

    >>> import tutorial_lib as tl
    >>> op = tl.make_operator("super_resolution")
    >>> x, x_hat = torch.rand(1, 3, 64, 64), torch.full((1, 3, 64, 64), 0.5)
    >>> y = op.corrupt(x)
    >>> (op.A(make_consistent(x_hat, y, op)) - y).abs().max().item() < 1e-6
    True
    """
    if op.name not in STEPS:
        raise ValueError(
            f"no consistency step for operator {op.name!r}; expected one of "
            f"{', '.join(STEPS)}"
        )
    check_images(x_hat, "x_hat")
    if y.shape[0] != x_hat.shape[0]:
        raise ValueError(
            f"x_hat and y must hold the same number of images, got {x_hat.shape[0]} "
            f"and {y.shape[0]}"
        )
    return STEPS[op.name](x_hat, y, op).clamp(0, 1)
