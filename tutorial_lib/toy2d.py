"""A GAN in two dimensions, small enough to train in seconds and to see whole.

Data: K = 8 Gaussians of standard deviation s on a ring of radius R, of exact density

    p_X(x) = (1/K) sum_k N(x; mu_k, s^2 I),   mu_k = R (cos 2 pi k/K, sin 2 pi k/K),
    log p_X(x) = logsumexp_k( -||x - mu_k||^2 / (2 s^2) ) - log K - log(2 pi s^2).

G maps z ~ N(0, I_2) to a point of R^2; D maps a point to a logit l, and
D(x) = sigmoid(l(x)) is the probability that x is real. The game (Goodfellow et al.)

    min_G max_D  E_x log D(x) + E_z log(1 - D(G(z)))

is played by alternating Adam steps; G uses the non-saturating loss E_z -log D(G(z)).
As -log sigmoid(l) = softplus(-l) and -log(1 - sigmoid(l)) = softplus(l), both losses
are computed stably from the logits.

Introduced in notebook 02 (the game in motion); notebook 03 checks on it that an
optimal D has the logit l*(x) = log p_X(x) - log p_G(x) (``fit_discriminator``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

K, RADIUS, STD = 8, 2.0, 0.1  # modes, ring radius, standard deviation of each mode
NZ = 2  # latent dimension: z ~ N(0, I_2)
LIM = 3.0  # figures and grids show the square [-LIM, LIM]^2


def mode_centers() -> torch.Tensor:
    """The K means mu_k on the ring, (K, 2).

    >>> mu = mode_centers()
    >>> mu.shape, mu[0].tolist(), torch.allclose(mu.norm(dim=1), torch.tensor(RADIUS))
    (torch.Size([8, 2]), [2.0, 0.0], True)
    """
    angle = 2 * math.pi * torch.arange(K) / K
    return RADIUS * torch.stack([angle.cos(), angle.sin()], dim=1)


def sample_data(n: int, generator: torch.Generator) -> torch.Tensor:
    """n points (n, 2) from p_X: pick a mode uniformly, add N(0, s^2 I).

    >>> x = sample_data(10_000, torch.Generator().manual_seed(0))
    >>> x.shape, round(x.norm(dim=1).mean().item(), 1)  # on the ring of radius 2
    (torch.Size([10000, 2]), 2.0)
    """
    k = torch.randint(K, (n,), generator=generator)
    return mode_centers()[k] + STD * torch.randn(n, 2, generator=generator)


def log_density(points: torch.Tensor) -> torch.Tensor:
    """The exact log p_X of points (n, 2), (n,).

    >>> log_density(mode_centers()[:1]).item()  # at a mode: -log(8 * 2 pi 0.1^2)
    0.6879
    """
    sq = torch.cdist(points, mode_centers().to(points)) ** 2  # (n, K)
    return (-sq / (2 * STD**2)).logsumexp(dim=1) - math.log(K * 2 * math.pi * STD**2)


def _mlp(d_in: int, d_out: int, hidden: int = 128) -> list[nn.Module]:
    return [
        nn.Linear(d_in, hidden),
        nn.LeakyReLU(0.2),
        nn.Linear(hidden, hidden),
        nn.LeakyReLU(0.2),
        nn.Linear(hidden, hidden),
        nn.LeakyReLU(0.2),
        nn.Linear(hidden, d_out),
    ]


def make_toy_gan(seed: int = 0) -> tuple[nn.Sequential, nn.Sequential]:
    """Fresh G: z (n, NZ) -> (n, 2), D: (n, 2) -> logits (n,); keeps the global RNG.

    ``seed`` sets the initial weights; torch's global generator is left as it was.

    >>> state = torch.get_rng_state()
    >>> G, D = make_toy_gan(seed=0)
    >>> z = torch.randn(5, NZ, generator=torch.Generator().manual_seed(0))
    >>> G(z).shape, D(G(z)).shape, torch.equal(torch.get_rng_state(), state)
    (torch.Size([5, 2]), torch.Size([5]), True)
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(*_mlp(NZ, 2)), nn.Sequential(*_mlp(2, 1), nn.Flatten(0))


