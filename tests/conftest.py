"""Shared fixtures: small generators with known behaviour, so solver tests need no weights."""

import types

import pytest
import torch
from torch import nn

from tutorial_lib.models import freeze, make_dcgan


def calibrated_dcgan(seed=0):
    """A randomly initialised DCGAN whose batch-norm statistics are set by one pass.

    At initialisation the running statistics are (0, 1) while the activations are tiny,
    so an untouched G in eval mode draws nearly flat gray images. One training-mode pass
    over 512 random z (momentum None: a plain average) gives statistics that match, and
    G then draws varied images: a fair stand-in for a trained generator.
    """
    G, D = make_dcgan(seed=seed)
    for module in list(G.modules()) + list(D.modules()):
        if isinstance(module, nn.BatchNorm2d):
            module.momentum = None
            module.reset_running_stats()
    with torch.no_grad():
        z = torch.randn(512, G.config.nz, generator=torch.Generator().manual_seed(seed))
        D(G(z))
    freeze(G, D)
    return G, D


@pytest.fixture(scope="session")
def dcgan():
    return calibrated_dcgan()


@pytest.fixture(scope="session")
def dcgan64():
    """The same networks in float64, for tests that compare two optimisation paths.

    Adam's first steps follow the sign of each gradient entry, which float32 rounding
    can flip when the batch changes; in float64 two paths agree to ~1e-12.
    """
    G, D = calibrated_dcgan()
    return G.double(), D.double()


class LinearGenerator(nn.Module):
    """G(z) = 0.5 + W z, reshaped to (3, H, W): the solver's problem becomes least squares."""

    def __init__(self, nz=8, size=64, scale=0.02, seed=0):
        super().__init__()
        self.config = types.SimpleNamespace(nz=nz)
        g = torch.Generator().manual_seed(seed)
        self.size = size
        self.W = nn.Parameter(scale * torch.randn(3 * size * size, nz, generator=g))

    def forward(self, z):
        return (0.5 + z @ self.W.T).view(len(z), 3, self.size, self.size)


class ZeroDiscriminator(nn.Module):
    """Logit 0 for every image: D = 1/2, a prior that prefers nothing."""

    def forward(self, x):
        return x.new_zeros(len(x))


@pytest.fixture
def linear_gan():
    G, D = LinearGenerator(), ZeroDiscriminator()
    freeze(G, D)
    return G, D
