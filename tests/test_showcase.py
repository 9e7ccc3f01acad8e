"""tutorial_lib.showcase: one task run (corrupt, restore, keep the pieces) and its panels.

The pitfalls helpers built on it: tests/test_pitfalls.py."""

import matplotlib.pyplot as plt
import pytest
import torch

import tutorial_lib as tl
from conftest import rand
from tutorial_lib.showcase import NAIVE_NAMES, run_task, show_against_truth


@pytest.fixture
def faces():
    return rand(2, 3, 64, 64)


def test_every_task_has_a_naive_name():
    assert set(NAIVE_NAMES) == set(tl.TASKS)


@pytest.mark.parametrize("task", tl.TASKS)
def test_run_task_corrupts_restores_and_keeps_the_pieces(dcgan, faces, task):
    G, D = dcgan
    task_run = run_task(task, faces, G, D, seed=3, steps=2, restarts=1)
    op = tl.make_operator(task)
    assert task_run.op.name == task and task_run.x is faces
    assert torch.equal(
        task_run.y, op.corrupt(faces, seed=3)
    )  # the noise follows the seed
    assert torch.equal(task_run.naive, op.naive_inverse(task_run.y))
    s = task_run.result.settings
    assert (s.steps, s.restarts, s.lam) == (2, 1, tl.TUNED_SETTINGS[task].lam)
    assert task_run.result.x_hat.shape == faces.shape


def test_columns_show_y_only_when_it_is_smaller(dcgan, faces):
    G, D = dcgan
    sr = run_task("super_resolution", faces, G, D, steps=1, restarts=1).columns()
    assert list(sr) == ["truth x*", "observation y", "naive: bicubic", "GAN x_hat"]
    assert sr["observation y"].shape == (2, 3, 16, 16)
    dn = run_task("denoising", faces, G, D, steps=1, restarts=1).columns()
    assert list(dn) == ["truth x*", "naive: noisy y", "GAN x_hat"]


def test_columns_add_raw_G_when_blended(dcgan, faces):
    G, D = dcgan
    task_run = run_task("inpainting", faces, G, D, steps=1, restarts=1, blend=True)
    columns = task_run.columns()
    assert list(columns)[-2:] == ["raw G(z_hat)", "GAN x_hat"]
    assert columns["raw G(z_hat)"] is task_run.result.x_gan
    unblended = run_task("inpainting", faces, G, D, steps=1, restarts=1, blend=False)
    assert "raw G(z_hat)" not in unblended.columns()


def test_show_against_truth_scores_every_panel_of_the_truths_shape():
    x = torch.full((1, 3, 64, 64), 0.5)
    images = {"truth x*": x, "off by 0.1": x + 0.1, "small y": x[..., :16, :16]}
    fig = show_against_truth(images, "A known case")
    try:
        assert fig._suptitle.get_text() == "A known case"
        labels = [ax.get_xlabel() for ax in fig.axes]
        # MSE 0.01; SSIM of flat images: (2 * 0.5 * 0.6 + C1) / (0.5² + 0.6² + C1)
        ssim = (0.6 + 0.01**2) / (0.61 + 0.01**2)
        assert labels == ["", f"20.0 dB / {ssim:.3f}", ""]  # truth and y unscored
    finally:
        plt.close(fig)
    with pytest.raises(KeyError, match="truth x"):
        show_against_truth({"off by 0.1": x + 0.1}, "no truth")
