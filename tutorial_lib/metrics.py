"""Image quality metrics: PSNR and SSIM, one number per image of a batch.

Both compare a restoration x with the ground truth y, float (N, C, H, W) in [0, 1]:

    PSNR = 10 log10(1 / MSE),   MSE = mean over C, H, W of (x - y)^2   (in dB)

    SSIM = mean over pixels and channels of
               (2 mu_x mu_y + C1) (2 s_xy + C2)
           -----------------------------------------
           (mu_x^2 + mu_y^2 + C1) (s_x^2 + s_y^2 + C2)

where mu, s^2 and s_xy are the local means, variances and covariance under an 11 x 11
Gaussian window (sigma 1.5), C1 = 0.01^2, C2 = 0.03^2, and the mean is taken over the
pixels whose window fits inside the image. This is Wang et al. (2004), and it agrees
with skimage.metrics.structural_similarity(..., gaussian_weights=True, sigma=1.5,
use_sample_covariance=False, data_range=1).

Where the task is: ``psnr(..., where=hole)`` scores only the pixels a method had to
invent, ``chroma_error`` only the colors of a colorization.

``score_images``, ``metric_table`` and ``markdown_table`` score whole sets of images
for the notebooks' captions and tables.

Introduced in notebook 01 ("The restoration problem"); used by every task notebook.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .blending import rgb_to_ycbcr
from .checks import check_images, check_same_shape

SIGMA = 1.5
RADIUS = 5  # int(3.5 * sigma + 0.5): the 11-tap window of Wang et al.
C1 = 0.01**2  # (K1 * data range)^2 with data range 1
C2 = 0.03**2


def _check_pair(x: torch.Tensor, y: torch.Tensor) -> None:
    check_images(x, "x", channels=(1, 3))
    check_images(y, "y", channels=(1, 3))
    check_same_shape(x, y)


def psnr(x: torch.Tensor, y: torch.Tensor, where=None) -> torch.Tensor:
    """Peak signal-to-noise ratio in dB, 10 log10(1 / MSE), one value per image.

    Higher is better; identical images give +inf (the MSE is 0). ``where``: a 0/1 mask
    broadcastable to x, (N or 1, 1 or C, H, W); the MSE is then taken over its pixels
    only, as for the hole of inpainting, where the rest of the face is copied from y.

    >>> psnr(torch.zeros(1, 3, 8, 8), torch.full((1, 3, 8, 8), 0.1))  # MSE = 0.01
    tensor([20.])
    >>> half = torch.zeros(1, 1, 8, 8)
    >>> half[..., :4] = 1  # the error is in the left half only: 4x the MSE there
    >>> x, y = torch.zeros(1, 3, 8, 8), torch.zeros(1, 3, 8, 8)
    >>> y[..., :4] = 0.1
    >>> psnr(x, y), psnr(x, y, where=half)
    (tensor([23.0103]), tensor([20.]))
    """
    _check_pair(x, y)
    # float64 so that small errors are not lost to rounding before the log
    squared = (x.double() - y.double()).pow(2)
    if where is None:
        mse = squared.flatten(1).mean(dim=1)
    else:
        weight = _check_mask(where, x).double().expand_as(squared)
        mse = (squared * weight).flatten(1).sum(dim=1) / weight.flatten(1).sum(dim=1)
    return (10 * torch.log10(1 / mse)).to(x.dtype)


def _check_mask(where, x: torch.Tensor) -> torch.Tensor:
    """A 0/1 mask broadcastable to x with at least one pixel per image, or ValueError."""
    if not isinstance(where, torch.Tensor) or where.ndim != 4:
        raise ValueError(
            f"where must be a 4-D 0/1 tensor broadcastable to {tuple(x.shape)}, got "
            f"{type(where).__name__} {tuple(getattr(where, 'shape', ()))}"
        )
    try:
        expanded = where.expand_as(x)
    except RuntimeError:
        raise ValueError(
            f"where of shape {tuple(where.shape)} does not broadcast to {tuple(x.shape)}"
        ) from None
    if not ((where == 0) | (where == 1)).all():
        raise ValueError("where must hold only 0 and 1")
    if (expanded.flatten(1).sum(dim=1) == 0).any():
        raise ValueError("where selects no pixel of some image")
    return where


def chroma_error(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Root mean square difference of the chrominance, one value per image:

        sqrt(mean over pixels of (Cb_x - Cb_y)^2 + (Cr_x - Cr_y)^2),

    with Cb, Cr of ITU-R BT.601 (tutorial_lib.blending). The colorization score where
    the task is: a restoration blended with the gray observation copies the luminance
    Y, so PSNR and SSIM partly measure what was given; this measures only the colors
    the method chose. 0 is the truth's colors; the gray image scores the truth's own
    chroma magnitude.

    >>> gray, red = torch.full((1, 3, 2, 2), 0.5), torch.zeros(1, 3, 2, 2)
    >>> red[:, 0] = 1  # Cr = 0.701 / 1.402 = 0.5, Cb = -0.299 / 1.772 = -0.1687
    >>> round(chroma_error(gray, gray).item(), 6), round(chroma_error(red, gray).item(), 4)
    (0.0, 0.5277)
    """

    _check_pair(x, y)
    if x.shape[1] != 3:
        raise ValueError(f"chroma_error needs color images (N, 3, H, W), got {x.shape}")
    _, cb_x, cr_x = rgb_to_ycbcr(x.double())
    _, cb_y, cr_y = rgb_to_ycbcr(y.double())
    squared = (cb_x - cb_y).pow(2) + (cr_x - cr_y).pow(2)
    return squared.flatten(1).mean(dim=1).sqrt().to(x.dtype)


