"""The degradation operators A and the corruption processes of the paper's five tasks.

Observation model (slides 12-13), three named parts:

    y = corrupt(x) = sensor(noise(A(x)))

| task             | A(x) in the objective        | noise              | sensor                 |
| ---------------- | ---------------------------- | ------------------ | ---------------------- |
| inpainting       | M * x, M = 0 on a 32x32 hole | none               | clip to [0, 1]         |
| colorization     | 0.299 R + 0.587 G + 0.114 B  | none               | clip to [0, 1]         |
| super_resolution | 4x4 block average (x4 down)  | none               | clip to [0, 1]         |
| denoising        | identity                     | Gaussian, std 0.1  | clip to [0, 1]         |
| quantization     | identity                     | none               | round(4 x) / 4: 5 levels |

Any noise goes with any operator: ``make_operator("inpainting",
noise=GaussianNoise(0.05))`` is inpainting of a noisy photo, no new class needed.

All five A are linear, so each has an adjoint A* with <A x, y> = <x, A* y>, which the
hand-made baselines need; an operator checks its own adjoint (``adjointness_error``,
the dot-product test of notebook 01) and knows its norm (``norm_squared``, the
largest eigenvalue of A* A, which sets the baselines' step sizes). Quantization's step
function has no useful gradient, so its A in the objective is the identity and the
rounding is its sensor, in ``corrupt`` only.

Each operator also knows its data-term weights (the weighted inpainting mask of Yeh et
al., CVPR 2017), its naive inverse (what you get without a prior: the holed image,
gray copied to RGB, bicubic upsampling, the noisy or quantized image itself) and, for
inpainting and colorization, how to blend a restoration with the observation.

Introduced in notebook 01; each task notebook (05-09) studies one operator.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .blending import LUMA_WEIGHTS, color_blend, poisson_blend
from .checks import check_images

# --- noise and sensor: the parts of corrupt() after A -------------------------------


@dataclass(frozen=True)
class NoNoise:
    """A noiseless measurement: v -> v (the generator is not used).

    >>> v = torch.rand(2, 3)
    >>> NoNoise()(v, torch.Generator()) is v
    True
    """

    def __call__(self, v: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return v


@dataclass(frozen=True)
class GaussianNoise:
    """Additive white Gaussian noise: v -> v + sigma n, n ~ N(0, I).

    >>> g = torch.Generator().manual_seed(0)
    >>> round(GaussianNoise(0.1)(torch.zeros(100_000), g).std().item(), 2)
    0.1
    """

    sigma: float = 0.1

    def __post_init__(self):
        if self.sigma < 0:
            raise ValueError(f"sigma must be >= 0, got {self.sigma}")

    def __call__(self, v: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        n = torch.randn(v.shape, generator=generator, device=v.device, dtype=v.dtype)
        return v + self.sigma * n


@dataclass(frozen=True)
class Clip:
    """A sensor that saturates: values clipped to [0, 1], as a saved photo's are.

    >>> Clip()(torch.tensor([-0.2, 0.5, 1.3])).tolist()
    [0.0, 0.5, 1.0]
    """

    def __call__(self, v: torch.Tensor) -> torch.Tensor:
        return v.clamp(0, 1)


@dataclass(frozen=True)
class Quantize:
    """A sensor with L levels per channel: q(v) = round((L - 1) v) / (L - 1) on the
    clipped v; for L = 5 the levels are 0, 1/4, 1/2, 3/4, 1.

    >>> Quantize(5)(torch.tensor([0.1, 0.2, 0.9])).tolist()
    [0.0, 0.25, 1.0]
    """

    levels: int = 5

    def __post_init__(self):
        if self.levels < 2:
            raise ValueError(f"levels must be >= 2, got {self.levels}")

    def __call__(self, v: torch.Tensor) -> torch.Tensor:
        return torch.round(v.clamp(0, 1) * (self.levels - 1)) / (self.levels - 1)


class Operator:
    """Base class: A, A_adjoint, corrupt = sensor(noise(A(x))), data-term weights, naive
    inverse, blend, and the operator's own checks (norm, adjointness).

    Subclasses set ``name`` and ``observed_channels`` and implement ``A`` and
    ``A_adjoint``; ``noise`` defaults to none and ``sensor`` to clipping to [0, 1].

    A new operator needs only A and its adjoint; A x = x / 2 has ||A||^2 = 1/4:

    >>> class Halve(Operator):
    ...     name = "halve"
    ...     def A(self, x):
    ...         return x / 2
    ...     def A_adjoint(self, y):
    ...         return y / 2
    >>> op, x = Halve(), torch.ones(1, 3, 8, 8)
    >>> op.corrupt(x).max().item(), round(op.norm_squared(x), 4)  # 1.02 * 1/4
    (0.5, 0.255)
    >>> op.adjointness_error() < 1e-12, op
    (True, Halve(noise=NoNoise(), sensor=Clip()))
    """

    name = "operator"
    observed_channels = 3
    can_blend = False

    def __init__(self, noise=None, sensor=None):
        self.noise = noise if noise is not None else NoNoise()
        self.sensor = sensor if sensor is not None else Clip()

    def A(self, x: torch.Tensor) -> torch.Tensor:  # (N, 3, H, W) -> observation space
        raise NotImplementedError

    def A_adjoint(self, y: torch.Tensor) -> torch.Tensor:  # observation -> image space
        raise NotImplementedError

    def corrupt(self, x: torch.Tensor, seed: int = 0) -> torch.Tensor:
        """y = sensor(noise(A(x))) of clean images x (N, 3, H, W) in [0, 1]."""
        check_images(x, "x")
        generator = torch.Generator(x.device).manual_seed(seed)
        return self.sensor(self.noise(self.A(x), generator))

    def weights(self, y: torch.Tensor) -> torch.Tensor | None:
        """Per-pixel weights of the data term (broadcastable to y), or None for ones."""
        return None

    def naive_inverse(self, y: torch.Tensor) -> torch.Tensor:
        """An image (N, 3, H, W) made from y alone, with no prior: the trivial answer."""
        return y

    def blend(self, x_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        raise ValueError(f"{self.name} has no blending (only inpainting, colorization)")

    def norm_squared(self, like: torch.Tensor, iters: int = 30) -> float:
        """||A||^2, the largest eigenvalue of A* A, by power iteration on one image
        shaped like ``like[:1]``.

        The start is a fixed random image (its own generator: deterministic); the
        Rayleigh quotient <v, A* A v> with ||v|| = 1 approaches ||A||^2 from below, so
        the estimate is raised by 2 % to be a safe bound for step sizes.

        >>> round(SuperResolution().norm_squared(torch.zeros(1, 3, 64, 64)), 4)  # 1.02 / 16
        0.0638
        """
        g = torch.Generator().manual_seed(0)
        v = torch.rand(like[:1].shape, generator=g).to(
            device=like.device, dtype=like.dtype
        )
        estimate = 0.0
        for _ in range(iters):
            v = v / v.norm()
            AtAv = self.A_adjoint(self.A(v))  # (1, 3, H, W)
            estimate = (v * AtAv).sum().item()
            v = AtAv
        return 1.02 * estimate

    def adjointness_error(
        self, shape=(2, 3, 64, 64), seed: int = 0, device=None
    ) -> float:
        """The dot-product test: |<A x, y> - <x, A* y>| / |<A x, y>| for random x, y.

        In float64 a correct adjoint gives rounding error, ~1e-16; a wrong one gives an
        error of order 1.

        >>> Colorization().adjointness_error() < 1e-12
        True
        """
        g = torch.Generator().manual_seed(seed)
        x = torch.rand(shape, generator=g, dtype=torch.float64).to(device)
        y = torch.rand(self.A(x).shape, generator=g, dtype=torch.float64).to(device)
        lhs, rhs = (self.A(x) * y).sum(), (x * self.A_adjoint(y)).sum()
        return ((lhs - rhs).abs() / lhs.abs()).item()

    def __repr__(self) -> str:
        options = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({options})"


def hole_mask(
    H: int, W: int, hole: int, top_left: tuple[int, int] | None = None, device=None
) -> torch.Tensor:
    """Mask M (1, 1, H, W): 1 on known pixels, 0 on a hole x hole square.

    ``top_left``: the hole's first row and column (default: centred). The hole must
    leave at least one known pixel on every side, which Poisson blending needs as its
    boundary. ``device``: where to create it (default: the CPU).

    >>> hole_mask(6, 6, 2)[0, 0].int()
    tensor([[1, 1, 1, 1, 1, 1],
            [1, 1, 1, 1, 1, 1],
            [1, 1, 0, 0, 1, 1],
            [1, 1, 0, 0, 1, 1],
            [1, 1, 1, 1, 1, 1],
            [1, 1, 1, 1, 1, 1]], dtype=torch.int32)
    >>> hole_mask(6, 6, 2, top_left=(1, 3))[0, 0, 1:3].int()
    tensor([[1, 1, 1, 0, 0, 1],
            [1, 1, 1, 0, 0, 1]], dtype=torch.int32)
    """
    if not 0 < hole < min(H, W) - 1:
        raise ValueError(
            f"hole must be between 1 and {min(H, W) - 2} pixels, got {hole}"
        )
    top, left = top_left if top_left is not None else ((H - hole) // 2, (W - hole) // 2)
    if not (1 <= top <= H - hole - 1 and 1 <= left <= W - hole - 1):
        raise ValueError(
            f"a {hole}x{hole} hole must start at a row in [1, {H - hole - 1}] and a "
            f"column in [1, {W - hole - 1}] (a known pixel on every side), "
            f"got top_left={tuple(top_left)}"
        )
    M = torch.ones(1, 1, H, W, device=device)
    M[..., top : top + hole, left : left + hole] = 0
    return M


class Inpainting(Operator):
    """A(x) = M * x with a square hole (32x32, centred on a 64x64 face by default).

    ``hole``: its side; ``top_left``: its first row and column (default: centred).

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

    def __init__(
        self,
        hole: int = 32,
        weighted: bool = False,
        window: int = 15,
        top_left: tuple[int, int] | None = None,
        **parts,
    ):
        super().__init__(**parts)
        self.hole, self.weighted, self.window = hole, weighted, window
        self.top_left = top_left
        hole_mask(
            64, 64, hole, top_left
        )  # a hole that cannot fit fails here, not later

    def mask(self, x: torch.Tensor) -> torch.Tensor:
        H, W = x.shape[-2:]
        return hole_mask(H, W, self.hole, self.top_left, x.device)

    def A(self, x):
        return x * self.mask(x)

    def A_adjoint(self, y):
        return y * self.mask(y)  # masking is self-adjoint

    def weights(self, y):
        if not self.weighted:
            return None
        M = self.mask(y)
        missing_nearby = F.avg_pool2d(
            1 - M,
            self.window,
            stride=1,
            padding=self.window // 2,
            count_include_pad=False,
        )
        return M * missing_nearby

    def blend(self, x_hat, y):
        return poisson_blend(x_hat, y, self.mask(y))


