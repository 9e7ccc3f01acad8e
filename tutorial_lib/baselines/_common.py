"""Helpers shared by the hand-made baselines (tv.py, lowrank.py); not public.

- ``resolve_params``: a task's tuned defaults, overridden by the caller's values.
- ``check_number``: a parameter is a finite number (or integer) above a bound.
- ``prepare``: check y against the operator, start from its naive inverse, read the
  data-term weights.

The step sizes come from ``op.norm_squared`` (tutorial_lib.operators): a step of
1 / ||A||^2 is safe for the data term 1/2 ||A x - y||^2 (its gradient is
||A||^2-Lipschitz), and ||A||^2 is 1 for masks and the identity, 1/16 for 4x4 average
pooling and 0.447 for the luma conversion, so guessing 1 wastes steps.
"""

from __future__ import annotations

import math
import numbers

import torch

from ..checks import check_images


def resolve_params(defaults: dict, op, **given) -> dict:
    """``defaults[op.name]`` with the entries of ``given`` that are not None on top.

    >>> from tutorial_lib.operators import make_operator
    >>> defaults = {"denoising": {"lam": 0.06, "iters": 150}}
    >>> resolve_params(defaults, make_operator("denoising"), lam=0.1, iters=None)
    {'lam': 0.1, 'iters': 150}
    """
    chosen = {k: v for k, v in given.items() if v is not None}
    if len(chosen) == len(given):
        return chosen  # every parameter given: an operator with no defaults is fine
    task = getattr(op, "name", None)
    if task not in defaults:
        raise ValueError(
            f"no default parameters for operator {task!r}; expected one of "
            f"{', '.join(defaults)} (or pass every parameter)"
        )
    return {**defaults[task], **chosen}


def check_number(name: str, value, minimum: float, integer: bool = False) -> None:
    """Raise ValueError unless ``value`` is a finite number (an int if ``integer``)
    that is >= ``minimum``; ``name`` names it in the message.

    >>> check_number("iters", 10, 1, integer=True)  # fine: no error
    >>> check_number("iters", 2.5, 1, integer=True)
    Traceback (most recent call last):
        ...
    ValueError: iters must be an integer >= 1, got 2.5
    """
    kind = "an integer" if integer else "a number"
    valid = isinstance(value, numbers.Integral if integer else numbers.Real)
    valid = valid and not isinstance(value, bool) and math.isfinite(value)
    if not valid or value < minimum:
        raise ValueError(f"{name} must be {kind} >= {minimum}, got {value!r}")


def prepare(y: torch.Tensor, op) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Check y, return the starting image x0 = op.naive_inverse(y) (N, 3, H, W) in
    [0, 1] and the data-term weights w (broadcastable to y, or None for ones).

    >>> from tutorial_lib.operators import make_operator
    >>> x0, w = prepare(torch.full((1, 1, 4, 4), 0.5), make_operator("colorization"))
    >>> x0.shape, w  # the gray copied to R, G and B; no weights
    (torch.Size([1, 3, 4, 4]), None)
    """
    check_images(y, "y", channels=op.observed_channels)
    x0 = op.naive_inverse(y).clamp(0, 1)
    return x0, op.weights(y)
