"""The explorer, driven from code as a student drives it with the mouse."""

import pytest
import torch

from tutorial_lib.widgets import RestorationExplorer


@pytest.fixture
def explorer(dcgan):
    G, D = dcgan
    face = G(torch.randn(1, 100, generator=torch.Generator().manual_seed(0))).clamp(
        0, 1
    )
    return RestorationExplorer(
        face, "super_resolution", G, D, steps=20, preview_every=5, first_steps=20
    )


def test_first_run_uses_the_sliders_defaults(explorer):
    assert len(explorer.runs) == 1
    assert explorer.result.settings.lam == pytest.approx(explorer.lam_slider.value)
    assert explorer.image.value[:4] == b"\x89PNG"


def test_moving_lambda_reruns_with_that_value(explorer):
    before_image, before = explorer.image.value, explorer.result
    explorer.lam_slider.value = 10.0
    assert len(explorer.runs) == 2
    assert explorer.result is not before
    assert explorer.result.settings.lam == pytest.approx(10.0)
    assert explorer.runs[-1]["lam"] == pytest.approx(10.0)
    assert explorer.image.value != before_image
    assert "lambda 10" in explorer.caption.value


def test_moving_p_reruns_with_that_value_and_updates_the_metrics(explorer):
    scores = dict(explorer.scores)
    explorer.p_slider.value = 2.0
    assert explorer.result.settings.p == 2.0
    assert explorer.scores != scores
    assert f"{explorer.scores['psnr']:.2f} dB" in explorer.caption.value


def test_previews_arrive_while_it_runs(explorer):
    shown = []
    explorer.image.observe(lambda change: shown.append(change["new"]), names="value")
    explorer.lam_slider.value = 0.01
    assert len(shown) >= 4  # steps 0, 5, 10, 15, 20 and the final picture
    assert explorer.progress.value == explorer.progress.max == 20


def test_reruns_start_from_the_previous_z(explorer):
    z = explorer.result.z
    explorer.warm_start = True
    explorer.p_slider.value = 1.5
    assert explorer.result.history["prior_z"][0, 0] == pytest.approx(
        0.5 * (z**2).sum().item(), rel=1e-5
    )


def test_rejects_a_batch(dcgan):
    G, D = dcgan
    with pytest.raises(ValueError, match=r"face must be one image \(1, 3, 64, 64\)"):
        RestorationExplorer(torch.rand(2, 3, 64, 64), "denoising", G, D)
