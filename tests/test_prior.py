"""The priors of the objective (tutorial_lib.prior): known values of the
discriminator's term, -l(x) = log(1 - D(x)) - log D(x), and of the latent term."""

import math

import torch
from torch import nn

import tutorial_lib as tl
from conftest import randn

LOG3 = 1.0986122886681098  # log 3


class KnownLogits(nn.Module):
    """A discriminator with logits log 3, 0, -log 3: D(x) = 3/4, 1/2, 1/4."""

    def forward(self, x):
        return torch.tensor([LOG3, 0.0, -LOG3], dtype=torch.float64)[: len(x)]


def test_logit_identity():
    """log D - log(1 - D) = l for D = sigmoid(l): the bracket of the prior is the logit.

    With D = 3/4, 1/2, 1/4 the bracket log(1 - D) - log D is log(1/3), 0, log 3, so
    the prior is -log 3, 0, log 3: low where D believes x is real.
    """
    D = KnownLogits()
    x = torch.zeros(3, 3, 64, 64)
    assert torch.allclose(
        torch.sigmoid(D(x)), torch.tensor([0.75, 0.5, 0.25], dtype=torch.float64)
    )
    prior = tl.discriminator_prior(D, x)
    expected = torch.tensor([-LOG3, 0.0, LOG3], dtype=torch.float64)
    assert torch.allclose(prior, expected, atol=1e-12)


def test_latent_prior_is_minus_log_gaussian_density():
    z = randn(6, 100)
    log_p = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(1)
    constant = 100 * 0.5 * math.log(2 * math.pi)
    assert torch.allclose(tl.latent_prior(z), -log_p - constant, atol=1e-4)
    z = torch.tensor([[3.0, 4.0], [0.0, 0.0], [-1.0, 1.0]])
    assert tl.latent_prior(z).tolist() == [12.5, 0.0, 1.0]  # ||z||^2 / 2 per row


def test_discriminator_prior_is_minus_the_logit(dcgan):
    """One number per image, the same for an image alone or in a batch; the known
    values are in test_logit_identity."""
    G, D = dcgan
    x = G(randn(3, 100))
    prior = tl.discriminator_prior(D, x)
    assert prior.shape == (3,)
    assert torch.allclose(tl.discriminator_prior(D, x[1:2]), prior[1:2], atol=1e-5)
