"""The explorer, driven from code as a student drives it with the mouse."""

import threading

import pytest
import torch

import tutorial_lib as tl
from tutorial_lib.explorer_runs import RunPlan
from tutorial_lib.widgets import (
    RestorationExplorer,
    finished_caption,
    preview_due,
    running_caption,
)


def _explorer(dcgan, steps=20):
    G, D = dcgan
    face = G(torch.randn(1, 100, generator=torch.Generator().manual_seed(0))).clamp(
        0, 1
    )
    return RestorationExplorer(
        face, "super_resolution", G, D, steps=steps, preview_every=5, first_steps=20
    )


@pytest.fixture
def explorer(dcgan):
    return _explorer(dcgan)


def _held(explorer):
    """Make the explorer's next run wait at its first preview until released.

    Returns (started, release): ``started`` is set when the run reaches step 0,
    ``release`` lets it go on. Lets a test act *during* a run without racing it.
    """
    started, release = threading.Event(), threading.Event()
    preview = explorer._preview

    def held_preview(step, x):
        if step == 0 and not release.is_set():
            started.set()
            release.wait(10)
        preview(step, x)

    explorer._preview = held_preview
    return started, release


def test_first_run_uses_the_sliders_defaults(explorer):
    assert len(explorer.runs) == 1 and explorer.runs[0]["start"] == "first"
    assert explorer.result.settings.lam == pytest.approx(explorer.lam_slider.value)
    assert explorer.image.value[:4] == b"\x89PNG"


def test_moving_lambda_reruns_with_that_value(explorer):
    before_image, before = explorer.image.value, explorer.result
    explorer.lam_slider.value = 10.0
    explorer.wait(30)
    assert len(explorer.runs) == 2
    assert explorer.result is not before
    assert explorer.result.settings.lam == pytest.approx(10.0)
    assert explorer.runs[-1]["lam"] == pytest.approx(10.0)
    assert explorer.image.value != before_image
    assert "lambda 10" in explorer.caption.value


def test_moving_p_reruns_with_that_value_and_updates_the_metrics(explorer):
    scores = dict(explorer.scores)
    explorer.p_slider.value = 2.0
    explorer.wait(30)
    assert explorer.result.settings.p == 2.0
    assert explorer.scores != scores
    assert f"{explorer.scores['psnr']:.2f} dB" in explorer.caption.value


def test_previews_arrive_while_it_runs(explorer):
    shown = []
    explorer.image.observe(lambda change: shown.append(change["new"]), names="value")
    explorer.lam_slider.value = 0.01
    explorer.wait(30)
    # steps 1 (a picture at once), 5, 10, 15, 20; step 0 (the warm start) and the
    # final picture (step 20's G(z), unblended for super-resolution) would redraw the
    # picture already shown
    assert len(shown) == 5
    assert explorer.progress.value == explorer.progress.max == 20


def test_the_caption_says_what_is_running(explorer):
    started, release = _held(explorer)
    explorer.lam_slider.value = 3.0
    assert started.wait(10)
    caption = explorer.caption.value  # the old PSNR must not sit beside the new lambda
    release.set()
    explorer.wait(30)
    assert caption.startswith("<i>running</i>: lambda 3,") and "dB" not in caption
    assert "warm start" in caption


def test_reruns_start_from_the_previous_z(explorer):
    z = explorer.result.z
    explorer.warm_start = True
    explorer.p_slider.value = 1.5
    explorer.wait(30)
    assert explorer.result.history["prior_z"][0, 0] == pytest.approx(
        0.5 * (z**2).sum().item(), rel=1e-5
    )


def test_a_move_during_a_run_stops_it_and_only_the_latest_runs(explorer):
    started, release = _held(explorer)
    explorer.lam_slider.value = 0.01  # run A starts and waits at step 0
    assert started.wait(10)
    explorer.lam_slider.value = 0.1  # B and C arrive while A runs: coalesced
    explorer.lam_slider.value = 1.0
    release.set()
    explorer.wait(30)
    later = explorer.runs[1:]
    assert [r["lam"] for r in later] == pytest.approx([0.01, 1.0])  # B never ran
    assert later[0]["stopped"] and not later[1]["stopped"]
    assert explorer.result.settings.lam == pytest.approx(1.0)
    assert "lambda 1," in explorer.caption.value


