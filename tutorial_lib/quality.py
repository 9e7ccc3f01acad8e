"""How good is a trained GAN? Two measures that need no download.

1. The sliced Wasserstein distance (SWD) between generated and real faces on
   Laplacian-pyramid patches (Karras, Aila, Laine and Lehtinen, "Progressive Growing
   of GANs", ICLR 2018, appendix D). FID would need Inception weights we cannot fetch;
   SWD needs nothing but the images. For each pyramid level (64x64 details, 32x32
   details, the 16x16 low-pass image):
       - draw 128 random 7x7x3 patches per image (descriptors of dimension 147),
       - normalise each colour channel of each set to mean 0, standard deviation 1,
       - project both sets on random unit directions u and average the 1-D Wasserstein
         distance of the projections: for two sets of n points,
             W1(u) = (1/n) sum_i | sort(a @ u)_i - sort(b @ u)_i |.
   Lower is better; identical sets give 0. As in the paper, values are x 1000.
   Fine levels measure texture and sharpness, the coarse level colour and layout.

2. The discriminator's margins: D's mean logit on real faces minus that on corrupted
   and generated ones. The prior of notebook 03 is -logit D(G(z)); it can only steer a
   restoration away from noise or blocks if D scores those well below real faces.

Both are computed on validation faces at the end of every training epoch
(tutorial_lib.train) to choose the epoch and the generator to ship, never on test faces.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .operators import make_operator

# The 5-tap binomial filter of Burt and Adelson's pyramid (1983), separable.
_BINOMIAL = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0]) / 16


def _blur(x: torch.Tensor) -> torch.Tensor:
    """Separable 5x5 binomial blur of (B, C, H, W) with reflected borders.

    Written as weighted sums of shifted copies: on a CPU that is several times faster
    than a grouped convolution with a 5-tap kernel.
    """
    H, W = x.shape[-2:]
    x = F.pad(x, (2, 2, 2, 2), mode="reflect")
    x = sum(w * x[..., i : i + H, :] for i, w in enumerate(_BINOMIAL.tolist()))
    return sum(w * x[..., i : i + W] for i, w in enumerate(_BINOMIAL.tolist()))


def _down(x: torch.Tensor) -> torch.Tensor:
    return _blur(x)[:, :, ::2, ::2]


def _up(x: torch.Tensor) -> torch.Tensor:
    """Insert zeros between pixels, then blur (x4 keeps the mean brightness)."""
    B, C, H, W = x.shape
    up = x.new_zeros(B, C, 2 * H, 2 * W)
    up[:, :, ::2, ::2] = x
    return 4 * _blur(up)


def laplacian_pyramid(x: torch.Tensor, levels: int = 3) -> list[torch.Tensor]:
    """[detail at full size, detail at 1/2, ..., low-pass image at 1/2^(levels-1)].

    Each detail level is the image minus the upsampled next level, so the pyramid
    collapses back to x exactly: x = d_0 + up(d_1 + up(... + up(low))).

    >>> x = torch.rand(2, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    >>> [tuple(level.shape) for level in laplacian_pyramid(x)]
    [(2, 3, 64, 64), (2, 3, 32, 32), (2, 3, 16, 16)]
    """
    pyramid = []
    for _ in range(levels - 1):
        smaller = _down(x)
        pyramid.append(x - _up(smaller))
        x = smaller
    return pyramid + [x]


def collapse_pyramid(pyramid: list[torch.Tensor]) -> torch.Tensor:
    """The inverse of laplacian_pyramid: x = d_0 + up(d_1 + up(... + up(low))).

    >>> x = torch.rand(2, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    >>> torch.allclose(collapse_pyramid(laplacian_pyramid(x, levels=4)), x, atol=1e-6)
    True
    """
    x = pyramid[-1]
    for detail in reversed(pyramid[:-1]):
        x = detail + _up(x)
    return x


def patch_positions(
    images: int,
    per_image: int,
    height: int,
    width: int,
    size: int,
    generator: torch.Generator,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Top-left corners (rows, cols), each (images, per_image), of random patches.

    A size x size patch must fit: rows lie in [0, height - size], cols in
    [0, width - size], drawn uniformly with ``generator``.

    >>> g = torch.Generator().manual_seed(0)
    >>> rows, cols = patch_positions(2, 500, 16, 16, 7, g)  # 7x7 patches of 16x16
    >>> rows.shape, rows.min().item(), rows.max().item()  # 16 - 7 = 9
    (torch.Size([2, 500]), 0, 9)
    """
    rows = torch.randint(0, height - size + 1, (images, per_image), generator=generator)
    cols = torch.randint(0, width - size + 1, (images, per_image), generator=generator)
    return rows, cols


def extract_patches(
    level: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, size: int
) -> torch.Tensor:
    """The size x size patches at (rows, cols) of each image -> (B * P, C * size^2).

    ``level``: (B, C, H, W); ``rows``, ``cols``: (B, P) top-left corners, as from
    ``patch_positions``. Entries run pixel by pixel, the channels of a pixel together:

    >>> level = torch.arange(32.0).view(1, 2, 4, 4)  # channel c, (i, j): 16 c + 4 i + j
    >>> extract_patches(level, torch.tensor([[1]]), torch.tensor([[2]]), size=2)
    tensor([[ 6., 22.,  7., 23., 10., 26., 11., 27.]])
    """
    B, C, H, W = level.shape
    P = rows.shape[1]
    offsets = torch.arange(size)
    rows = (rows.view(B, P, 1, 1) + offsets.view(1, 1, size, 1)).to(level.device)
    cols = (cols.view(B, P, 1, 1) + offsets.view(1, 1, 1, size)).to(level.device)
    images = torch.arange(B, device=level.device).view(B, 1, 1, 1)
    patches = level.permute(0, 2, 3, 1)[images, rows, cols]  # (B, P, size, size, C)
    return patches.reshape(B * P, -1)


def _normalise_channels(descriptors: torch.Tensor, channels: int = 3) -> torch.Tensor:
    """Zero mean, unit standard deviation per colour channel over the whole set."""
    d = descriptors.view(len(descriptors), -1, channels)
    mean = d.mean(dim=(0, 1), keepdim=True)
    std = d.std(dim=(0, 1), keepdim=True)
    return ((d - mean) / std).view(len(descriptors), -1)


def sliced_wasserstein(
    a: torch.Tensor,
    b: torch.Tensor,
    directions: int = 512,
    generator: torch.Generator | None = None,
    chunk: int = 128,
) -> torch.Tensor:
    """Mean over random unit directions u of W1 between the projections a @ u and b @ u.

    ``a``, ``b``: (n, d) point sets of the same size n. Known answer: if b = a + s for a
    fixed shift s, every projection is shifted by u.s, so the result is the mean of |u.s|
    over the directions (|s| E|u_1| in expectation). ``directions`` are drawn with
    ``generator``, ``chunk`` at a time. In one dimension every u is +1 or -1:

    >>> g = torch.Generator().manual_seed(0)
    >>> a = torch.randn(100, 1, generator=g)
    >>> round(sliced_wasserstein(a, a + 0.5, generator=g).item(), 4)
    0.5
    >>> sliced_wasserstein(a, a.flip(0), generator=g).item()  # the same points: 0
    0.0
    """
    if a.ndim != 2 or a.shape != b.shape:
        raise ValueError(
            f"expected two (n, d) point sets of the same shape, got {tuple(a.shape)} "
            f"and {tuple(b.shape)}"
        )
    u = torch.randn(a.shape[1], directions, generator=generator).to(a)
    u = u / u.norm(dim=0, keepdim=True)
    distances = []
    for start in range(0, directions, chunk):  # bounds memory at n x chunk
        part = u[:, start : start + chunk]
        pa, _ = torch.sort(a @ part, dim=0)
        pb, _ = torch.sort(b @ part, dim=0)
        distances.append((pa - pb).abs().mean(dim=0))
    return torch.cat(distances).mean()


def swd(
    fake: torch.Tensor,
    real: torch.Tensor,
    seed: int = 0,
    levels: int = 3,
    per_image: int = 128,
    patch: int = 7,
    directions: int = 512,
) -> dict[str, float]:
    """SWD x 1000 between two equal-sized image sets (B, 3, H, W) in [0, 1], per level.

    Returns {"swd_64": .., "swd_32": .., "swd_16": .., "swd": mean of the levels} for
    64x64 images (the keys name each level's resolution). ``seed`` draws the patch
    positions and the directions; ``levels``, ``per_image``, ``patch`` and
    ``directions`` as in the module docstring. Both sets use the same patch positions,
    so a set against itself gives exactly 0:

    >>> x = torch.rand(4, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    >>> swd(x, x, per_image=16, directions=32)
    {'swd_64': 0.0, 'swd_32': 0.0, 'swd_16': 0.0, 'swd': 0.0}
    >>> swd(x, x.roll(1, dims=-1), per_image=16, directions=32)["swd_64"] > 0  # shifted
    True
    """
    if fake.shape != real.shape or fake.ndim != 4:
        raise ValueError(
            "expected two image sets of the same shape (B, C, H, W), got "
            f"{tuple(fake.shape)} and {tuple(real.shape)}"
        )
    generator = torch.Generator().manual_seed(seed)
    result = {}
    with torch.no_grad():
        for fake_level, real_level in zip(
            laplacian_pyramid(fake.float(), levels),
            laplacian_pyramid(real.float(), levels),
        ):
            B, _, H, W = fake_level.shape
            # The same patch positions in both sets: what differs is only the content,
            # so a set compared with itself gives exactly 0.
            rows, cols = patch_positions(B, per_image, H, W, patch, generator)
            sets = [
                _normalise_channels(extract_patches(level, rows, cols, patch))
                for level in (fake_level, real_level)
            ]
            distance = sliced_wasserstein(*sets, directions, generator)
            result[f"swd_{W}"] = 1000 * distance.item()
    result["swd"] = sum(result.values()) / len(result)
    return result


def corrupted_versions(x: torch.Tensor, seed: int = 0) -> dict[str, torch.Tensor]:
    """Faces as the prior may meet them: noisy, quantized and blurred copies of x.

    blurred: downsampled x4 and upsampled again (bicubic), the naive inverse of
    super-resolution. ``seed`` draws the noise. A flat image is only quantized:

    >>> x = torch.full((2, 3, 64, 64), 0.3)
    >>> v = corrupted_versions(x)
    >>> list(v), v["quantized"].unique().tolist(), torch.allclose(v["blurred"], x)
    (['noisy', 'quantized', 'blurred'], [0.25], True)
    """
    sr = make_operator("super_resolution")
    return {
        "noisy": make_operator("denoising").corrupt(x, seed=seed),
        "quantized": make_operator("quantization").corrupt(x, seed=seed),
        "blurred": sr.naive_inverse(sr.corrupt(x, seed=seed)),
    }


@torch.no_grad()
def discriminator_margins(
    D,
    real: torch.Tensor,
    generated: dict[str, torch.Tensor] | None = None,
    batch_size: int = 256,
) -> dict[str, float]:
    """D's mean logit on real faces, and how far above each other kind it lies.

    Returns {"logit_real": mean l(x), "margin_noisy": mean l(x) - mean l(noisy x),
    "margin_quantized": .., "margin_blurred": .., and "margin_generated_NAME" for each
    named set of generated images}. D must be in eval mode, as the prior uses it
    (batch norm with its running statistics). ``real``: faces (N, 3, 64, 64), given to
    D ``batch_size`` at a time on D's device.

    >>> import tutorial_lib as tl
    >>> _, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(D)
    >>> real = tl.load_sample_faces(4)
    >>> m = discriminator_margins(D, real, {"gray": torch.full_like(real, 0.5)})
    >>> list(m)
    ['logit_real', 'margin_noisy', 'margin_quantized', 'margin_blurred',
     'margin_generated_gray']
    >>> gray_logit = D(torch.full_like(real, 0.5)).mean().item()
    >>> abs(m["margin_generated_gray"] - (m["logit_real"] - gray_logit)) < 1e-6
    True
    """
    device = next(D.parameters()).device

    def mean_logit(images):
        return (
            torch.cat(
                [
                    D(images[i : i + batch_size].to(device)).float().cpu()
                    for i in range(0, len(images), batch_size)
                ]
            )
            .mean()
            .item()
        )

    logit_real = mean_logit(real)
    kinds = corrupted_versions(real) | {
        f"generated_{name}": images for name, images in (generated or {}).items()
    }
    return {"logit_real": logit_real} | {
        f"margin_{name}": logit_real - mean_logit(images)
        for name, images in kinds.items()
    }
