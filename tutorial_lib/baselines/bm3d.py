"""BM3D, a denoiser beside the paper's baselines (Dabov et al., TIP 2007).

BM3D needs no operator A: it removes white Gaussian noise of a known sigma,

    y = x* + sigma n,   n ~ N(0, I),

so it serves two of our tasks, denoising (sigma = ``op.noise.sigma``, 0.1) and
quantization, read as denoising of the rounding error. For L levels the step is
Delta = 1 / (L - 1) and the error e = q(v) - v lies in [-Delta/2, Delta/2]; when v
spreads over many steps e is close to uniform there (Widrow's model), so

    sigma^2 = E[e^2] = 1/Delta * int_{-Delta/2}^{Delta/2} e^2 de = Delta^2 / 12,

sigma = 1 / (4 sqrt(12)) = 0.072 for L = 5. The model is rough: the real error is
tied to x (constant on a flat patch, a staircase on a ramp), not white, and BM3D does
better when told a quarter more (``TUNED_SETTINGS``).

The algorithm, per image: (1) group similar 8x8 blocks into 3-D stacks (block
matching), transform each stack, hard-threshold the coefficients at ~2.7 sigma and
average the overlapping block estimates; (2) repeat the matching on that estimate and
replace the threshold by a Wiener filter built from it. Colour goes through the
package's ``bm3d_rgb``, which works in the opponent colour space

    o = T v,   T = [[1/3, 1/3, 1/3], [1/2, 0, -1/2], [1/4, -1/2, 1/4]],

whose rows are orthogonal: white noise of std sigma on R, G, B stays white and
independent on the three channels of o, with std sigma ||T_k|| (sigma / sqrt(3),
sigma / sqrt(2), sigma sqrt(6) / 4); blocks are matched on the first (mean) channel.

The ``bm3d`` package (Tampere University: free for non-commercial use only; a
compiled library for x86-64 Linux, macOS and Windows) works on numpy float images, so
each image goes to the CPU and back. The other tasks are not denoising, and
``restore_bm3d`` refuses them. Compared with the GAN prior in notebook 10 and
``python -m tutorial_lib table``; published: 29.9 dB at sigma = 0.1 on 64x64 CelebA.
"""

from __future__ import annotations

import numpy as np
import torch

from ..checks import check_images
from ..operators import GaussianNoise, NoNoise, Quantize
from ._common import check_number, resolve_params

TASKS = ("denoising", "quantization")  # the tasks whose y is x* plus noise
PROFILES = {  # the package's settings by name -> its class
    "np": "BM3DProfile",  # the default ("normal profile")
    "refilter": "BM3DProfileRefilter",
    "vn": "BM3DProfileVN",
    "high": "BM3DProfileHigh",
    "lc": "BM3DProfileLC",  # low complexity
}
INSTALL = "pip install bm3d"

# sigma_scale multiplies the sigma of the operator (``noise_sigma``). Checked on the
# first 32 validation faces (never test faces) with
#   OMP_NUM_THREADS=1 python benchmarks/tune.py --method bm3d \
#       --data runs/faces_valid.pt --n 32 --threads 1 \
#       --tasks denoising quantization --grid sigma_scale=0.75,1,1.25
# mean PSNR dB / SSIM there, sigma_scale 0.75 | 1 | 1.25:
#   denoising     27.69 / 0.836 | 29.78 / 0.908 | 29.42 / 0.900   -> 1, sigma as given
#   quantization  25.29 / 0.789 | 26.10 / 0.816 | 26.48 / 0.828   -> 1.25
# Quantization's 1.25 beats 1 on all 32 faces, in PSNR (+0.38 dB on average, +0.06 to
# +0.68) and in SSIM: its error comes in flat patches and contours, not white noise,
# and a stronger filter removes more of it. 1.25 is the grid's edge: larger scales
# were not tried.
TUNED_SETTINGS: dict[str, dict] = {
    "denoising": {"sigma_scale": 1.0, "profile": "np"},
    "quantization": {"sigma_scale": 1.25, "profile": "np"},
}


def noise_sigma(op) -> float:
    """The std of the error y - x* that BM3D removes: the Gaussian noise and the
    sensor's rounding add their variances, sigma^2 = sigma_noise^2 + Delta^2 / 12.

    >>> from tutorial_lib.operators import make_operator
    >>> noise_sigma(make_operator("denoising"))
    0.1
    >>> round(noise_sigma(make_operator("quantization")), 4)  # 1 / (4 sqrt(12))
    0.0722
    """
    if isinstance(op.noise, GaussianNoise):
        variance = op.noise.sigma**2
    elif isinstance(op.noise, NoNoise):
        variance = 0.0
    else:
        raise ValueError(f"BM3D needs Gaussian noise or none, got {op.noise!r}")
    if isinstance(op.sensor, Quantize):
        variance += (1 / (op.sensor.levels - 1)) ** 2 / 12
    return variance**0.5


