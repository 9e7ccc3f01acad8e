"""The encoder E that starts restore()'s search: its batches, training, file, and use."""

import hashlib

import pytest
import torch

import tutorial_lib as tl
from conftest import calibrated_dcgan, randn
from tutorial_lib.encoder import (
    ENCODER_FILE,
    Encoder,
    EncoderConfig,
    encoder_start,
    load_encoder,
    save_encoder,
    train_encoder,
    training_batch,
)
from tutorial_lib.models import WEIGHTS_FILE, DCGANConfig
from tutorial_lib.solver import objective_terms


def test_a_code_does_not_depend_on_its_batch_mates():
    """Layer norm (per image), not batch norm: E(x)[0] is the same alone or in a batch."""
    E = Encoder().eval()
    x = torch.rand(4, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(E(x)[:1], E(x[:1]), atol=1e-5)


def test_training_batch_is_clean_then_one_part_per_task(dcgan):
    """The first sixth is G(z); each next sixth is naive(corrupt(G(z))) of one task."""
    G, _ = dcgan
    inputs, z = training_batch(G, 12, torch.Generator().manual_seed(0), "cpu")
    x = G(z)
    assert torch.equal(inputs[:2], x[:2])
    for k, task in enumerate(tl.TASKS, start=1):
        part, clean = inputs[2 * k : 2 * k + 2], x[2 * k : 2 * k + 2]
        op = tl.make_operator(task)
        # each part keeps what its task observes: A of the input is A of the truth
        # (exactly for the masks and gray; noise and quantization move it a little)
        error = (op.A(part) - op.A(clean)).abs().mean().item()
        assert error < 0.1, (task, error)
        assert not torch.equal(part, clean), task  # and it was corrupted


def test_training_logs_starts_near_one_and_is_reproducible():
    """A fresh E outputs codes near 0, so its loss is about E||z||^2 / nz = 1; the same
    seed gives the same E. (That training lowers the loss is the shipped E's record,
    checked below: a real run takes minutes.)"""
    G, _ = calibrated_dcgan(seed=1, config=DCGANConfig(ngf=8, ndf=8))
    config = EncoderConfig(steps=6, batch_size=12, precision="fp32", log_every=3)
    E, log = train_encoder(G, config, progress=False)
    E2, _ = train_encoder(G, config, progress=False)
    assert [entry["step"] for entry in log] == [3, 6]
    assert 0.7 < log[0]["loss"] < 1.4, log
    assert all(torch.equal(a, b) for a, b in zip(E.parameters(), E2.parameters()))
    assert not E.training and not any(p.requires_grad for p in E.parameters())


def test_shipped_encoder_record_shows_it_learned():
    """The shipped run's log: from ~1 (knows nothing) to under half of it."""
    log = torch.load(ENCODER_FILE, weights_only=True)["meta"]["log"]
    assert log[0]["loss"] > 0.9 and log[-1]["loss"] < 0.5, (log[0], log[-1])


def test_save_and_load_round_trip(tmp_path):
    E = Encoder().eval()
    save_encoder(E, tmp_path / "e.pt", steps=0)
    E2 = load_encoder("cpu", tmp_path / "e.pt")
    x = torch.rand(2, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    assert torch.equal(E(x), E2(x))


def test_missing_file_names_the_command(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m tutorial_lib encoder"):
        load_encoder("cpu", tmp_path / "none.pt")


def test_shipped_encoder_was_trained_for_the_shipped_generator():
    """Retraining G without retraining E would start the search from wrong codes."""
    meta = torch.load(ENCODER_FILE, weights_only=True)["meta"]
    assert (
        meta["generator_sha256"]
        == hashlib.sha256(WEIGHTS_FILE.read_bytes()).hexdigest()
    )


def test_restore_starts_its_first_restart_at_the_encoders_code(dcgan):
    """history["total"][0] is f at E(naive(y)) for init="encoder"."""
    G, D = dcgan
    op = tl.make_operator("inpainting")
    y = op.corrupt(G(randn(2, 100, seed=3)), seed=0)
    r = tl.restore(y, op, G, D, init="encoder", steps=2, restarts=1, blend=False)
    z0 = encoder_start(y, op)
    terms, _ = objective_terms(
        z0, y, op, G, D, p=1.0, weights=op.weights(y), precision=r.settings.precision
    )
    f0 = terms["data"] + r.settings.lam * (terms["prior_D"] + terms["prior_z"])
    assert torch.allclose(r.history["total"][0], f0, rtol=1e-5)
    assert r.settings.init == "encoder"


def test_z_init_wins_and_a_bad_init_is_refused(dcgan):
    G, D = dcgan
    op = tl.make_operator("denoising")
    y = op.corrupt(torch.full((1, 3, 64, 64), 0.5))
    r = tl.restore(y, op, G, D, init="encoder", z_init=torch.zeros(1, 100), steps=1)
    assert r.history["prior_z"][0].item() == 0  # a z_init given wins: ||0||^2 / 2
    with pytest.raises(ValueError, match='init must be "random" or "encoder"'):
        tl.restore(y, op, G, D, init="zeros", steps=1)


@pytest.mark.parametrize("task", tl.TASKS)
def test_shipped_encoder_starts_nearer_the_truth_than_a_random_code(task):
    """On the 16 sample faces, G(E(naive(y))) is closer to x* than G(z ~ N(0, I))."""
    G, _ = tl.load_pretrained("cpu")
    x = tl.load_sample_faces(16)
    op = tl.make_operator(task)
    y = op.corrupt(x, seed=0)
    with torch.no_grad():
        from_encoder = tl.psnr(G(encoder_start(y, op)), x).mean()
        from_random = tl.psnr(G(randn(16, 100, seed=0)), x).mean()
    assert from_encoder > from_random + 3, (from_encoder, from_random)
