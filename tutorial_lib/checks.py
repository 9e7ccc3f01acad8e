"""Input checks shared by the library: clear ValueErrors instead of torch stack traces.

Every public function that takes images calls ``check_images`` first, so a wrong shape,
a NaN or a 0-255 image is reported in one sentence that says what was expected and what
came, before it can turn into a silently wrong answer.
"""

from __future__ import annotations

import torch


def check_images(x, name: str = "x", channels: int | tuple[int, ...] = 3) -> None:
    """Raise ValueError unless ``x`` is a float tensor (N, C, H, W) with values in [0, 1].

    ``channels``: the allowed channel count(s), e.g. 1 for a grayscale observation;
    ``name`` names ``x`` in the message.

    >>> check_images(torch.rand(2, 1, 64, 64), "y", channels=1)  # fine: no error
    >>> check_images(torch.full((1, 3, 8, 8), 255.0), "face")  # an 8-bit image
    Traceback (most recent call last):
        ...
    ValueError: face must have values in [0, 1], got range [255, 255]
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
        raise ValueError(
            f"{name} must have values in [0, 1], got range [{lo:.3g}, {hi:.3g}]"
        )


def check_same_shape(a: torch.Tensor, b: torch.Tensor, names=("x", "y")) -> None:
    """Raise ValueError unless ``a`` and ``b`` have the same shape; ``names`` name them.

    >>> x, gray = torch.zeros(1, 3, 64, 64), torch.zeros(1, 1, 64, 64)
    >>> check_same_shape(x, gray, ("x", "gray"))
    Traceback (most recent call last):
        ...
    ValueError: x and gray must have the same shape,
    got (1, 3, 64, 64) and (1, 1, 64, 64)
    """
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, "
            f"got {tuple(a.shape)} and {tuple(b.shape)}"
        )


def check_settings(s) -> None:
    """Raise ValueError for solver settings outside their ranges (tutorial_lib.solver).

    ``s``: a Settings. lam >= 0, p > 0 (p < 1 is allowed: the data term is smoothed),
    steps and restarts >= 1, lr > 0, clip > 0 or None, init "random" or "encoder",
    latent "gauss" or "none", lam_D >= 0 (the
    precision's name is checked where it is resolved,
    tutorial_lib.precision.resolve_precision).

    >>> from tutorial_lib.solver import Settings
    >>> check_settings(Settings(p=0.5))  # fine: no error
    >>> check_settings(Settings(p=0.0))
    Traceback (most recent call last):
        ...
    ValueError: p must be > 0, got 0.0
    """
    if s.lam < 0:
        raise ValueError(f"lam must be >= 0, got {s.lam}")
    if s.p <= 0:
        raise ValueError(f"p must be > 0, got {s.p}")
    if s.steps < 1 or s.restarts < 1:
        raise ValueError(
            f"steps and restarts must be >= 1, got {s.steps}, {s.restarts}"
        )
    if s.lr <= 0:
        raise ValueError(f"lr must be > 0, got {s.lr}")
    if s.clip is not None and s.clip <= 0:
        raise ValueError(f"clip must be > 0 or None, got {s.clip}")
    if s.init not in ("random", "encoder"):
        raise ValueError(f'init must be "random" or "encoder", got {s.init!r}')
    if s.latent not in ("gauss", "none"):
        raise ValueError(f'latent must be "gauss" or "none", got {s.latent!r}')
    if s.lam_D < 0:
        raise ValueError(f"lam_D must be >= 0, got {s.lam_D}")


def check_restore_inputs(y, op, G, D, s) -> None:
    """The checks of restore(): y fits the operator, G and D are frozen and on y's
    device, and the settings are in range.

    ``y``: the observations; ``op``: their Operator; ``G``, ``D``: the networks;
    ``s``: the Settings of the run. Fresh networks are in training mode, where batch
    norm would mix the faces of a batch:

    >>> from tutorial_lib.models import make_dcgan
    >>> from tutorial_lib.operators import make_operator
    >>> from tutorial_lib.solver import Settings
    >>> G, D = make_dcgan(seed=0)
    >>> check_restore_inputs(torch.rand(1, 1, 64, 64), make_operator("colorization"),
    ...                      G, D, Settings())
    Traceback (most recent call last):
        ...
    ValueError: G is in training mode; call tutorial_lib.freeze(G, D) first
    (batch norm would make each result depend on its batch mates)
    """
    check_images(y, "y", channels=op.observed_channels)
    check_settings(s)
    if s.blend and not op.can_blend:
        raise ValueError(f"blend=True but {op.name} has no blending")
    for name, net in (("G", G), ("D", D)):
        if net.training:
            raise ValueError(
                f"{name} is in training mode; call tutorial_lib.freeze(G, D) first "
                "(batch norm would make each result depend on its batch mates)"
            )
        param = next(net.parameters(), None)
        if param is not None and param.device != y.device:
            raise ValueError(f"{name} is on {param.device} but y is on {y.device}")
    expected = op.A(torch.zeros(1, 3, 64, 64, device=y.device)).shape[1:]
    if y.shape[1:] != expected:
        raise ValueError(
            f"y must have shape (N, {', '.join(map(str, expected))}) for {op.name} "
            f"of 64x64 faces, got {tuple(y.shape)}"
        )
