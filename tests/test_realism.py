"""Realism measures and the latent sampler: known answers."""

import torch

from conftest import LinearGenerator, ZeroDiscriminator, rand
from tutorial_lib.models import freeze
from tutorial_lib.prior import langevin_latent_samples, latent_energy
from tutorial_lib.realism import classifier_two_sample_test, swd_with_error


def _faces_like(n, seed):
    """Smooth random images: a 8x8 random image upsampled (one distribution)."""
    small = rand(n, 3, 8, 8, seed=seed)
    return torch.nn.functional.interpolate(small, size=64, mode="bilinear")


def test_two_sample_test_tells_plain_differences_apart():
    smooth = _faces_like(32, seed=0)
    noisy = (
        smooth
        + 0.2 * torch.randn(smooth.shape, generator=torch.Generator().manual_seed(1))
    ).clamp(0, 1)
    accuracy, error = classifier_two_sample_test(noisy, smooth, steps=60)
    assert accuracy >= 0.9, accuracy
    assert error == (accuracy * (1 - accuracy) / 64) ** 0.5


def test_two_sample_test_cannot_tell_one_distribution_from_itself():
    a, b = _faces_like(32, seed=2), _faces_like(32, seed=3)
    accuracy, error = classifier_two_sample_test(a, b, steps=60)
    assert abs(accuracy - 0.5) < 3 * 0.0625, accuracy  # 3 SE of a coin over 64 faces


def test_swd_with_error_ranks_sets_by_distance():
    real = _faces_like(24, seed=4)
    same, same_error = swd_with_error(_faces_like(24, seed=5), real, boots=4)
    far, _ = swd_with_error(rand(24, 3, 64, 64, seed=6), real, boots=4)  # pure noise
    assert same + 3 * same_error < far


def _linear_pair(v):
    """G(z) = 0.5 + W z and a D whose logit is <v, x>: l(G(z)) = const + (W^T v) . z."""
    G = LinearGenerator(nz=4, size=8, scale=0.5)

    class LinearD(torch.nn.Module):
        def forward(self, x):
            return (x.flatten(1) * v).sum(1)

    D = LinearD()
    freeze(G, D)
    return G, D


def test_langevin_samples_the_tilted_gaussian():
    """E(z) = ||z||^2 / 2 - (W^T v) . z + const, so exp(-E) is N(W^T v, I): the
    samples' mean moves to W^T v and their variance stays 1. With D = 0 they stay
    N(0, I)."""
    v = 0.2 * (rand(3 * 8 * 8, seed=6) - 0.5)
    G, D = _linear_pair(v)
    target = G.W.T.detach() @ v  # (4,)
    z = langevin_latent_samples(G, D, 4000, steps=300, step_size=0.05, seed=0)
    assert torch.allclose(z.mean(0), target, atol=0.08), (z.mean(0), target)
    assert torch.allclose(z.var(0), torch.ones(4), atol=0.1), z.var(0)
    z0 = langevin_latent_samples(
        G, ZeroDiscriminator(), 4000, steps=300, step_size=0.05
    )
    assert torch.allclose(z0.mean(0), torch.zeros(4), atol=0.08)
    assert target.abs().max() > 0.3  # the shift is large enough to be seen


def test_latent_energy_adds_the_weighted_D_term():
    v = rand(3 * 8 * 8, seed=7)
    G, D = _linear_pair(v)
    z = rand(5, 4, seed=8)
    expected = 0.5 * (z**2).sum(1) - 2.0 * D(G(z))
    assert torch.allclose(latent_energy(z, G, D, lam_D=2.0), expected)