def test_stop_ends_the_run_and_keeps_the_last_result(explorer):
    before = explorer.result
    started, release = _held(explorer)
    explorer.lam_slider.value = 30.0
    assert started.wait(10)
    explorer.stop_button.click()
    release.set()
    explorer.wait(30)
    assert explorer.runs[-1]["stopped"] and explorer.result is before
    assert "stopped" in explorer.caption.value
    explorer.stop()  # nothing runs: a later run is not stopped by it
    assert explorer.run(steps=5).settings.lam == pytest.approx(30.0)


def test_new_start_draws_a_fresh_z_and_is_reproducible(dcgan):
    explorer = _explorer(dcgan)
    first_start = explorer.result.history["prior_z"][0, 0]  # 0.5 ||z_0||^2, seed + 0
    explorer.new_start_button.click()
    explorer.wait(30)
    assert explorer.runs[-1]["start"] == "fresh" and explorer.fresh_starts == 1
    fresh_start = explorer.result.history["prior_z"][0, 0]  # seed + 1
    assert fresh_start != pytest.approx(first_start.item(), rel=1e-3)
    again = _explorer(dcgan)
    again.new_start_button.click()
    again.wait(30)
    assert torch.equal(again.result.z, explorer.result.z)  # seed + 1, both times


def test_a_new_start_survives_a_move_that_stops_its_run(explorer):
    before = explorer.result.z
    started, release = _held(explorer)
    explorer.new_start_button.click()  # the fresh run waits at step 0
    assert started.wait(10)
    explorer.lam_slider.value = 2.0  # stops it: the next run must still be fresh
    release.set()
    explorer.wait(30)
    assert [r["start"] for r in explorer.runs[1:]] == ["fresh", "fresh"]
    assert explorer.runs[1]["stopped"] and not explorer.runs[2]["stopped"]
    start = explorer.result.history["prior_z"][0, 0]
    assert start != pytest.approx(0.5 * (before**2).sum().item(), rel=1e-3)
    explorer.p_slider.value = 1.5  # after a finished fresh run: warm again
    explorer.wait(30)
    assert explorer.runs[-1]["start"] == "warm"


def test_stop_also_drops_a_move_not_yet_started(explorer):
    before = explorer.result
    started, release = _held(explorer)
    explorer.lam_slider.value = 0.01
    assert started.wait(10)
    explorer.lam_slider.value = 5.0  # queued behind the held run
    explorer.stop()
    release.set()
    explorer.wait(30)
    assert [r["lam"] for r in explorer.runs[1:]] == pytest.approx([0.01])
    assert explorer.runs[-1]["stopped"] and explorer.result is before


def test_an_error_in_the_background_is_shown_and_the_next_move_works(explorer):
    G = explorer.G
    explorer.G = None  # restore fails inside the worker thread
    explorer.lam_slider.value = 2.0
    explorer.wait(30)
    assert isinstance(explorer.error, AttributeError)  # None has no .training
    assert explorer.caption.value.startswith("<b>error</b>: AttributeError: ")
    explorer.G = G
    explorer.lam_slider.value = 3.0
    explorer.wait(30)
    assert explorer.error is None and explorer.result.settings.lam == 3.0


def test_takes_an_operator_with_its_options(dcgan):
    G, D = dcgan
    op = tl.make_operator("inpainting", hole=16, top_left=(4, 40))
    explorer = RestorationExplorer(tl.load_sample_faces(1), op, G, D, first_steps=2)
    assert explorer.op is op and torch.equal(explorer.y, op.corrupt(explorer.face))
    assert explorer.result.settings.blend  # the task's tuned settings: inpainting


