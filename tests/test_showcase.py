"""tutorial_lib.showcase: the end-to-end helpers of the task notebooks (05-09)."""
import math

import pytest
import torch

import tutorial_lib as tl
from tutorial_lib.showcase import (
    NAIVE_NAMES, hardest_face, markdown_table, metric_table, project_on_G, run_task,
    scores)


@pytest.fixture
def faces():
    return torch.rand(2, 3, 64, 64, generator=torch.Generator().manual_seed(0))


def test_every_task_has_a_naive_name():
    assert set(NAIVE_NAMES) == set(tl.TASKS)


@pytest.mark.parametrize("task", tl.TASKS)
def test_run_task_corrupts_restores_and_keeps_the_pieces(dcgan, faces, task):
    G, D = dcgan
    shown = run_task(task, faces, G, D, seed=3, steps=2, restarts=1)
    op = tl.make_operator(task)
    assert shown.op.name == task and shown.x is faces
    assert torch.equal(shown.y, op.corrupt(faces, seed=3))  # the noise follows the seed
    assert torch.equal(shown.naive, op.naive_inverse(shown.y))
    s = shown.result.settings
    assert (s.steps, s.restarts, s.lam) == (2, 1, tl.DEFAULTS[task].lam)
    assert shown.result.x.shape == faces.shape


def test_columns_show_y_only_when_it_is_smaller(dcgan, faces):
    G, D = dcgan
    sr = run_task("super_resolution", faces, G, D, steps=1, restarts=1).columns()
    assert list(sr) == ["truth x*", "observation y", "naive: bicubic", "GAN x_hat"]
    assert sr["observation y"].shape == (2, 3, 16, 16)
    dn = run_task("denoising", faces, G, D, steps=1, restarts=1).columns()
    assert list(dn) == ["truth x*", "naive: noisy y", "GAN x_hat"]


def test_columns_add_raw_G_when_blended(dcgan, faces):
    G, D = dcgan
    shown = run_task("inpainting", faces, G, D, steps=1, restarts=1, blend=True)
    columns = shown.columns()
    assert list(columns)[-2:] == ["raw G(z_hat)", "GAN x_hat"]
    assert columns["raw G(z_hat)"] is shown.result.x_gan
    unblended = run_task("inpainting", faces, G, D, steps=1, restarts=1, blend=False)
    assert "raw G(z_hat)" not in unblended.columns()


def test_scores_skip_the_truth_and_images_of_another_shape(faces):
    images = {"truth": faces, "small": faces[..., :16, :16], "half": faces / 2}
    out = scores(images, faces)
    assert list(out) == ["half"]
    psnr, ssim = out["half"]
    assert torch.equal(psnr, tl.psnr(faces / 2, faces))
    assert torch.equal(ssim, tl.ssim(faces / 2, faces))


def test_metric_table_known_values(dcgan):
    G, D = dcgan
    x = torch.full((2, 3, 64, 64), 0.5)
    images = {"truth": x, "off by 0.1": x + 0.1}
    table = metric_table(images, x, D, brightness=lambda v: v.mean(dim=(1, 2, 3)))
    assert math.isinf(table["truth"]["PSNR"]) and table["truth"]["SSIM"] == 1
    assert table["off by 0.1"]["PSNR"] == pytest.approx(20.0, abs=1e-4)  # MSE 0.01
    assert table["off by 0.1"]["brightness"] == pytest.approx(0.6)
    with torch.no_grad():
        assert table["truth"]["D logit"] == pytest.approx(D(x).mean().item(), rel=1e-5)
    assert "D logit" not in metric_table(images, x)["truth"]  # no D, no logit


def test_markdown_table_has_a_header_and_one_row_per_image():
    rows = {"a": {"PSNR": 20.0, "SSIM": 0.5}, "b": {"PSNR": 25.25, "SSIM": 1}}
    text = markdown_table(rows)
    lines = text.splitlines()
    assert lines[0] == "| | PSNR | SSIM |" and lines[1] == "|---|---|---|"
    assert lines[2:] == ["| a | 20 | 0.5 |", "| b | 25.25 | 1 |"]


def test_project_on_G_goes_on_from_z_init_with_a_light_prior(dcgan):
    G, D = dcgan
    z0 = torch.randn(1, G.config.nz, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        x = G(torch.randn(1, G.config.nz, generator=torch.Generator().manual_seed(2)))
    r = project_on_G(x, G, D, z_init=z0, steps=5, restarts=1)
    assert r.settings.lam == 0.01
    start = r.history["prior_z"][0, 0].item()
    assert start == pytest.approx(0.5 * (z0**2).sum().item(), rel=1e-5)
    assert r.history["data"][-1, 0] < r.history["data"][0, 0]  # closer to x than at z0
    assert project_on_G(x, G, D, lam=0.5, steps=1, restarts=1).settings.lam == 0.5


def test_hardest_face_picks_the_lowest_psnr_and_projects_it(dcgan, faces):
    G, D = dcgan
    shown = run_task("denoising", faces, G, D, steps=2, restarts=1)
    k, proj = hardest_face(shown, G, D, steps=3, restarts=1)
    assert k == tl.psnr(shown.result.x, faces).argmin().item()
    start = proj.history["prior_z"][0, 0].item()  # it went on from that face's z_hat
    assert start == pytest.approx(0.5 * (shown.result.z[k]**2).sum().item(), rel=1e-5)
    assert proj.x.shape == (1, 3, 64, 64) and proj.settings.lam == 0.01
