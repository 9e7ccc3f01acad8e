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
    """-l(x) = log(1 - D(x)) - log D(x), per image (N,): low where D believes x is real."""
    return -D(x)


def latent_prior(z: torch.Tensor) -> torch.Tensor:
    """-log p_Z(z) + const = ||z||^2 / 2 per row of z (N, nz), for p_Z = N(0, I)."""
    return 0.5 * (z**2).sum(dim=1)
