"""DCGAN: shapes and ranges, eval-mode batch independence, weights files, the priors."""

import math

import pytest
import torch

import tutorial_lib as tl
from tutorial_lib.models import load_pretrained, make_dcgan, save_weights


def test_shapes_and_ranges(dcgan):
    G, D = dcgan
    x = G(torch.randn(5, 100))
    assert x.shape == (5, 3, 64, 64)
    assert x.min() >= 0 and x.max() <= 1
    assert D(x).shape == (5,)


def test_same_seed_same_weights():
    (G1, _), (G2, _) = make_dcgan(seed=3), make_dcgan(seed=3)
    assert all(torch.equal(a, b) for a, b in zip(G1.parameters(), G2.parameters()))


def test_eval_mode_makes_images_independent_of_the_batch(dcgan):
    G, D = dcgan
    z = torch.randn(4, 100, generator=torch.Generator().manual_seed(0))
    alone = G(z[:1])
    assert torch.allclose(G(z)[:1], alone, atol=1e-6)
    assert torch.allclose(D(G(z))[:1], D(alone), atol=1e-5)


def test_training_mode_would_couple_the_batch(dcgan):
    """Why eval mode matters: in training mode batch norm mixes the images."""
    G, _ = make_dcgan(seed=0)
    z = torch.randn(4, 100, generator=torch.Generator().manual_seed(0))
    G.train()
    assert not torch.allclose(G(z)[:2], G(z[:2]), atol=1e-4)


def test_weights_round_trip(tmp_path, dcgan):
    G, D = dcgan
    path = tmp_path / "w.pt"
    save_weights(G, D, path, note="test")
    state = torch.load(path, weights_only=True)  # plain tensors and dicts only
    assert state["config"] == {"nz": 100, "ngf": 64, "ndf": 64, "nc": 3}
    G2, D2 = load_pretrained(device="cpu", path=path)
    assert not G2.training and not D2.training
    assert not any(p.requires_grad for p in G2.parameters())
    z = torch.randn(2, 100)
    assert torch.allclose(G2(z), G(z)) and torch.allclose(D2(G(z)), D(G(z)))


def test_missing_weights_name_the_file_and_the_command(tmp_path):
    with pytest.raises(
        FileNotFoundError, match=r"nothere\.pt.*python -m tutorial_lib train"
    ):
        load_pretrained(path=tmp_path / "nothere.pt")


def test_damaged_weights_file(tmp_path, dcgan):
    G, D = dcgan
    good = tmp_path / "good.pt"
    save_weights(G, D, good)
    damaged = tmp_path / "damaged.pt"
    damaged.write_bytes(good.read_bytes()[:10_000])  # a truncated download
    with pytest.raises(ValueError, match="is not a usable DCGAN weights file"):
        load_pretrained(path=damaged)


def test_logit_identity():
    """log D - log(1 - D) = l for D = sigmoid(l): the bracket of the prior is the logit."""
    l = torch.linspace(-8, 8, 17, dtype=torch.float64)
    D = torch.sigmoid(l)
    assert torch.allclose(torch.log(D) - torch.log1p(-D), l)


def test_latent_prior_is_minus_log_gaussian_density():
    z = torch.randn(6, 100, generator=torch.Generator().manual_seed(0))
    log_p = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(1)
    constant = 100 * 0.5 * math.log(2 * math.pi)
    assert torch.allclose(tl.latent_prior(z), -log_p - constant, atol=1e-4)


def test_discriminator_prior_is_minus_the_logit(dcgan):
    G, D = dcgan
    x = G(torch.randn(3, 100))
    assert torch.equal(tl.discriminator_prior(D, x), -D(x))
