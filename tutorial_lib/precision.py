"""Precision: bfloat16 where the hardware runs it natively, float32 elsewhere.

bfloat16 keeps float32's 8-bit exponent (the same range) with an 8-bit mantissa (2-3
significant digits). Under `torch.autocast` the convolutions and matrix products run in
bfloat16 while weights, optimiser state, batch-norm statistics and losses stay float32.
It pays on CPUs with AVX512-BF16 or AMX instructions and on GPUs from Ampere on; on
other hardware it is emulated and slower than float32, so "auto" picks it only where
`bf16_is_fast`. Measured with benchmarks/train_speed.py.

Used by tutorial_lib.train (``TrainConfig.precision``) and tutorial_lib.solver
(``Settings.precision``); introduced in notebook 11.
"""

from __future__ import annotations

from contextlib import nullcontext

import torch

PRECISIONS = ("auto", "fp32", "bf16")
# Below this many images in one forward pass "auto" keeps float32. On this project's
# 2-core AMX CPU, with G and D channels_last (as load_pretrained gives them),
# `python benchmarks/solver_speed.py --threads 2 --sizes 1 4 16 64` gave fp32 / bf16
# step-time ratios of 1.21 for 1 image, 1.43 for 4, 1.78 for 16, 1.86 for 64. 16: where
# the gain is large (the table's batches of 64). Below it, in the notebooks' few faces
# and the explorer's one, float32 keeps every number a student recomputes by hand
# (D(G(z)), each term of f) equal to restore()'s to float32 rounding, at a cost of
# 1.2-1.4x; precision="bf16" takes the speed there too.
BF16_MIN_BATCH = 16


def bf16_is_fast(device) -> bool:
    """Does this device run bfloat16 matrix products natively?

    CPUs: AVX512-BF16 or AMX instructions (elsewhere bfloat16 is emulated and slower
    than float32). CUDA: compute capability 8.0 (Ampere) or newer. Other devices: no.

    >>> bf16_is_fast("cpu") in (True, False)  # depends on this machine's CPU
    True
    >>> bf16_is_fast("mps")
    False
    """
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_capability(device)[0] >= 8
    if device.type == "cpu":
        checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
        return any(getattr(torch.cpu, name, lambda: False)() for name in checks)
    return False


def resolve_precision(precision: str, device, batch: int | None = None) -> str:
    """Resolve "auto" to "bf16" where `bf16_is_fast` (and ``batch``, the images per
    forward pass, is at least BF16_MIN_BATCH when given), else "fp32"; keep the others.

    >>> resolve_precision("fp32", "cpu")
    'fp32'
    >>> resolve_precision("auto", "cpu") == ("bf16" if bf16_is_fast("cpu") else "fp32")
    True
    >>> resolve_precision("auto", "cpu", batch=1)  # too few images to gain enough
    'fp32'
    """
    if precision not in PRECISIONS:
        raise ValueError(
            f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}"
        )
    if precision == "auto":
        large = batch is None or batch >= BF16_MIN_BATCH
        return "bf16" if large and bf16_is_fast(device) else "fp32"
    return precision


def autocast(precision: str, device):
    """bfloat16 autocast for "bf16" (convolutions in bf16, batch norm accumulating in
    float32), nothing for "fp32".

    >>> layer = torch.nn.Linear(4, 4)
    >>> with autocast("bf16", "cpu"):
    ...     low = layer(torch.ones(1, 4))
    >>> with autocast("fp32", "cpu"):
    ...     full = layer(torch.ones(1, 4))
    >>> low.dtype, full.dtype
    (torch.bfloat16, torch.float32)
    """
    device = torch.device(device)
    if precision == "bf16":
        return torch.autocast(device.type, dtype=torch.bfloat16)
    return nullcontext()