class Colorization(Operator):
    """A(x) = 0.299 R + 0.587 G + 0.114 B: the standard (BT.601) grayscale conversion.

    Its adjoint spreads a gray value back with the same weights: A* g = (w_R g, w_G g,
    w_B g). Blending keeps the restoration's colors and the observation's luminance.
    ``weights``: another gray conversion (w_R, w_G, w_B), summing to 1, such as a
    camera's plain mean (1/3, 1/3, 1/3) (notebook 13's changed corruption).

    >>> op = Colorization()
    >>> red = torch.tensor([1.0, 0.0, 0.0]).view(1, 3, 1, 1)
    >>> round(op.A(red).item(), 4), op.A(red).shape  # one gray channel
    (0.299, torch.Size([1, 1, 1, 1]))
    >>> [round(w, 4) for w in op.A_adjoint(torch.ones(1, 1, 1, 1)).flatten().tolist()]
    [0.299, 0.587, 0.114]
    >>> round(Colorization(weights=(1 / 3, 1 / 3, 1 / 3)).A(red).item(), 4)
    0.3333
    """

    name = "colorization"
    observed_channels = 1
    can_blend = True

    def __init__(self, weights: tuple[float, float, float] = LUMA_WEIGHTS, **parts):
        super().__init__(**parts)
        if len(weights) != 3 or min(weights) < 0 or abs(sum(weights) - 1) > 1e-6:
            raise ValueError(
                f"weights must be three non-negative numbers summing to 1 (a gray "
                f"conversion), got {tuple(weights)}"
            )
        self.gray = tuple(float(w) for w in weights)  # not self.weights: that is the
        # data term's per-pixel weights (Operator.weights)

    def _w(self, like: torch.Tensor) -> torch.Tensor:
        return torch.tensor(self.gray, dtype=like.dtype, device=like.device)

    def A(self, x):
        return (x * self._w(x).view(1, 3, 1, 1)).sum(
            dim=1, keepdim=True
        )  # (N, 1, H, W)

    def A_adjoint(self, y):
        return y * self._w(y).view(1, 3, 1, 1)  # (N, 3, H, W)

    def naive_inverse(self, y):
        return y.expand(-1, 3, -1, -1).clone()  # gray copied to R, G and B

    def blend(self, x_hat, y):
        if self.gray == LUMA_WEIGHTS:
            return color_blend(x_hat, y)
        # the same blend for any gray: adding d = y - A(x_hat) to R, G and B gives
        # A(blended) = y, since the weights sum to 1, and keeps x_hat's differences
        return (x_hat + (y - self.A(x_hat))).clamp(0, 1)