def plane_grid(n: int = 81, lim: float = LIM):
    """X, Y (n, n) of an n x n grid of [-lim, lim]^2 (x_1 along columns), and its points
    (n * n, 2).

    >>> X, Y, points = plane_grid(3, lim=1.0)
    >>> X[0].tolist(), Y[:, 0].tolist(), points.shape
    ([-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], torch.Size([9, 2]))
    """
    t = torch.linspace(-lim, lim, n)
    X, Y = torch.meshgrid(t, t, indexing="xy")
    return X, Y, torch.stack([X.flatten(), Y.flatten()], dim=1)


def logit_grid(D: nn.Module, n: int = 81, lim: float = LIM):
    """D's logit on plane_grid(n, lim): (X, Y, L), each (n, n), ready for contourf.

    L[i, j] is D's logit at the point (X[i, j], Y[i, j]); ``D`` maps points (m, 2) to
    logits (m,). With a toy D, l(x) = x_1 + 10 x_2:

    >>> X, Y, L = logit_grid(lambda p: p[:, 0] + 10 * p[:, 1], n=5)
    >>> L.shape, torch.equal(L, X + 10 * Y)
    (torch.Size([5, 5]), True)
    """
    X, Y, points = plane_grid(n, lim)
    with torch.no_grad():
        return X, Y, D(points).view(n, n)


def _d_step(D, opt, real, fake) -> None:
    """One Adam step on D's loss, -E log D(real) - E log(1 - D(fake))."""
    loss = F.softplus(-D(real)).mean() + F.softplus(D(fake)).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()


@dataclass
class Snapshot:
    """The game at one step of train_toy_gan: G's samples and D's logits on the plane.

    >>> _, _, snapshots = train_toy_gan(steps=4, record_every=2, batch_size=32)
    >>> [s.step for s in snapshots], snapshots[0].fake.shape, snapshots[0].logits.shape
    ([0, 2, 4], torch.Size([1000, 2]), torch.Size([81, 81]))
    """

    step: int  # generator updates done so far
    fake: torch.Tensor  # (1000, 2) samples of G, from the same z in every snapshot
    logits: torch.Tensor  # (81, 81) D's logit on plane_grid()


def train_toy_gan(
    steps: int = 3000,
    seed: int = 0,
    batch_size: int = 256,
    record_every: int = 500,
    lr: float = 1e-3,
):
    """Play the game for ``steps`` rounds (a D step, then a G step), Adam for both.

    Returns (G, D, snapshots): the networks in eval mode with frozen parameters, and a
    Snapshot at step 0, every ``record_every`` steps and at the end. The same seed gives
    the same networks and snapshots (for the same torch build and thread count).
    ``batch_size``: real and fake points per step; ``lr``: Adam's, for both.

    >>> G, D, snapshots = train_toy_gan(steps=5, record_every=2, batch_size=32)
    >>> [s.step for s in snapshots], G.training  # the end is always recorded
    ([0, 2, 4, 5], False)
    >>> torch.equal(snapshots[-1].logits, logit_grid(D)[2])  # the last: the D returned
    True
    """
    G, D = make_toy_gan(seed)
    g = torch.Generator().manual_seed(seed)
    opt_G = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_D = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    z_shown = torch.randn(1000, NZ, generator=g)
    snapshots = []
    for step in range(steps + 1):
        if step % record_every == 0 or step == steps:
            with torch.no_grad():
                snapshots.append(Snapshot(step, G(z_shown), logit_grid(D)[2]))
        if step == steps:
            break
        fake = G(torch.randn(batch_size, NZ, generator=g))
        _d_step(D, opt_D, sample_data(batch_size, g), fake.detach())
        loss_G = F.softplus(-D(fake)).mean()  # non-saturating: E -log D(G(z))
        opt_G.zero_grad()
        loss_G.backward()
        opt_G.step()
    return G.eval().requires_grad_(False), D.eval().requires_grad_(False), snapshots


