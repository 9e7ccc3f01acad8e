"""Input checks shared by the library: clear ValueErrors instead of torch stack traces.

Every public function that takes images calls ``check_images`` first, so a wrong shape,
a NaN or a 0-255 image is reported in one sentence that says what was expected and what
came, before it can turn into a silently wrong answer.
"""
from __future__ import annotations

import torch


def check_images(x, name: str = "x", channels: int | tuple[int, ...] = 3) -> None:
    """Raise ValueError unless ``x`` is a float tensor (N, C, H, W) with values in [0, 1].

    ``channels``: the allowed channel count(s), e.g. 1 for a grayscale observation.
    """
    allowed = (channels,) if isinstance(channels, int) else tuple(channels)
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise ValueError(
            f"{name} must be a float tensor with values in [0, 1], got dtype {x.dtype}"
            " (divide 8-bit images by 255)"
        )
    if x.ndim != 4 or x.shape[1] not in allowed:
        wanted = " or ".join(str(c) for c in allowed)
        raise ValueError(
            f"{name} must have shape (N, C, H, W) with C = {wanted}, got {tuple(x.shape)}"
        )
    if torch.isnan(x).any():
        raise ValueError(f"{name} contains NaN values")
    lo, hi = x.min().item(), x.max().item()
    if lo < 0 or hi > 1:
        raise ValueError(f"{name} must have values in [0, 1], got range [{lo:.3g}, {hi:.3g}]")


def check_same_shape(a: torch.Tensor, b: torch.Tensor, names=("x", "y")) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, "
            f"got {tuple(a.shape)} and {tuple(b.shape)}"
        )
