"""Shared fixtures and helpers.

Small generators with known behaviour, so solver tests need no weights; the ``device``
fixture (every device this machine has); seeded random tensors drawn on the CPU; the
synthetic sparse signals of the sparse-coding and dictionary tests.
"""

import types

import pytest
import torch
from torch import nn

import tutorial_lib.evaluate
from tutorial_lib.models import DCGANConfig, freeze, make_dcgan

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(params=DEVICES)
def device(request):
    """Each device of this machine in turn: "cpu", and "cuda" where there is one."""
    return request.param


def rand(*shape, seed=0, device="cpu"):
    """Uniform [0, 1) numbers drawn on the CPU from ``seed``, then moved to ``device``:
    the same numbers on every device."""
    return torch.rand(*shape, generator=torch.Generator().manual_seed(seed)).to(device)


def randn(*shape, seed=0):
    """Standard normal numbers drawn on the CPU from ``seed`` (latent codes, noise)."""
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def random_dictionary(d, K, seed=0):
    """K random unit-norm atoms of dimension d, as columns (d, K)."""
    D = randn(d, K, seed=seed)
    return D / D.norm(dim=0)


def sparse_signals(D, n, k, seed=1):
    """n signals of exactly k atoms each; coefficients of size 1 to 2, random signs."""
    g = torch.Generator().manual_seed(seed)
    K = D.shape[1]
    support = torch.stack([torch.randperm(K, generator=g)[:k] for _ in range(n)])
    size = 1 + torch.rand(n, k, generator=g)
    sign = torch.randint(0, 2, (n, k), generator=g) * 2 - 1
    coef = size * sign
    X = torch.zeros(n, K).scatter_(1, support, coef) @ D.T
    return X, support, coef


def calibrated_dcgan(seed=0, config=DCGANConfig()):
    """A randomly initialised DCGAN whose batch-norm statistics are set by one pass.

    At initialisation the running statistics are (0, 1) while the activations are tiny,
    so an untouched G in eval mode draws nearly flat gray images. One training-mode pass
    over 512 random z (momentum None: a plain average) gives statistics that match, and
    G then draws varied images: a fair stand-in for a trained generator.
    """
    G, D = make_dcgan(config, seed=seed)
    for module in list(G.modules()) + list(D.modules()):
        if isinstance(module, nn.BatchNorm2d):
            module.momentum = None
            module.reset_running_stats()
    with torch.no_grad():
        z = randn(512, G.config.nz, seed=seed)
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


@pytest.fixture
def quarter_second_per_face(monkeypatch):
    """A clock for tutorial_lib.evaluate on which every restored face takes 0.25 s.

    evaluate_method times each batch with time.perf_counter around restore_with; here
    the clock stands still except inside restore_with, which moves it 0.25 s per face,
    so a batch of n faces takes exactly n / 4 seconds.
    """
    now = [0.0]
    restore_with = tutorial_lib.evaluate.restore_with

    def timed(method, y, *args, **kwargs):
        now[0] += 0.25 * len(y)
        return restore_with(method, y, *args, **kwargs)

    clock = types.SimpleNamespace(perf_counter=lambda: now[0])
    monkeypatch.setattr(tutorial_lib.evaluate, "restore_with", timed)
    monkeypatch.setattr(tutorial_lib.evaluate, "time", clock)
