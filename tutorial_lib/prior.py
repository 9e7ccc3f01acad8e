"""The priors of the objective: the discriminator's term and the latent term.

Why D gives a prior (slide 11; derived in notebook 03). For a fixed G the optimal
discriminator is D*(x) = p_X(x) / (p_X(x) + p_G(x)), so

    log p_X(x) = log D(x) - log(1 - D(x)) + log p_G(x).

D(x) = sigmoid(l(x)) with l the logit, and log D - log(1 - D) = l exactly. With
x = G(z), p_G(x) = p_Z(z) |det dz/dx|; the Jacobian term is intractable and taken as
constant. Hence, up to a constant,

    -log p_X(G(z)) = -l(G(z)) - log p_Z(z) = -l(G(z)) + ||z||^2 / 2

for the standard Gaussian p_Z that the generator was trained with. The slide prints
"+ log p_Z(z)": the MAP derivation gives "- log p_Z(z)", the sign used here. It pulls
z towards the origin, against the data term; the slide's sign would push ||z|| to grow
without bound, into codes the generator never saw in training.
"""

from __future__ import annotations

import torch


def discriminator_prior(D, x: torch.Tensor) -> torch.Tensor:
    """-l(x) = log(1 - D(x)) - log D(x), per image (N,): low where D believes x is real.

    ``D``: any function from images to logits (N,), e.g. tutorial_lib's Discriminator.
    With a toy D that believes bright images are real:

    >>> logit = lambda x: 4 * (x.mean(dim=(1, 2, 3)) - 0.5)
    >>> dark, bright = torch.full((1, 3, 8, 8), 0.25), torch.full((1, 3, 8, 8), 0.75)
    >>> discriminator_prior(logit, torch.cat([dark, bright]))
    tensor([ 1., -1.])
    """
    return -D(x)


def latent_prior(z: torch.Tensor) -> torch.Tensor:
    """-log p_Z(z) + const = ||z||^2 / 2 per row of z (N, nz), for p_Z = N(0, I).

    >>> latent_prior(torch.tensor([[0.0, 0.0], [3.0, 4.0]]))  # ||z||^2 = 25
    tensor([ 0.0000, 12.5000])

    Codes drawn from p_Z in 100 dimensions have ||z||^2 / 2 close to 100 / 2 = 50:

    >>> z = torch.randn(10_000, 100, generator=torch.Generator().manual_seed(0))
    >>> round(latent_prior(z).mean().item())
    50
    """
    return 0.5 * (z**2).sum(dim=1)


def latent_energy(z: torch.Tensor, G, D, lam_D: float = 1.0) -> torch.Tensor:
    """E(z) = ||z||^2 / 2 - lam_D l(G(z)) per row (N,): the prior of the objective.

    exp(-E) is, with lam_D = 1 and D = D*, the density of the codes whose images follow
    p_X (notebook 03): p_Z(z) p_X(G(z)) / p_G(G(z)). Che et al. (NeurIPS 2020) sample
    from it to improve a GAN's samples ("discriminator driven latent sampling").
    """
    return latent_prior(z) + lam_D * discriminator_prior(D, G(z))


def langevin_latent_samples(
    G,
    D,
    n: int,
    steps: int = 50,
    step_size: float = 0.01,
    lam_D: float = 1.0,
    seed: int = 0,
) -> torch.Tensor:
    """n codes (n, nz) drawn by Langevin dynamics on latent_energy, from z ~ N(0, I).

        z <- z - (step_size / 2) grad E(z) + sqrt(step_size) xi,   xi ~ N(0, I)

    With lam_D = 0, E = ||z||^2 / 2 and N(0, I) is already its stationary law: the
    steps leave the samples' distribution unchanged (up to the discretisation, whose
    stationary variance is 1 / (1 - step_size / 4)), and any change with lam_D > 0 is
    D's doing. The chain relaxes over a time of about 2 (steps x step_size): shorter
    chains show only part of D's tilt. The noise and the starts are drawn on the CPU from ``seed``:

    >>> from tutorial_lib.models import make_dcgan, freeze
    >>> G, D = make_dcgan(seed=0)
    >>> freeze(G, D)
    >>> langevin_latent_samples(G, D, 2, steps=2).shape
    torch.Size([2, 100])
    """
    device = next(G.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    z = torch.randn(n, G.config.nz, generator=generator).to(device)
    for _ in range(steps):
        z.requires_grad_(True)
        (grad,) = torch.autograd.grad(latent_energy(z, G, D, lam_D).sum(), z)
        noise = torch.randn(z.shape, generator=generator).to(device)
        z = (z - step_size / 2 * grad + step_size**0.5 * noise).detach()
    return z