def test_displays_a_rerun_note_then_the_widget(explorer, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    explorer._ipython_display_()
    assert "run this cell again" in shown[0].data and shown[1] is explorer.widget


def test_rejects_a_batch(dcgan):
    G, D = dcgan
    with pytest.raises(ValueError, match=r"face must be one image \(1, 3, 64, 64\)"):
        RestorationExplorer(torch.rand(2, 3, 64, 64), "denoising", G, D)


def test_the_D_checkbox_switches_D_off_and_the_caption_shows_D_and_z(explorer):
    assert (
        "D's logit l(G(z))" in explorer.caption.value
        and "||z||" in explorer.caption.value
    )
    assert explorer.runs[-1]["use_D"] and explorer.result.settings.use_D
    logit = explorer.D(explorer.result.x_gan).item()
    assert explorer.runs[-1]["logit"] == pytest.approx(logit, abs=1e-4)
    assert explorer.runs[-1]["z_norm"] == pytest.approx(explorer.result.z.norm().item())
    explorer.d_checkbox.value = False
    explorer.wait(30)
    assert explorer.runs[-1]["start"] == "warm" and not explorer.result.settings.use_D
    assert torch.all(explorer.result.history["prior_D"] == 0)  # D's term is gone
    assert "D's term off" in explorer.caption.value


def test_the_start_chooser_restarts_from_its_origin_with_its_budget(dcgan):
    explorer = _explorer(dcgan, steps=5)  # warm re-runs 5 steps, the encoder's 20
    assert explorer.runs[0]["init"] == "encoder" and explorer.runs[0]["steps"] == 20
    explorer.random_steps = 7  # the random starts' budget (300 for a student)
    explorer.start_chooser.value = "random"
    explorer.wait(30)
    run = explorer.runs[-1]
    assert (run["start"], run["init"], run["steps"]) == ("fresh", "random", 7)
    assert explorer.result.settings.init == "random"
    explorer.start_chooser.value = "encoder"  # back: the encoder's guess again
    explorer.wait(30)
    assert explorer.runs[-1]["init"] == "encoder" and explorer.runs[-1]["steps"] == 20
    explorer.new_start_button.click()  # New start: a fresh random z, whatever the chooser
    explorer.wait(30)
    assert explorer.runs[-1]["init"] == "random" and explorer.runs[-1]["steps"] == 7


def test_a_start_other_than_encoder_or_random_is_refused(dcgan):
    G, D = dcgan
    with pytest.raises(ValueError, match='start must be "encoder" or "random", got'):
        RestorationExplorer(tl.load_sample_faces(1), "denoising", G, D, start="zero")


def test_the_strip_shows_the_restoration_at_each_lambda_from_one_start(explorer):
    """A rendered page's explorer: each frame is restore() with that λ, same start."""
    lams = (0.01, 1.0)
    figure = explorer.strip(lams)
    titles = [ax.get_title() for ax in figure.axes]
    assert titles == ["truth", "observation", "λ = 0.01", "λ = 1"]
    init = explorer.start_chooser.value
    steps = {"encoder": explorer.first_steps, "random": explorer.random_steps}[init]
    again = tl.restore(explorer.y, explorer.op, explorer.G, explorer.D, lam=1.0,
                       p=explorer.p_slider.value, steps=steps, init=init, seed=0)  # fmt: skip
    shown = figure.axes[3].images[0].get_array()
    expected = again.x_hat[0].permute(1, 2, 0).numpy()
    assert abs(shown - expected).max() < 1e-6
    assert figure.axes[0].get_xlabel() == ""  # no score for the truth against itself


def test_on_a_static_page_the_explorer_draws_frames_not_sliders(explorer, monkeypatch):
    shown = []
    monkeypatch.setattr(tl.config, "STATIC", True)
    monkeypatch.setattr("IPython.display.display", shown.append)
    explorer._ipython_display_()
    assert [type(s).__name__ for s in shown] == ["HTML", "Figure"]
    monkeypatch.setattr(tl.config, "STATIC", False)
    shown.clear()
    explorer._ipython_display_()
    assert shown[-1] is explorer.widget


def test_previews_after_step_1_every_few_steps_and_at_the_last():
    assert [s for s in range(8) if preview_due(s, every=3, last=7)] == [1, 3, 6, 7]
    assert [s for s in range(4) if preview_due(s, every=5, last=3)] == [1, 3]


def test_the_captions_name_the_scores_and_the_start_of_each_kind_of_run():
    fresh = RunPlan(lam=0.5, p=1.5, use_D=False, start="fresh", init="encoder",
                    steps=5, fresh_starts=2, seed=2)  # fmt: skip
    measured = {"psnr": 25.0, "ssim": 0.8, "logit": -1.234, "z_norm": 9.87}
    caption = finished_caption(fresh, measured, {"psnr": 12.0, "ssim": 0.5})
    assert caption.startswith("restoration: PSNR 25.00 dB, SSIM 0.800")
    assert "observation: PSNR 12.00 dB, SSIM 0.500" in caption
    assert "D's logit l(G(z)) -1.23, ||z|| 9.9 (typical: 10)" in caption
    assert caption.endswith("p 1.5, D's term off, start 2 (the encoder's guess)")
    warm = RunPlan(lam=0.5, p=1.5, use_D=True, start="warm", init="random",
                   steps=5, fresh_starts=2, seed=2)  # fmt: skip
    assert finished_caption(warm, measured, measured).endswith("on, warm start")
    assert running_caption(warm).endswith("5 Adam steps from the last z (warm start)")
    random_start = RunPlan(lam=0.5, p=1.5, use_D=True, start="fresh", init="random",
                           steps=5, fresh_starts=1, seed=1)  # fmt: skip
    assert running_caption(random_start).endswith("from a random z")
