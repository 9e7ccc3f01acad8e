"""The 2-D GAN of notebooks 02-03: exact density, determinism, training, optimal D."""

import math

import pytest
import torch

from tutorial_lib import toy2d


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small networks: one thread is fastest and reproducible
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def trained():
    with torch.random.fork_rng(devices=[]):
        torch.set_num_threads(1)
        return toy2d.train_toy_gan(steps=1500, seed=0, record_every=500)


def _gaussian(scale):
    """A known p_G = N(0, scale^2 I): its sampler and its exact log density."""

    def sample(n, generator):
        return scale * torch.randn(n, 2, generator=generator)

    def log_p(points):
        return -(points**2).sum(1) / (2 * scale**2) - math.log(2 * math.pi * scale**2)

    return sample, log_p


def _mode_counts(points):
    """Points within 3 standard deviations of each mode, (K,)."""
    distance = torch.cdist(points, toy2d.mode_centers())  # (n, K)
    near = distance.min(dim=1).values < 3 * toy2d.STD
    return torch.bincount(distance.argmin(dim=1)[near], minlength=toy2d.K)


def test_log_density_integrates_to_one():
    t = torch.arange(-3.5, 3.5, 0.01, dtype=torch.float64) + 0.005  # cell centres
    X, Y = torch.meshgrid(t, t, indexing="xy")
    p = toy2d.log_density(torch.stack([X.flatten(), Y.flatten()], 1)).exp()
    assert abs(p.sum().item() * 0.01**2 - 1) < 1e-3


def test_log_density_at_a_mode_and_of_the_sampler():
    peak = -math.log(toy2d.K * 2 * math.pi * toy2d.STD**2)  # far modes do not overlap
    assert toy2d.log_density(toy2d.mode_centers()).allclose(torch.tensor(peak))
    # Separated modes: E log p_X = peak - E ||e||^2 / (2 s^2) = peak - 1 (chi^2, 2 dof)
    x = toy2d.sample_data(20000, torch.Generator().manual_seed(0))
    assert abs(toy2d.log_density(x).mean().item() - (peak - 1)) < 0.03
    counts = _mode_counts(x)
    assert (counts - 2500).abs().max() < 200 and counts.sum() > 19500


def test_training_is_deterministic_and_keeps_the_global_rng():
    state = torch.get_rng_state()
    G1, D1, s1 = toy2d.train_toy_gan(steps=40, seed=3, record_every=20)
    G2, D2, s2 = toy2d.train_toy_gan(steps=40, seed=3, record_every=20)
    _, _, s3 = toy2d.train_toy_gan(steps=40, seed=4, record_every=20)
    assert torch.equal(torch.get_rng_state(), state)
    assert [s.step for s in s1] == [0, 20, 40]
    for a, b in zip(s1, s2):
        assert torch.equal(a.fake, b.fake) and torch.equal(a.logits, b.logits)
    assert not torch.equal(s1[-1].fake, s3[-1].fake)
    z = torch.randn(8, toy2d.NZ)
    assert torch.equal(G1(z), G2(z)) and not G1[0].weight.requires_grad


def test_trained_generator_covers_the_modes(trained):
    G, D, snapshots = trained
    assert [s.step for s in snapshots] == [0, 500, 1000, 1500]
    assert (_mode_counts(snapshots[0].fake) > 20).sum() <= 2  # untrained: a blob at 0
    x = G(torch.randn(5000, toy2d.NZ, generator=torch.Generator().manual_seed(1)))
    assert (_mode_counts(x) > 100).sum() >= 7  # most of the 8 modes get 2% or more
    wide = _gaussian(2.0)[0](5000, torch.Generator().manual_seed(2))
    assert (
        toy2d.log_density(wide).mean() < -50
    )  # most of a wide Gaussian misses the ring
    assert toy2d.log_density(x).mean() > -6  # ~ -3.4; after 200 steps it is still ~ -15


def test_trained_discriminator_prefers_real_points(trained):
    G, D, _ = trained
    g = torch.Generator().manual_seed(5)
    real = toy2d.sample_data(2000, g)
    centre = 0.3 * torch.randn(2000, 2, generator=g)  # the empty middle of the ring
    assert D(real).mean() > D(centre).mean() + 1


def test_logit_grid():
    D = toy2d.make_toy_gan(seed=0)[1]
    X, Y, L = toy2d.logit_grid(D, n=5, lim=2.0)
    assert X.shape == Y.shape == L.shape == (5, 5)
    assert (X[0, 0], Y[0, 0], X[0, -1], Y[-1, 0]) == (-2, -2, 2, 2)  # x along columns
    assert torch.allclose(L[4, 1], D(torch.tensor([[-1.0, 2.0]]))[0])


def test_optimal_discriminator_logit_is_the_log_density_ratio():
    """D trained alone against a fixed, known p_G: l(x) ~ log p_X(x) - log p_G(x)."""
    sample_G, log_p_G = _gaussian(1.5)
    D = toy2d.fit_discriminator(sample_G, steps=600, seed=0)
    g = torch.Generator().manual_seed(5)
    x = torch.cat([toy2d.sample_data(2000, g), sample_G(2000, g)])
    log_p_X = toy2d.log_density(x)
    both = (log_p_X > -8) & (log_p_G(x) > -8)  # where both densities are non-negligible
    target = (log_p_X - log_p_G(x))[both]
    assert target.std() > 1.5  # a wide range of ratios, so correlation means something
    assert torch.corrcoef(torch.stack([D(x)[both], target]))[0, 1] > 0.9
    assert (D(x)[both] - target).abs().median() < 1.0  # same scale, not only correlated


def test_restore_2d_latent_term_is_the_gaussian_map():
    """G = identity, latent term only, lam = 1: f = (y - x_1)^2 / (2 s^2) + ||x||^2 / 2
    has its minimum at x_1 = y / (1 + s^2), x_2 = 0 (a known answer)."""
    y, s = torch.tensor([1.0, -0.5]), 0.5
    x = toy2d.restore_2d(y, torch.nn.Identity(), None, s, use_D=False, steps=600)
    assert torch.allclose(x[:, 0], y / (1 + s**2), atol=1e-3)
    assert torch.allclose(x[:, 1], torch.zeros(2), atol=1e-3)


def test_restore_2d_D_term_pulls_towards_high_logits():
    """A D whose logit is 2 x_2 adds -2 lam x_2: with G = identity and lam = 1 the
    minimum moves from x_2 = 0 to x_2 = 2; keep_path starts at z_0 and ends at x."""
    D = lambda x: 2 * x[:, 1]  # noqa: E731
    y = torch.tensor([0.3])
    x, path = toy2d.restore_2d(
        y, torch.nn.Identity(), D, 0.5, steps=800, keep_path=True
    )
    assert torch.allclose(x[0], torch.tensor([0.3 / 1.25, 2.0]), atol=1e-3)
    assert path.shape == (801, 1, 2) and torch.equal(path[-1], x)
