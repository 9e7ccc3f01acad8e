"""The direct network: starts as the naive inverse, learns, resumes exactly, ships."""

from dataclasses import replace

import pytest
import torch

import tutorial_lib.direct
from conftest import rand
from tutorial_lib.direct import (
    DirectConfig,
    DirectNet,
    load_direct,
    restore_direct,
    save_direct,
    train_direct,
)
from tutorial_lib.operators import make_operator

TINY = DirectConfig(width=8, steps=4, batch_size=4, log_every=2, precision="fp32")


def test_an_untrained_network_is_the_naive_inverse():
    naive = rand(2, 3, 64, 64)
    assert torch.equal(DirectNet(TINY).eval()(naive), naive)


def test_training_lowers_the_denoising_error():
    faces = rand(16, 3, 64, 64, seed=1).mul(0.2).add(0.4)  # smooth-ish, in [0.4, 0.6]
    faces = torch.nn.functional.avg_pool2d(faces, 8).repeat_interleave(8, -1)
    faces = faces.repeat_interleave(8, -2)  # blocks: noise is easy to tell apart
    config = replace(TINY, steps=60, log_every=20, lr=3e-3)
    _, log = train_direct("denoising", faces, config, progress=False)
    assert log[-1]["loss"] < 0.7 * log[0]["loss"], log


def test_a_resumed_run_equals_an_uninterrupted_one(tmp_path, monkeypatch):
    faces = rand(8, 3, 64, 64, seed=2)
    straight, log = train_direct("inpainting", faces, TINY, progress=False)
    checkpoint, calls = tmp_path / "run.pt", []
    real_pairs = tutorial_lib.direct.training_pairs

    def killed_at_step_3(*args):  # the run dies after its checkpoint at step 2
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_pairs(*args)

    monkeypatch.setattr(tutorial_lib.direct, "training_pairs", killed_at_step_3)
    with pytest.raises(KeyboardInterrupt):
        train_direct("inpainting", faces, TINY, checkpoint=checkpoint, progress=False)
    monkeypatch.setattr(tutorial_lib.direct, "training_pairs", real_pairs)
    resumed, log_resumed = train_direct(
        "inpainting", faces, TINY, checkpoint=checkpoint, progress=False
    )
    for a, b in zip(straight.parameters(), resumed.parameters()):
        assert torch.equal(a, b)
    assert [e["loss"] for e in log] == [e["loss"] for e in log_resumed]


def test_a_checkpoint_of_another_run_is_refused(tmp_path):
    faces = rand(8, 3, 64, 64, seed=2)
    checkpoint = tmp_path / "run.pt"
    train_direct("denoising", faces, TINY, checkpoint=checkpoint, progress=False)
    with pytest.raises(ValueError, match="belongs to another run"):
        train_direct("inpainting", faces, TINY, checkpoint=checkpoint, progress=False)


def test_saved_in_float16_and_loaded_back(tmp_path):
    torch.manual_seed(0)
    h = DirectNet(TINY)
    torch.nn.init.normal_(h.out.weight, std=0.05)  # not the identity any more
    h.eval()
    save_direct(h, "quantization", tmp_path / "q.pt", steps=0)
    loaded = load_direct("quantization", path=tmp_path / "q.pt")
    y = make_operator("quantization").corrupt(rand(2, 3, 64, 64), seed=0)
    x_hat = restore_direct(y, "quantization", loaded)
    with torch.no_grad():
        expected = h(y).clamp(0, 1)
    assert x_hat.shape == (2, 3, 64, 64) and (x_hat - expected).abs().max() < 2e-3
    with pytest.raises(ValueError, match="not 'denoising'"):
        load_direct("denoising", path=tmp_path / "q.pt")


def test_a_missing_network_names_the_command_that_makes_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m tutorial_lib direct --task"):
        load_direct("denoising", path=tmp_path / "none.pt")


def test_bad_input_gets_a_clear_error():
    h = DirectNet(TINY).eval()
    with pytest.raises(ValueError, match="values in"):
        restore_direct(torch.full((1, 3, 64, 64), 255.0), "denoising", h)
