"""The degradation operators A and the corruption processes of the paper's five tasks.

Observation model (slides 12-13):   y = corrupt(x) = sensor(A(x) + noise)

| task             | A(x) in the objective        | corrupt(x), the protocol           |
| ---------------- | ---------------------------- | ---------------------------------- |
| inpainting       | M * x, M = 0 on a 32x32 hole | A(x): the central patch set to 0   |
| colorization     | 0.299 R + 0.587 G + 0.114 B  | A(x)                               |
| super_resolution | 4x4 block average (x4 down)  | A(x)                               |
| denoising        | identity                     | clip(x + N(0, 0.1^2), 0, 1)        |
| quantization     | identity                     | round(4 x) / 4: 5 levels, channel  |

All five A are linear, so each has an adjoint A* with <A x, y> = <x, A* y>, which the
hand-made baselines need; quantization's step function has no useful gradient, so its
A in the objective is the identity and the rounding lives in ``corrupt`` only.

Each operator also knows its data-term weights (the weighted inpainting mask of Yeh et
al., CVPR 2017), its naive inverse (what you get without a prior: the holed image,
gray copied to RGB, bicubic upsampling, the noisy or quantized image itself) and, for
inpainting and colorization, how to blend a restoration with the observation.

Introduced in notebook 01; each task notebook (05-09) studies one operator.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .blending import LUMA_WEIGHTS, color_blend, luminance, poisson_blend
from .checks import check_images


class Operator:
    """Base class: A, A_adjoint, corrupt, data-term weights, naive inverse, blend.

    Subclasses set ``name`` and ``observed_channels`` and implement ``A`` and
    ``A_adjoint``; ``corrupt`` defaults to A(x) with no noise.
    """

    name = "operator"
    observed_channels = 3
    can_blend = False

    def A(self, x: torch.Tensor) -> torch.Tensor:  # (N, 3, H, W) -> observation space
        raise NotImplementedError

    def A_adjoint(self, y: torch.Tensor) -> torch.Tensor:  # observation -> image space
        raise NotImplementedError

    def corrupt(self, x: torch.Tensor, seed: int = 0) -> torch.Tensor:
        """The paper's corruption of clean images x (N, 3, H, W) in [0, 1]."""
        check_images(x, "x")
        return self._corrupt(x, torch.Generator(x.device).manual_seed(seed))

    def _corrupt(self, x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return self.A(x)

    def weights(self, y: torch.Tensor) -> torch.Tensor | None:
        """Per-pixel weights of the data term (broadcastable to y), or None for ones."""
        return None

    def naive_inverse(self, y: torch.Tensor) -> torch.Tensor:
        """An image (N, 3, H, W) made from y alone, with no prior: the trivial answer."""
        return y

    def blend(self, x_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        raise ValueError(f"{self.name} has no blending (only inpainting, colorization)")

    def __repr__(self) -> str:
        options = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({options})"


def central_hole_mask(H: int, W: int, hole: int, device=None) -> torch.Tensor:
    """Mask M (1, 1, H, W): 1 on known pixels, 0 on the central hole x hole square."""
    if not 0 < hole < min(H, W):
        raise ValueError(f"hole must be between 1 and {min(H, W) - 1} pixels, got {hole}")
    M = torch.ones(1, 1, H, W, device=device)
    top, left = (H - hole) // 2, (W - hole) // 2
    M[..., top : top + hole, left : left + hole] = 0
    return M


class Inpainting(Operator):
    """A(x) = M * x with a central square hole (32x32 on a 64x64 face).

    ``weighted=True`` uses the weighted mask of Yeh et al. (CVPR 2017) in the data
    term: a known pixel i weighs the fraction of missing pixels in a window around it,
        W_i = M_i * mean_{j in window(i)} (1 - M_j),
    so pixels next to the hole decide the fit and far-away pixels do not count.

    >>> op = Inpainting()
    >>> op.A(torch.ones(1, 3, 64, 64)).mean().item()  # a quarter of the face is missing
    0.75
    """

    name = "inpainting"
    can_blend = True

    def __init__(self, hole: int = 32, weighted: bool = False, window: int = 15):
        self.hole, self.weighted, self.window = hole, weighted, window

    def mask(self, x: torch.Tensor) -> torch.Tensor:
        return central_hole_mask(x.shape[-2], x.shape[-1], self.hole, x.device)

    def A(self, x):
        return x * self.mask(x)

    def A_adjoint(self, y):
        return y * self.mask(y)  # masking is self-adjoint

    def weights(self, y):
        if not self.weighted:
            return None
        M = self.mask(y)
        missing_nearby = F.avg_pool2d(
            1 - M, self.window, stride=1, padding=self.window // 2,
            count_include_pad=False,
        )
        return M * missing_nearby

    def blend(self, x_hat, y):
        return poisson_blend(x_hat, y, self.mask(y))


class Colorization(Operator):
    """A(x) = 0.299 R + 0.587 G + 0.114 B: the standard (BT.601) grayscale conversion.

    Its adjoint spreads a gray value back with the same weights: A* g = (w_R g, w_G g,
    w_B g). Blending keeps the restoration's colors and the observation's luminance.
    """

    name = "colorization"
    observed_channels = 1
    can_blend = True

    def A(self, x):
        return luminance(x)  # (N, 1, H, W)

    def A_adjoint(self, y):
        w = torch.tensor(LUMA_WEIGHTS, dtype=y.dtype, device=y.device).view(1, 3, 1, 1)
        return y * w  # (N, 3, H, W)

    def naive_inverse(self, y):
        return y.expand(-1, 3, -1, -1).clone()  # gray copied to R, G and B

    def blend(self, x_hat, y):
        return color_blend(x_hat, y)


class SuperResolution(Operator):
    """A(x) = the average of each factor x factor block: 64x64 -> 16x16 for factor 4.

    The adjoint copies each low-resolution value back to its block, divided by the
    block size: A* y = upsample_nearest(y) / factor^2. The naive inverse is bicubic
    upsampling.

    >>> SuperResolution().A(torch.full((1, 3, 64, 64), 0.3)).shape
    torch.Size([1, 3, 16, 16])
    """

    name = "super_resolution"

    def __init__(self, factor: int = 4):
        self.factor = factor

    def A(self, x):
        return F.avg_pool2d(x, self.factor)

    def A_adjoint(self, y):
        return F.interpolate(y, scale_factor=self.factor, mode="nearest") / self.factor**2

    def naive_inverse(self, y):
        up = F.interpolate(y, scale_factor=self.factor, mode="bicubic", align_corners=False)
        return up.clamp(0, 1)  # bicubic overshoots at edges


class _Identity(Operator):
    def A(self, x):
        return x

    def A_adjoint(self, y):
        return y


class Denoising(_Identity):
    """A = identity; the corruption adds Gaussian noise, y = clip(x + sigma n, 0, 1).

    Clipping keeps y a valid image (as a saved photo would be); at sigma = 0.1 it
    changes few pixels of a face.
    """

    name = "denoising"

    def __init__(self, sigma: float = 0.1):
        if sigma < 0:
            raise ValueError(f"sigma must be >= 0, got {sigma}")
        self.sigma = sigma

    def _corrupt(self, x, generator):
        noise = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
        return (x + self.sigma * noise).clamp(0, 1)


class Quantization(_Identity):
    """A = identity in the objective; the corruption rounds each channel to L levels.

    q(x) = round((L - 1) x) / (L - 1): for L = 5 the levels are 0, 1/4, 1/2, 3/4, 1.
    The rounding is a step function, whose gradient is zero almost everywhere, so the
    solver compares G(z) with the quantized image directly.
    """

    name = "quantization"

    def __init__(self, levels: int = 5):
        if levels < 2:
            raise ValueError(f"levels must be >= 2, got {levels}")
        self.levels = levels

    def _corrupt(self, x, generator):
        return torch.round(x * (self.levels - 1)) / (self.levels - 1)


OPERATORS = {
    cls.name: cls
    for cls in [Inpainting, Colorization, SuperResolution, Denoising, Quantization]
}
TASKS = tuple(OPERATORS)


def make_operator(name: str, **options) -> Operator:
    """The operator of a task by name, e.g. make_operator("inpainting", weighted=True)."""
    if name not in OPERATORS:
        raise ValueError(f"unknown operator {name!r}; expected one of {', '.join(TASKS)}")
    return OPERATORS[name](**options)