class SuperResolution(Operator):
    """A(x) = the average of each factor x factor block: 64x64 -> 16x16 for factor 4.

    The adjoint copies each low-resolution value back to its block, divided by the
    block size: A* y = upsample_nearest(y) / factor^2. The naive inverse is bicubic
    upsampling. ``downsampler="bicubic"``: y made by another camera, bicubic
    down-sampling with antialiasing (a wider, smoother kernel than the block average;
    notebook 13's changed corruption). It is linear too, and its adjoint is the
    vector-Jacobian product of A, computed by autograd.

    >>> SuperResolution().A(torch.full((1, 3, 64, 64), 0.3)).shape
    torch.Size([1, 3, 16, 16])
    >>> SuperResolution(downsampler="bicubic").adjointness_error() < 1e-12
    True
    """

    name = "super_resolution"
    DOWNSAMPLERS = ("box", "bicubic")

    def __init__(self, factor: int = 4, downsampler: str = "box", **parts):
        super().__init__(**parts)
        if downsampler not in self.DOWNSAMPLERS:
            raise ValueError(
                f"downsampler must be one of {', '.join(self.DOWNSAMPLERS)}, "
                f"got {downsampler!r}"
            )
        self.factor, self.downsampler = factor, downsampler

    def A(self, x):
        if self.downsampler == "box":
            return F.avg_pool2d(x, self.factor)
        H, W = x.shape[-2:]
        size = (H // self.factor, W // self.factor)
        return F.interpolate(
            x, size=size, mode="bicubic", antialias=True, align_corners=False
        )

    def A_adjoint(self, y):
        if self.downsampler == "box":
            return (
                F.interpolate(y, scale_factor=self.factor, mode="nearest")
                / self.factor**2
            )
        # A is linear, so A* y is the gradient of <A(x), y> at any x (here 0)
        N, C, h, w = y.shape
        with torch.enable_grad():
            x = torch.zeros(N, C, h * self.factor, w * self.factor, dtype=y.dtype,
                            device=y.device, requires_grad=True)  # fmt: skip
            (adjoint,) = torch.autograd.grad(self.A(x), x, grad_outputs=y)
        return adjoint

    def naive_inverse(self, y):
        up = F.interpolate(
            y, scale_factor=self.factor, mode="bicubic", align_corners=False
        )
        return up.clamp(0, 1)  # bicubic overshoots at edges


class _Identity(Operator):
    def A(self, x):
        return x

    def A_adjoint(self, y):
        return y


class Denoising(_Identity):
    """A = identity; the noise is Gaussian, y = clip(x + sigma n, 0, 1).

    Clipping (the sensor) keeps y a valid image, as a saved photo would be; at
    sigma = 0.1 it changes few pixels of a face. ``parts`` may replace the noise or
    the sensor (``sensor=Quantize(5)``).

    >>> op, x = Denoising(sigma=0.2), torch.full((1, 3, 64, 64), 0.5)
    >>> round((op.corrupt(x, seed=0) - x).std().item(), 2)  # the noise's sigma
    0.2
    >>> torch.equal(op.corrupt(x, seed=0), op.corrupt(x, seed=0))  # the seed fixes it
    True
    """

    name = "denoising"

    def __init__(self, sigma: float = 0.1, **parts):
        super().__init__(**({"noise": GaussianNoise(sigma)} | parts))


class Quantization(_Identity):
    """A = identity in the objective; the sensor rounds each channel to L levels.

    q(x) = round((L - 1) x) / (L - 1): for L = 5 the levels are 0, 1/4, 1/2, 3/4, 1.
    The rounding is a step function, whose gradient is zero almost everywhere, so the
    solver compares G(z) with the quantized image directly.

    >>> op, x = Quantization(), torch.full((1, 3, 2, 2), 0.3)
    >>> torch.equal(op.A(x), x), op.corrupt(x).unique().tolist()  # 0.3 -> 1/4
    (True, [0.25])
    """

    name = "quantization"

    def __init__(self, levels: int = 5, **parts):
        super().__init__(**({"sensor": Quantize(levels)} | parts))


OPERATORS = {
    cls.name: cls
    for cls in [Inpainting, Colorization, SuperResolution, Denoising, Quantization]
}
TASKS = tuple(OPERATORS)


def make_operator(name: str, **options) -> Operator:
    """The operator of a task by name; ``options`` go to its class.

    >>> make_operator("inpainting", weighted=True).weighted
    True
    >>> make_operator("inpainting", noise=GaussianNoise(0.05)).noise
    GaussianNoise(sigma=0.05)
    """
    if name not in OPERATORS:
        raise ValueError(
            f"unknown operator {name!r}; expected one of {', '.join(TASKS)}"
        )
    return OPERATORS[name](**options)
