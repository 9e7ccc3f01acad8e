"""Calibrating D to a frozen G: held-out scores by hand, the kept step, eval mode,
the file that remembers its G."""

import math

import pytest
import torch

import tutorial_lib as tl
from conftest import calibrated_dcgan, rand
from tutorial_lib.calibrate import CalibrationConfig, calibrate, held_out_scores
from tutorial_lib.models import (
    DCGANConfig,
    generator_fingerprint,
    load_discriminator,
    save_discriminator,
)

TINY = DCGANConfig(ngf=8, ndf=8)


class ConstantLogit(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c

    def forward(self, x):
        return x.new_full((len(x),), self.c)


def test_held_out_scores_of_a_constant_logit_by_hand():
    """l = c everywhere: all probabilities sigma(c) fall in one bin whose observed
    frequency of "real" is 1/2, so ECE = |sigma(c) - 1/2|; the log loss is the mean of
    softplus(-c) (real) and softplus(c) (generated)."""
    c = 1.5
    s = held_out_scores(ConstantLogit(c), rand(6, 3, 8, 8), rand(6, 3, 8, 8, seed=1))
    sigma = 1 / (1 + math.exp(-c))
    softplus = lambda v: math.log1p(math.exp(v))  # noqa: E731
    assert s["ece"] == pytest.approx(abs(sigma - 0.5), abs=1e-6)
    assert s["log_loss"] == pytest.approx((softplus(-c) + softplus(c)) / 2, abs=1e-6)
    assert s["accuracy"] == 0.5 and s["logit_real"] == pytest.approx(c)


def test_ece_weighs_each_bin_by_its_share():
    """Real images get D = 0.9 (bin 9, all real: off by 0.1), generated ones D = 0.25
    (bin 2, none real: off by 0.25); 6 real and 2 generated images weigh the bins 3/4
    and 1/4, so ECE = 0.75 * 0.1 + 0.25 * 0.25 = 0.1375 (an unweighted mean: 0.175)."""

    def D(x):
        bright = x.mean(dim=(1, 2, 3)) > 0.5
        return torch.where(bright, math.log(0.9 / 0.1), math.log(0.25 / 0.75))

    real, fake = torch.full((6, 3, 4, 4), 0.8), torch.full((2, 3, 4, 4), 0.2)
    assert held_out_scores(D, real, fake)["ece"] == pytest.approx(0.1375, abs=1e-6)


def test_calibrate_refuses_faces_on_the_wrong_scale():
    G, D = calibrated_dcgan(config=TINY)
    faces = rand(8, 3, 64, 64)  # floats, not the uint8 faces of `prepare`
    with pytest.raises(ValueError, match="faces must be a uint8 tensor"):
        calibrate(G, D, faces, faces, progress=False)
    as_bytes = (faces * 255).to(torch.uint8)
    with pytest.raises(ValueError, match=r"valid_faces must be a float tensor"):
        calibrate(G, D, as_bytes, as_bytes, progress=False)


def test_a_perfect_separator_scores_accuracy_one_and_low_loss():
    bright = lambda x: 20 * (x.mean(dim=(1, 2, 3)) - 0.5)  # noqa: E731
    s = held_out_scores(bright, torch.full((4, 3, 8, 8), 0.9), torch.zeros(4, 3, 8, 8))
    assert s["accuracy"] == 1.0 and s["log_loss"] < 1e-3 and s["ece"] < 1e-3


@pytest.fixture(scope="module")
def tiny_run():
    G, D = calibrated_dcgan(config=TINY)
    faces = (rand(32, 3, 64, 64, seed=3) * 255).to(torch.uint8)
    valid = rand(16, 3, 64, 64, seed=4)
    before = {k: v.clone() for k, v in D.state_dict().items()}
    modes = []  # the hook travels with calibrate's copy of D
    hook = D.register_forward_hook(lambda module, *_: modes.append(module.training))
    config = CalibrationConfig(steps=6, batch_size=6, eval_every=2, precision="fp32")
    D_cal, log = calibrate(G, D, faces, valid, config, progress=False)
    hook.remove()
    return G, D, before, D_cal, log, valid, modes


def test_the_step_with_the_lowest_held_out_log_loss_is_kept(tiny_run):
    G, _, _, D_cal, log, valid, _ = tiny_run
    assert [e["step"] for e in log] == [0, 2, 4, 6]
    assert not D_cal.training and not any(p.requires_grad for p in D_cal.parameters())
    # the held-out set of calibrate: valid against its fixed samples of G (seed 10,000)
    z = torch.randn(
        len(valid), TINY.nz, generator=torch.Generator().manual_seed(10_000)
    )
    again = held_out_scores(D_cal, valid, G(z).detach())
    assert again["log_loss"] == pytest.approx(min(e["log_loss"] for e in log), abs=1e-5)


def test_D_is_trained_in_eval_mode_and_the_original_is_untouched(tiny_run):
    """Batch norm's stored statistics are what the prior uses: every pass of D during
    calibration runs in eval mode, so they stay as they were; D itself is a copy."""
    _, D, before, D_cal, _, _, modes = tiny_run
    assert len(modes) >= 6 * 3 and not any(modes)  # real, generated, corrupted per step
    after = D_cal.state_dict()
    for name, value in before.items():
        if "running" in name:
            assert torch.equal(after[name], value), name
        assert torch.equal(D.state_dict()[name], value), name


def test_a_saved_discriminator_loads_only_for_its_own_generator(tmp_path):
    G, D = calibrated_dcgan(config=TINY)
    other_G, _ = calibrated_dcgan(seed=1, config=TINY)
    path = tmp_path / "d.pt"
    save_discriminator(D, G, path, note="test")
    loaded = load_discriminator(G, path)
    x = rand(3, 3, 64, 64)
    # stored in float16: the logits agree to float16's rounding of the weights
    assert torch.allclose(loaded(x), D(x), atol=1e-2, rtol=1e-2)
    assert not loaded.training
    with pytest.raises(ValueError, match="calibrated for another generator"):
        load_discriminator(other_G, path)
    assert generator_fingerprint(G) != generator_fingerprint(other_G)
    path.write_bytes(b"not a file of ours")
    with pytest.raises(ValueError, match="not a usable discriminator file"):
        load_discriminator(G, path)
    with pytest.raises(FileNotFoundError, match="tutorial_lib calibrate"):
        load_discriminator(G, tmp_path / "missing.pt")


def test_load_pretrained_names_its_discriminators():
    with pytest.raises(
        ValueError, match="discriminator must be one of gan, calibrated"
    ):
        tl.load_pretrained("cpu", discriminator="best")


@pytest.fixture(scope="module")
def shipped():
    G, D_gan = tl.load_pretrained("cpu")
    _, D_cal = tl.load_pretrained("cpu", discriminator="calibrated")
    return G, D_gan, D_cal


def test_the_shipped_calibrated_D_calls_real_faces_real_and_corruptions_fake(shipped):
    """The goal of the calibration, on the 64 shipped faces (never used to make it):
    real faces score above 0, every corruption at least 5 below them. The GAN's own D,
    still loadable beside it, fails both (it calls real faces fake, blur is close)."""
    from tutorial_lib.quality import discriminator_margins

    _, D_gan, D_cal = shipped
    faces = tl.load_sample_faces(64)
    cal = discriminator_margins(D_cal, faces)
    assert cal["logit_real"] > 0, cal
    assert min(v for k, v in cal.items() if k.startswith("margin")) >= 5, cal
    gan = discriminator_margins(D_gan, faces)
    assert gan["logit_real"] < 0 and gan["margin_blurred"] < 5, gan


def test_the_shipped_calibrated_D_records_how_it_was_made(shipped):
    from tutorial_lib.models import CALIBRATED_D_FILE

    G, _, _ = shipped
    state = torch.load(CALIBRATED_D_FILE, weights_only=True)
    meta = state["meta"]
    assert meta["command"].startswith("python -m tutorial_lib calibrate")
    assert state["generator_sha256"] == generator_fingerprint(G)
    best = min(meta["log"], key=lambda entry: entry["log_loss"])
    assert (
        best["step"] == meta["chosen_step"]
        and best["log_loss"] < meta["log"][0]["log_loss"]
    )
