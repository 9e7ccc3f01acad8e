"""DCGAN: shapes and ranges, eval-mode batch independence, weights files, devices.

The priors built on D and z: tests/test_prior.py."""

import pytest
import torch

import tutorial_lib as tl
from conftest import randn
from tutorial_lib.models import DCGANConfig, load_pretrained, make_dcgan, save_weights


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
    z = randn(4, 100)
    alone = G(z[:1])
    assert torch.allclose(G(z)[:1], alone, atol=1e-6)
    assert torch.allclose(D(G(z))[:1], D(alone), atol=1e-5)


def test_training_mode_would_couple_the_batch(dcgan):
    """Why eval mode matters: in training mode batch norm mixes the images."""
    G, _ = make_dcgan(seed=0)
    z = randn(4, 100)
    G.train()
    assert not torch.allclose(G(z)[:2], G(z[:2]), atol=1e-4)


def test_weights_round_trip(tmp_path, dcgan):
    G, D = dcgan
    path = tmp_path / "w.pt"
    save_weights(G, D, path, note="test")
    state = torch.load(path, weights_only=True)  # plain tensors and dicts only
    assert state["config"] == {
        "nz": 100,
        "ngf": 64,
        "ndf": 64,
        "nc": 3,
        "d_norm": "batch",
    }
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


def test_weights_of_other_layer_shapes_are_refused(tmp_path):
    """A file whose config claims ngf = 64 but whose layers were made with ngf = 32."""
    G, D = make_dcgan(DCGANConfig(ngf=32))
    path = tmp_path / "narrow.pt"
    save_weights(G, D, path)
    state = torch.load(path, weights_only=True)
    assert state["config"]["ngf"] == 32
    state["config"]["ngf"] = 64
    torch.save(state, path)
    with pytest.raises(
        ValueError,
        match=r"(?s)narrow\.pt is not a usable DCGAN weights file.*size mismatch",
    ):
        load_pretrained(device="cpu", path=path)


@pytest.mark.parametrize("cuda, expected", [(True, "cuda"), (False, "cpu")])
def test_default_device_is_cuda_exactly_when_available(monkeypatch, cuda, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    assert tl.default_device() == torch.device(expected)


@pytest.mark.parametrize("d_norm", ["layer", "none"])
def test_a_per_image_discriminator_is_the_same_function_in_both_modes(d_norm):
    """With batch norm, D in training mode scores a face by its batch's statistics;
    with layer norm or none, a face's logit is its own in either mode."""
    _, D = make_dcgan(DCGANConfig(ndf=8, d_norm=d_norm), seed=0)
    faces = torch.rand(4, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        alone_train = D.train()(faces[:1])
        batched_train = D(faces)[:1]
        alone_eval = D.eval()(faces[:1])
    torch.testing.assert_close(alone_train, batched_train)
    torch.testing.assert_close(alone_train, alone_eval)


def test_batch_norm_discriminator_depends_on_batch_mates_in_training_mode():
    _, D = make_dcgan(DCGANConfig(ndf=8), seed=0)
    faces = torch.rand(4, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert not torch.allclose(D.train()(faces[:2])[:1], D(faces)[:1])


def test_old_weights_files_load_as_batch_norm_and_bad_norms_are_refused(tmp_path):
    G, D = make_dcgan(DCGANConfig(ngf=8, ndf=8), seed=0)
    path = tmp_path / "old.pt"
    save_weights(G, D, path)
    state = torch.load(path, weights_only=True)
    del state["config"]["d_norm"]  # a file written before the option existed
    torch.save(state, path)
    _, D_loaded = load_pretrained(device="cpu", path=path)
    assert D_loaded.config.d_norm == "batch"
    with pytest.raises(ValueError, match="d_norm must be one of .* got 'spectral'"):
        DCGANConfig(d_norm="spectral")
