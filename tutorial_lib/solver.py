"""restore(): search the generator's latent space for the face that explains y.

The objective of slide 9, per image, with the sign of the latent term from the MAP
derivation (see tutorial_lib.prior):

    f(z) = sum_i w_i |A(G(z)) - y|_i^p   +   lam * ( lam_D * -l(G(z)) + ||z||^2 / 2 )
           \\____ data term, weights w ___/              \\__ D prior __/  \\ latent /

Each term has its own switch, so that every claim about a term can point at the run
that turns it off (notebook 04, benchmarks/ablation.py). ``ARMS`` names the four
objectives that matter for the paper:

    "data"     lam = 0: the data term alone; G's range is the only prior
    "csgm"     use_D=False: + ||z||^2 / 2, the regulariser of CSGM (Bora et al. 2017)
    "paper"    + D's term as well: the objective as derived (notebook 03)
    "authors"  D's term and a box on z (latent="none", clip=1), as in the authors'
               public code, whose uniform p_Z is constant in the box (our random
               starts are N(0, I), clamped after the first step)

``lam_D`` weighs D's term against the latent term (1 is the derivation; at a tuned
lambda D's term is a few units where ||z||^2 / 2 is about 50, so a larger lam_D asks
whether D helps at any strength).

We use the p-th power of the p-norm, sum |r|^p, smoothed as (r^2 + eps^2)^(p/2) so
that p <= 1 has a finite gradient at r = 0. It is minimised by Adam over z from
``restarts`` starts per image, random z ~ N(0, I) or, for the first, a learned guess
(``init="encoder"``, tutorial_lib.encoder); the start with the lowest final objective
is kept, and x_hat = G(z_hat), optionally blended with y. Every knob of a run is one
field of ``Settings``; each task has its tuned ones in ``TUNED_SETTINGS`` (which start
from the encoder's guess alone).

G and D must be in eval mode (tutorial_lib.models.freeze): in training mode batch
norm would mix the images of a batch, and one face's result would depend on the
others. The starting points are drawn on the CPU from ``seed``, so a face's result
depends only on its position in the batch, the seed and the device.

Introduced in notebook 04; each task notebook (05-09) calls it with its task defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import torch

from .checks import check_restore_inputs
from .encoder import encoder_start
from .operators import Operator
from .precision import autocast, resolve_precision
from .prior import discriminator_prior, latent_prior

EPS = 1e-4  # smoothing of |r|^p; far below one gray level (1/255)


@dataclass(frozen=True)
class Settings:
    """Everything one restoration run depends on, besides y, the operator, G and D.

    ``r.settings`` of a result reproduces it: ``restore(y, op, G, D, r.settings)``.
    Frozen: ``replace`` (or resolve_settings) makes a changed copy.

    >>> s = Settings(lam=1.0)
    >>> s.steps, s.restarts, s.use_D  # the other knobs keep their defaults
    (300, 2, True)
    >>> replace(s, p=2.0) == Settings(lam=1.0, p=2.0)
    True
    """

    lam: float = 0.1  # weight of the prior
    p: float = 1.0  # norm of the data term
    steps: int = 300  # Adam steps; with lr 0.1 PSNR stops moving after ~300
    lr: float = 0.1  # Adam's learning rate on z (entries of z are ~N(0, 1))
    restarts: int = 2  # random starts per image, the best one kept (CPU-friendly)
    blend: bool = False  # blend G(z) with y (inpainting, colorization)
    # False drops -l(G(z)) from the prior, keeping the latent term alone; with lam = 0 or
    # lam_D = 0 D is skipped either way (its term weighs nothing): history["prior_D"] 0
    use_D: bool = True
    clip: float | None = (
        None  # clamp z to [-clip, clip] after each step (a uniform p_Z)
    )
    # -log p_Z(z): "gauss" ||z||^2 / 2 (the N(0, I) that G was trained with) or "none"
    # (with clip, the authors' uniform p_Z: constant inside the box)
    latent: str = "gauss"
    lam_D: float = 1.0  # D's term relative to the latent term; 1 = the derivation
    # G and D under bfloat16 autocast ("bf16") or not ("fp32"); "auto": bf16 where the
    # device runs it fast and the batch is large enough to gain (tutorial_lib.precision).
    # z, Adam's state and the data term stay float32. r.settings records the resolved one.
    precision: str = "auto"
    seed: int = 0  # the random starts z ~ N(0, I), drawn on the CPU
    # where the first restart starts: "random" (z ~ N(0, I), like the others) or
    # "encoder": E(naive inverse of y), the shipped encoder's guess (tutorial_lib.encoder)
    init: str = "random"


# Tuned settings per task: lambda picked by the best mean PSNR on the first 32 faces of
# the VALIDATION split (SSIM breaks ties within 0.05 dB), never on test faces, over
# lam in {0, 0.03, 0.1, 0.3, 1, 3, 10} (and 30, 100 where 10 won), with
#   python benchmarks/tune.py --method gan --data ../shared/celeba --n 32 \
#       --batch-size 32 --grid lam=0,0.03,0.1,0.3,1,3,10
# (random starts, 2 restarts, 300 steps; standard errors over the 32 faces 0.26-0.56
# dB, 0.004-0.015; the paired differences are far tighter, benchmarks/prior_effect.py).
# p = 1 (the authors' L1), lr 0.1; the shipped GAN of data/README.md (100 epochs).
# PSNR dB / SSIM of the tuning run at the chosen lambda, and PSNR at lambda = 0:
#   inpainting 26.53 / 0.866 (lam 0: 25.70), colorization 27.59 / 0.957 (24.93),
#   super-resolution 21.71 / 0.663 (21.53), denoising 22.67 / 0.703 (22.66),
#   quantization 21.62 / 0.668 (21.54).
#
# The search then starts from the encoder's guess (init="encoder"), alone: a single
# start, where the tuning used 2 random starts x 300 steps. On 16 validation faces
# (`python benchmarks/encoder_start.py --data ../shared/celeba --n 16`) the encoder's
# start alone reached the random starts' final PSNR after 0 (inpainting), 150
# (super-resolution), 180 (denoising) and 130 (quantization) steps; colorization
# stayed within 0.16 dB of it. (From that start, with these steps, lambda's effect is
# no longer measurable: tuned - lambda 0 at most two standard errors from 0 on every task,
# `python benchmarks/prior_effect.py --data ../shared/celeba --n 32`, data/README.md.)
# Each task's steps are then the fewest (at least 20)
# whose mean PSNR on 64 validation faces is within 0.05 dB of that after 200 steps
# (`python benchmarks/steps_needed.py --data ../shared/celeba --n 64`; paired
# difference, mean +- standard error): inpainting 20 (+0.02 +- 0.12 dB), colorization
# 20 (-0.01 +- 0.15), super-resolution 150 (-0.05 +- 0.01), denoising 180
# (-0.03 +- 0.01), quantization 170 (-0.04 +- 0.01). Inpainting and colorization copy
# most of the answer from y (the blend), so the encoder's guess is nearly final there.
ENCODER_START = dict(init="encoder", restarts=1)
RANDOM_STARTS = dict(init="random", restarts=2, steps=300)  # the tuning's search
TUNED_SETTINGS = {
    "inpainting": Settings(lam=10.0, blend=True, steps=20, **ENCODER_START),
    "colorization": Settings(lam=10.0, blend=True, steps=20, **ENCODER_START),
    "super_resolution": Settings(lam=0.03, steps=150, **ENCODER_START),
    "denoising": Settings(lam=0.1, steps=180, **ENCODER_START),
    "quantization": Settings(lam=1.0, steps=170, **ENCODER_START),
}


# The four objectives of the ablation (module docstring), as overrides of a task's
# settings: restore(y, op, G, D, **ARMS["csgm"]). An override of None is ignored
# (resolve_settings), so the arms without a box rely on the task's settings having
# none (TUNED_SETTINGS have clip=None). Where the search starts is the other factor of
# the ablation (RANDOM_STARTS, the paper's and the authors'; or ENCODER_START).
ARMS = {
    "data": dict(lam=0.0),
    "csgm": dict(use_D=False, latent="gauss"),
    "paper": dict(use_D=True, latent="gauss"),
    "authors": dict(use_D=True, latent="none", clip=1.0),
}


def resolve_settings(
    task: str, settings: Settings | None = None, **overrides
) -> Settings:
    """``settings`` (default: the task's TUNED_SETTINGS) with ``overrides`` applied.

    >>> resolve_settings("denoising", steps=5).steps
    5
    >>> resolve_settings("denoising", Settings(lam=3.0), p=2.0).lam
    3.0
    """
    if settings is None:
        settings = TUNED_SETTINGS.get(task, Settings())
    if not isinstance(settings, Settings):
        raise ValueError(f"settings must be a Settings, got {type(settings).__name__}")
    unknown = set(overrides) - set(Settings.__dataclass_fields__)
    if unknown:
        raise ValueError(
            f"unknown setting(s) {', '.join(sorted(unknown))}; expected some of "
            f"{', '.join(Settings.__dataclass_fields__)}"
        )
    return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


@dataclass
class Restoration:
    """What restore() returns; everything is detached and on y's device.

    ``history`` holds each term of f (data, prior_D, prior_z, total) at the start and
    after every step, for each image's kept restart:

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(G, D)
    >>> op = tl.make_operator("denoising")
    >>> r = restore(op.corrupt(tl.load_sample_faces(2)), op, G, D, steps=3, restarts=1)
    >>> r.z.shape, r.history["total"].shape  # (N, nz); (steps + 1, N)
    (torch.Size([2, 100]), torch.Size([4, 2]))
    >>> torch.equal(r.history["total"][-1], r.objective)  # the objective of x_hat
    True
    """

    x_hat: torch.Tensor  # (N, 3, 64, 64) the restoration, blended when asked
    x_gan: torch.Tensor  # (N, 3, 64, 64) G(z_hat) before blending
    z: torch.Tensor  # (N, nz) the best latent code of each image, z_hat
    objective: torch.Tensor  # (N,) its final objective
    history: dict[str, torch.Tensor] = field(default_factory=dict)  # name -> (steps, N)
    settings: Settings = field(default_factory=Settings)  # reproduces this run


def data_term(residual: torch.Tensor, p: float, weights=None) -> torch.Tensor:
    """sum_i w_i (r_i^2 + eps^2)^(p/2) over all but the batch dimension, shape (N,).

    ``residual``: A(G(z)) - y, (N, ...); ``weights``: broadcastable to it, or None for
    ones. p = 2 gives the squared error, p = 1 the absolute error (smoothed by EPS):

    >>> r = torch.tensor([[0.3, -0.4]])
    >>> round(data_term(r, 2).item(), 4), round(data_term(r, 1).item(), 4)
    (0.25, 0.7)
    >>> round(data_term(r, 1, weights=torch.tensor([[1.0, 0.0]])).item(), 4)
    0.3
    """
    cost = (residual**2 + EPS**2) ** (p / 2)
    if weights is not None:
        cost = cost * weights
    return cost.flatten(1).sum(dim=1)


def objective_terms(
    z,
    y,
    op: Operator,
    G,
    D,
    p: float,
    weights=None,
    use_D: bool = True,
    precision: str = "fp32",
    latent: str = "gauss",
):
    """The three terms of f at z, each (B,), and G(z); B = len(z) = len(y).

    ``use_D=False`` (an ablation: the latent prior alone) skips D; its term is 0;
    ``latent``: "gauss" (||z||^2 / 2) or "none" (the term is 0).
    ``y``: (B, ...) observations; ``p``, ``weights``: as in ``data_term``;
    ``precision``: "fp32" or "bf16", the arithmetic of G and D (the terms and G(z)
    come back in z's dtype either way). With
    y = G(z) the data term is its floor, EPS per entry (12288 entries of a face):

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(G, D)
    >>> z, op = torch.zeros(2, 100), tl.make_operator("denoising")
    >>> terms, G_z = objective_terms(z, G(z), op, G, D, p=1.0, use_D=False)
    >>> [round(v, 4) for v in terms["data"].tolist()], terms["prior_z"].tolist()
    ([1.2288, 1.2288], [0.0, 0.0])
    >>> terms["prior_D"].tolist()
    [0.0, 0.0]
    """
    if latent not in ("gauss", "none"):
        raise ValueError(f'latent must be "gauss" or "none", got {latent!r}')
    with autocast(precision, z.device):
        G_z = G(z)
        prior_D = discriminator_prior(D, G_z) if use_D else G_z.new_zeros(len(z))
    G_z = G_z.to(z.dtype)  # the data term in z's precision: a gray level matters
    return (
        {
            "data": data_term(op.A(G_z) - y, p, weights),
            "prior_D": prior_D.to(z.dtype),
            "prior_z": latent_prior(z) if latent == "gauss" else z.new_zeros(len(z)),
        },
        G_z,
    )


def _starting_codes(y, op, s: Settings, nz: int, z_init=None) -> torch.Tensor:
    """The restarts' starts z0 (N, R, nz), on the CPU: random from ``s.seed`` (the same
    seed gives the same starts on every device), the first k replaced by ``z_init``
    (N, nz) or (N, k, nz), or by the encoder's guess for ``s.init == "encoder"``."""
    N, R = len(y), s.restarts
    z0 = torch.randn(N, R, nz, generator=torch.Generator().manual_seed(s.seed))
    if s.init == "encoder" and z_init is None:  # a z_init given wins
        z_init = encoder_start(y, op)
        if z_init.shape[1] != nz:
            raise ValueError(
                f'init="encoder": the shipped encoder gives codes of {z_init.shape[1]} '
                f'numbers but G takes {nz}; pass init="random" (or z_init) for this G'
            )
    if z_init is not None:
        z_init = z_init.detach().cpu().float()
        z_init = z_init[:, None] if z_init.ndim == 2 else z_init  # (N, k, nz), k <= R
        if (
            z_init.ndim != 3
            or z_init.shape[0] != N
            or z_init.shape[2] != nz
            or z_init.shape[1] > R
        ):
            raise ValueError(
                f"z_init must be (N, nz) or (N, k, nz) with N = {N}, k <= restarts = {R}, "
                f"nz = {nz}; got {tuple(z_init.shape)}"
            )
        z0[:, : z_init.shape[1]] = z_init
    return z0


def restore(
    y: torch.Tensor,
    op: Operator,
    G,
    D,
    settings: Settings | None = None,
    *,
    z_init: torch.Tensor | None = None,
    callback: Callable[[int, torch.Tensor], None] | None = None,
    callback_every: int = 10,
    **overrides,
) -> Restoration:
    """Restore y = corrupt(x*) by minimising f(z) (module docstring) over z.

    ``settings``: a Settings (default: the task's ``TUNED_SETTINGS[op.name]``);
    ``overrides``: any of its fields by name (``lam=1.0, steps=50, seed=3``), applied on
    top. ``r.settings`` is what ran, so ``restore(y, op, G, D, r.settings)`` repeats it.
    ``z_init``: (N, nz) start of the first restart (a warm start), or (N, k, nz) starts
    of the first k restarts; the others are random. Without it, ``init="encoder"`` (the
    tuned default) starts the first restart at E(op.naive_inverse(y)), the shipped
    encoder's guess (tutorial_lib.encoder; ``z_init=encoder_start(y, op, E)`` uses
    another E).
    ``callback(step, x_best)``: called every ``callback_every`` steps and at the end
    with the current G(z) of each image's best restart, for live previews.

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(G, D)
    >>> op = tl.make_operator("denoising")
    >>> y = op.corrupt(torch.full((2, 3, 64, 64), 0.5))
    >>> r = restore(y, op, G, D, steps=2, restarts=1)
    >>> r.x_hat.shape, r.settings.steps, r.settings.lam == TUNED_SETTINGS["denoising"].lam
    (torch.Size([2, 3, 64, 64]), 2, True)
    >>> torch.equal(restore(y, op, G, D, r.settings).x_hat, r.x_hat)
    True
    """
    if not isinstance(op, Operator):
        raise ValueError(
            f"op must be an Operator (make_operator), got {type(op).__name__}"
        )
    s = resolve_settings(op.name, settings, **overrides)
    check_restore_inputs(y, op, G, D, s)
    N, R, nz = len(y), s.restarts, G.config.nz
    s = replace(s, precision=resolve_precision(s.precision, y.device, batch=N * R))

    z0 = _starting_codes(y, op, s, nz, z_init)  # (N, R, nz)
    # image-major rows: row n R + r is restart r of image n; z follows y's dtype
    z = z0.reshape(N * R, nz).to(y).requires_grad_(True)
    y_rep = y.repeat_interleave(R, dim=0)  # (N R, C, H, W), row n R + r is image n
    weights = op.weights(y_rep)
    optimizer = torch.optim.Adam([z], lr=s.lr)
    history = {name: [] for name in ("data", "prior_D", "prior_z", "total")}

    # With lam = 0 or lam_D = 0 the D term is multiplied by 0: skip D's forward and
    # backward (its history is then recorded as 0, like use_D=False), half a step's cost.
    use_D = s.use_D and s.lam != 0 and s.lam_D != 0
    for step in range(s.steps + 1):  # the last pass only evaluates the final z
        terms, G_z = objective_terms(
            z, y_rep, op, G, D, s.p, weights, use_D, s.precision, s.latent
        )
        prior = s.lam_D * terms["prior_D"] + terms["prior_z"]
        total = terms["data"] + s.lam * prior
        for name, value in {**terms, "total": total}.items():
            history[name].append(value.detach())
        if callback is not None and (step % callback_every == 0 or step == s.steps):
            best = total.detach().view(N, R).argmin(dim=1)
            callback(
                step, G_z.detach().view(N, R, *G_z.shape[1:])[torch.arange(N), best]
            )
        if step == s.steps:
            break
        optimizer.zero_grad(set_to_none=True)
        total.sum().backward(inputs=[z])  # each row's gradient is its own image's
        optimizer.step()
        if s.clip is not None:
            with torch.no_grad():
                z.clamp_(-s.clip, s.clip)

    return _keep_best(y, op, s, z, G_z, total, history)


def _keep_best(y, op, s: Settings, z, G_z, total, history) -> Restoration:
    """Each image's restart of lowest objective, blended with y if ``s.blend``.

    ``z``, ``G_z``, ``total``: the final rows (N R, ...), image-major; ``history``:
    name -> list of (N R,) per step."""
    N, R = len(y), s.restarts
    best = total.detach().view(N, R).argmin(dim=1)  # (N,)
    pick = torch.arange(N, device=best.device) * R + best  # rows of the kept starts
    x_gan = G_z.detach()[pick]
    return Restoration(
        x_hat=op.blend(x_gan, y) if s.blend else x_gan,
        x_gan=x_gan,
        z=z.detach()[pick],
        objective=total.detach()[pick],
        history={k: torch.stack(v)[:, pick] for k, v in history.items()},
        settings=s,
    )