def _import_bm3d():
    """The ``bm3d`` package, imported on first use: the other baselines need none."""
    try:
        import bm3d
    except ImportError as error:
        raise ImportError(
            f"the BM3D baseline needs the bm3d package: {INSTALL}"
        ) from error
    except OSError as error:  # its compiled library exists for some machines only
        raise ImportError(
            "the bm3d package is installed but its compiled library does not load on "
            f"this machine (bm4d ships x86-64 Linux, macOS and Windows builds): {error}"
        ) from error
    return bm3d


def _denoise_rgb(bm3d, v: np.ndarray, sigma: float, profile) -> np.ndarray:
    """One image (H, W, 3) float64 -> its BM3D estimate (H, W, 3)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        x_hat = bm3d.bm3d_rgb(v, sigma, profile, colorspace="opp")
    if not np.isfinite(x_hat).all():
        # bm3d_rgb rescales each opponent channel by its range, 0 / 0 when a channel
        # is constant (a gray image: flat chroma); denoise R, G, B jointly instead
        x_hat = bm3d.bm3d(v, sigma, profile)
    return x_hat


def restore_bm3d(
    y: torch.Tensor, op, sigma_scale: float | None = None, profile: str | None = None
) -> torch.Tensor:
    """Restore y = x* + noise by BM3D with the operator's sigma (module docstring).

    Parameters
    ----------
    y : torch.Tensor
        Observations (N, 3, H, W) in [0, 1] of a denoising or quantization operator,
        e.g. ``op.corrupt(x)``. The result follows y's device.
    op : tutorial_lib.operators.Operator
        Denoising or Quantization: ``noise_sigma(op)`` gives the sigma.
    sigma_scale : float >= 0, optional
        BM3D is told sigma_scale * noise_sigma(op); 1 is the sigma as given, below 1
        keeps more detail and more noise.
    profile : str, optional
        The package's settings: "np" (its default), "refilter", "vn", "high", "lc".
    Parameters left None take ``TUNED_SETTINGS[op.name]``.

    Returns
    -------
    x_hat : torch.Tensor
        (N, 3, H, W) float32 in [0, 1].

    Example: BM3D flattens the noise on a flat gray image (sigma 0.1 -> ~0.01).

    >>> from tutorial_lib.operators import make_operator
    >>> op, x = make_operator("denoising"), torch.full((2, 3, 32, 32), 0.5)
    >>> y = op.corrupt(x, seed=0)
    >>> x_hat = restore_bm3d(y, op)
    >>> x_hat.shape, round((y - x).std().item(), 2), round((x_hat - x).std().item(), 2)
    (torch.Size([2, 3, 32, 32]), 0.1, 0.01)
    """
    task = getattr(op, "name", None)
    if task not in TASKS:
        raise ValueError(
            f"BM3D is a denoiser: it serves {' and '.join(TASKS)}, not {task!r}"
        )
    params = resolve_params(
        TUNED_SETTINGS, op, sigma_scale=sigma_scale, profile=profile
    )
    check_number("sigma_scale", params["sigma_scale"], 0)
    if params["profile"] not in PROFILES:
        raise ValueError(
            f"unknown BM3D profile {params['profile']!r}; expected one of "
            f"{', '.join(PROFILES)}"
        )
    check_images(y, "y", channels=op.observed_channels)
    bm3d = _import_bm3d()
    settings = getattr(bm3d, PROFILES[params["profile"]])()
    block = max(settings.bs_ht, settings.bs_wiener)
    if min(y.shape[-2:]) <= block:  # smaller: an error; equal: the library crashes
        raise ValueError(
            f"BM3D matches {block}x{block} blocks: y must be larger than that on both "
            f"sides, got {tuple(y.shape[-2:])}"
        )
    settings.num_threads = 1  # the package's threads change the sums' order: 1 is exact
    sigma = params["sigma_scale"] * noise_sigma(op)
    v = y.detach().cpu().double().permute(0, 2, 3, 1).numpy()  # (N, H, W, 3)
    x_hat = np.stack([_denoise_rgb(bm3d, image, sigma, settings) for image in v])
    x_hat = torch.from_numpy(x_hat).permute(0, 3, 1, 2)  # (N, 3, H, W)
    return x_hat.to(device=y.device, dtype=torch.float32).clamp(0, 1)