def fit_discriminator(
    sample_fake,
    steps: int = 1000,
    seed: int = 0,
    batch_size: int = 512,
    lr: float = 3e-3,
) -> nn.Sequential:
    """Train a fresh D alone against a FIXED fake distribution, towards the optimum
    l*(x) = log p_X(x) - log p_G(x) (notebook 03); the learning rate decays linearly
    to 0 so that D settles. ``sample_fake(n, generator)`` draws n fake points (n, 2).
    ``steps``, ``batch_size`` and ``lr``: of its Adam; ``seed``: weights and samples.

    Against fakes that all sit at the origin, D soon calls the modes real (l > 0) and
    the origin fake (l < 0):

    >>> D = fit_discriminator(lambda n, g: torch.zeros(n, 2), steps=50, batch_size=64)
    >>> bool((D(mode_centers()) > 0).all()), bool(D(torch.zeros(1, 2)) < 0)
    (True, True)
    """
    D = make_toy_gan(seed)[1]
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(D.parameters(), lr=lr)
    decay = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: 1 - i / steps)
    for _ in range(steps):
        with torch.no_grad():
            fake = sample_fake(batch_size, g)
        _d_step(D, opt, sample_data(batch_size, g), fake)
        decay.step()
    return D.eval().requires_grad_(False)


def restore_2d(
    y: torch.Tensor,
    G: nn.Module,
    D: nn.Module,
    sigma: float,
    lam: float = 1.0,
    use_D: bool = True,
    use_latent: bool = True,
    steps: int = 300,
    lr: float = 0.05,
    seed: int = 0,
    keep_path: bool = False,
):
    """The restoration objective in the plane: observe x_1 with noise, search z.

        f(z) = (y - G(z)_1)^2 / (2 sigma^2) + lam (-l(G(z)) + ||z||^2 / 2)

    with D's term switched by ``use_D`` and the latent term by ``use_latent``.

    The data term is the exact negative log-likelihood of y = x_1 + N(0, sigma^2), so
    lam = 1 with both prior terms is MAP over x, up to G's Jacobian (notebook 03);
    latent alone is MAP over z (CSGM). Adam from z ~ N(0, I) drawn from ``seed``.
    Returns the answers G(z_hat) (n, 2), or with ``keep_path`` also the path of
    G(z_t), (steps + 1, n, 2). A G that is the identity and no prior give x_1 = y:

    >>> ident = nn.Identity()
    >>> y = torch.tensor([0.5, -1.0])
    >>> x = restore_2d(y, ident, None, 0.1, use_D=False, use_latent=False, steps=400)
    >>> torch.allclose(x[:, 0], y, atol=1e-3)
    True
    """
    z = torch.randn(len(y), NZ, generator=torch.Generator().manual_seed(seed)).to(y)
    z.requires_grad_(True)
    optimizer = torch.optim.Adam([z], lr=lr)
    path = []
    for step in range(steps + 1):
        x = G(z)
        path.append(x.detach())
        if step == steps:
            break
        f = (y - x[:, 0]) ** 2 / (2 * sigma**2)
        if use_D:
            f = f - lam * D(x)
        if use_latent:
            f = f + lam * 0.5 * (z**2).sum(dim=1)
        optimizer.zero_grad()
        f.sum().backward(inputs=[z])  # gradients for z only, never into G or D
        optimizer.step()
    return (path[-1], torch.stack(path)) if keep_path else path[-1]


def posterior_modes(y: torch.Tensor, sigma: float, n: int = 241) -> torch.Tensor:
    """The exact MAP of x given y = x_1 + N(0, sigma^2), on a grid: (len(y), 2).

    log p(x | y) = log p_X(x) - (y - x_1)^2 / (2 sigma^2) + const. p_X is symmetric
    under x_2 -> -x_2, so the mirror image of each returned mode is a mode too.

    >>> modes = posterior_modes(torch.tensor([2.0]), 0.1)
    >>> modes.tolist()  # y = 2: the mode on the x_1 axis, (2, 0)
    [[2.0, 0.0]]
    """
    _, _, points = plane_grid(n)
    points = points.to(y)
    log_post = log_density(points)[None] - (y[:, None] - points[None, :, 0]) ** 2 / (
        2 * sigma**2
    )
    return points[log_post.argmax(dim=1)]
