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

``score_images``, ``metric_table`` and ``markdown_table`` score whole sets of images
for the notebooks' captions and tables.

Introduced in notebook 01 ("The restoration problem"); used by every task notebook.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .checks import check_images, check_same_shape

SIGMA = 1.5
RADIUS = 5  # int(3.5 * sigma + 0.5): the 11-tap window of Wang et al.
C1 = 0.01**2  # (K1 * data range)^2 with data range 1
C2 = 0.03**2


def _check_pair(x: torch.Tensor, y: torch.Tensor) -> None:
    check_images(x, "x", channels=(1, 3))
    check_images(y, "y", channels=(1, 3))
    check_same_shape(x, y)


def psnr(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Peak signal-to-noise ratio in dB, 10 log10(1 / MSE), one value per image.

    Higher is better; identical images give +inf (the MSE is 0).

    >>> psnr(torch.zeros(1, 3, 8, 8), torch.full((1, 3, 8, 8), 0.1))  # MSE = 0.01
    tensor([20.])
    """
    _check_pair(x, y)
    # float64 so that small errors are not lost to rounding before the log
    mse = (x.double() - y.double()).pow(2).flatten(1).mean(dim=1)
    return (10 * torch.log10(1 / mse)).to(x.dtype)


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