def _gaussian_window(device: torch.device) -> torch.Tensor:
    """Normalised 1-D Gaussian exp(-t^2 / (2 sigma^2)), t = -5..5, as in scipy."""
    t = torch.arange(-RADIUS, RADIUS + 1, dtype=torch.float64, device=device)
    w = torch.exp(-(t**2) / (2 * SIGMA**2))
    return w / w.sum()


def _local_mean(img: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """Gaussian-weighted mean of each window that fits inside the image.

    The 2-D window is separable, so we filter rows then columns; a 'valid'
    convolution (no padding) keeps exactly the pixels SSIM averages over.
    groups=C filters each channel on its own.
    """
    c = img.shape[1]
    img = F.conv2d(img, w.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
    return F.conv2d(img, w.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)


def ssim(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Structural similarity (Wang et al. 2004), one value per image, at most 1.

    The SSIM map (2 mu_x mu_y + C1)(2 s_xy + C2) / ((mu_x^2 + mu_y^2 + C1)
    (s_x^2 + s_y^2 + C2)) averaged over the interior pixels and the channels.
    Images must be at least 11 x 11.

    >>> x = torch.rand(2, 3, 32, 32)
    >>> ssim(x, x)
    tensor([1., 1.])
    """
    _check_pair(x, y)
    if min(x.shape[-2:]) < 2 * RADIUS + 1:
        shape = tuple(x.shape)
        raise ValueError(f"SSIM needs images of at least 11 x 11, got {shape}")
    # float64 so that the variances, small differences of large numbers, stay exact
    x, y, dtype = x.double(), y.double(), x.dtype
    w = _gaussian_window(x.device)
    mu_x, mu_y = _local_mean(x, w), _local_mean(y, w)
    # population (co)variances: E[xy] - E[x] E[y] under the Gaussian weights
    var_x = _local_mean(x * x, w) - mu_x**2
    var_y = _local_mean(y * y, w) - mu_y**2
    cov_xy = _local_mean(x * y, w) - mu_x * mu_y
    ssim_map = ((2 * mu_x * mu_y + C1) * (2 * cov_xy + C2)) / (
        (mu_x**2 + mu_y**2 + C1) * (var_x + var_y + C2)
    )
    # every channel has the same number of pixels, so one mean = mean of channel means
    return ssim_map.flatten(1).mean(dim=1).to(dtype)


def sharpness(x: torch.Tensor) -> torch.Tensor:
    """Mean gradient magnitude, one value per image: how much edge an image has.

        sharpness(x) = mean over C and pixels of sqrt(dx^2 + dy^2),

    with dx, dy the forward differences (the last row and column dropped). Blur lowers
    it; a restoration as sharp as the truth has sharpness(x_hat) / sharpness(x*) = 1.
    Not a quality metric on its own (noise raises it too): notebook 10 uses it beside
    PSNR to show that pixel metrics reward blur.

    >>> ramp = torch.linspace(0, 1, 11).repeat(1, 3, 11, 1)  # 0.1 per pixel, along x
    >>> round(sharpness(ramp).item(), 6)
    0.1
    """
    check_images(x, "x", channels=(1, 3))
    dx = x[..., :-1, 1:] - x[..., :-1, :-1]
    dy = x[..., 1:, :-1] - x[..., :-1, :-1]
    return (dx**2 + dy**2).sqrt().flatten(1).mean(dim=1)


# --- scoring sets of images: the tables and panel captions of the notebooks ---------


def score_images(images: dict[str, torch.Tensor], x: torch.Tensor):
    """name -> (PSNR (N,), SSIM (N,)) against x, for the images with x's shape.

    ``images``: name -> (N, C, H, W); x itself and images of another shape (a gray y)
    are left out. The scores for show_faces' captions:

    >>> x = torch.full((2, 3, 16, 16), 0.5)
    >>> scores = score_images({"truth": x, "darker": x - 0.1, "gray": x[:, :1]}, x)
    >>> list(scores), scores["darker"][0]  # MSE = 0.1^2: 20 dB
    (['darker'], tensor([20., 20.]))
    """
    return {
        name: (psnr(v, x), ssim(v, x))
        for name, v in images.items()
        if v.shape == x.shape and v is not x
    }


@torch.no_grad()
def metric_table(images: dict[str, torch.Tensor], x: torch.Tensor, D=None, **measures):
    """name -> {measure: mean over the batch} for each set of images (N, 3, 64, 64).

    Always PSNR and SSIM against x (the truth itself scores inf and 1); with ``D``, the
    discriminator's logit l ("D logit": l > 0 reads as real, l < 0 as fake; a learned
    judge of "looks like a face", not of closeness to x); and each extra measure
    ``name=f`` with f(images) -> (N,).

    >>> x = torch.full((2, 3, 16, 16), 0.5)
    >>> images = {"truth": x, "darker": x - 0.1}
    >>> rows = metric_table(images, x, mean=lambda v: v.mean(dim=(1, 2, 3)))
    >>> rows["truth"]["PSNR"], {name: round(v, 4) for name, v in rows["darker"].items()}
    (inf, {'PSNR': 20.0, 'SSIM': 0.9756, 'mean': 0.4})
    """
    rows = {}
    for name, v in images.items():
        row = {"PSNR": psnr(v, x).mean().item(), "SSIM": ssim(v, x).mean().item()}
        if D is not None:
            row["D logit"] = D(v).mean().item()
        rows[name] = row | {m: f(v).mean().item() for m, f in measures.items()}
    return rows


def _cell(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def mean_and_error(values: torch.Tensor) -> tuple[float, float]:
    """The mean of per-image values and its standard error, std / sqrt(n).

    >>> mean, error = mean_and_error(torch.tensor([20.0, 22.0, 24.0, 26.0]))
    >>> mean, round(error, 4)  # std 2.582, n = 4: 2.582 / 2
    (23.0, 1.291)
    """
    return values.mean().item(), (values.std() / len(values) ** 0.5).item()


def is_measured(effect: tuple[float, float], errors: float = 2.0) -> bool:
    """True when a paired effect (mean, standard error) lies at least ``errors`` errors
    from 0, and is not 0 (identical results are no effect): the rule by which the
    notebooks call an effect measured, about a 95% interval that excludes 0.

    >>> is_measured((0.42, 0.13)), is_measured((-0.07, 0.05)), is_measured((0.0, 0.0))
    (True, False, False)
    """
    mean, error = effect
    return mean != 0 and abs(mean) >= errors * error


def markdown_table(rows: dict[str, dict]) -> str:
    """A Markdown table of metric_table's rows (floats to 4 significant digits, anything
    else as it prints).

    The one table builder of the notebooks: ``Markdown(markdown_table(metric_table(
    images, x, D)))``; the paper's table has its own layout (tutorial_lib.table).

    >>> print(markdown_table({"noisy y": {"PSNR": 20.5, "SSIM": 0.48}}))
    | | PSNR | SSIM |
    |---|---|---|
    | noisy y | 20.5 | 0.48 |
    """
    columns = list(next(iter(rows.values())))
    lines = ["| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    lines += [
        f"| {name} | " + " | ".join(_cell(row[c]) for c in columns) + " |"
        for name, row in rows.items()
    ]
    return "\n".join(lines)
