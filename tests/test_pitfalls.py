"""tutorial_lib.pitfalls: sweeps over lambda and p, the hardest face and its
projection on G."""

import pytest
import torch

import tutorial_lib as tl
from conftest import rand, randn
from tutorial_lib.pitfalls import Sweep, hardest_face, project_on_G, sweep
from tutorial_lib.showcase import run_task


@pytest.fixture
def faces():
    return rand(2, 3, 64, 64)


def test_project_on_G_goes_on_from_z_init_with_a_light_prior(dcgan):
    G, D = dcgan
    z0 = randn(1, G.config.nz, seed=1)
    with torch.no_grad():
        x = G(randn(1, G.config.nz, seed=2))
    r = project_on_G(x, G, D, z_init=z0, steps=5, restarts=1)
    assert r.settings.lam == 0.01
    start = r.history["prior_z"][0, 0].item()
    assert start == pytest.approx(0.5 * (z0**2).sum().item(), rel=1e-5)
    assert r.history["data"][-1, 0] < r.history["data"][0, 0]  # closer to x than at z0
    assert project_on_G(x, G, D, lam=0.5, steps=1, restarts=1).settings.lam == 0.5


def test_hardest_face_picks_the_lowest_psnr_and_projects_it(dcgan, faces):
    G, D = dcgan
    task_run = run_task("denoising", faces, G, D, steps=2, restarts=1)
    k, proj = hardest_face(task_run, G, D, steps=3, restarts=1)
    assert k == tl.psnr(task_run.result.x_hat, faces).argmin().item()
    start = proj.history["prior_z"][0, 0].item()  # it went on from that face's z_hat
    assert start == pytest.approx(
        0.5 * (task_run.result.z[k] ** 2).sum().item(), rel=1e-5
    )
    assert proj.x_hat.shape == (1, 3, 64, 64) and proj.settings.lam == 0.01


def test_sweep_changes_one_setting_and_keeps_the_rest(dcgan):
    G, D = dcgan
    op = tl.make_operator("denoising")
    y = op.corrupt(rand(1, 3, 64, 64))
    by_lam = sweep(y, op, G, D, "lam", (1e-3, 100.0), steps=3, restarts=1, seed=2)
    assert list(by_lam.results) == [1e-3, 100.0]
    for lam, r in by_lam.results.items():
        assert (r.settings.lam, r.settings.steps, r.settings.p) == (lam, 3, 1.0)
        direct = tl.restore(y, op, G, D, lam=lam, steps=3, restarts=1, seed=2)
        assert torch.equal(r.x_hat, direct.x_hat)  # the same seed, the same restoration
    by_p = sweep(y, op, G, D, "p", (1.0, 2.0), steps=1, restarts=1)
    assert [r.settings.p for r in by_p.results.values()] == [1.0, 2.0]
    lams = {r.settings.lam for r in by_p.results.values()}
    assert lams == {tl.TUNED_SETTINGS["denoising"].lam}  # the task's default, for both
    with pytest.raises(ValueError, match="setting must be 'lam' or 'p'"):
        sweep(y, op, G, D, "steps", (1, 2))


def _restoration(x, x_gan, history=None, blend=False):
    """A Restoration with known images, as restore() would return it."""
    z = torch.zeros(len(x), 100)
    return tl.Restoration(
        x_hat=x,
        x_gan=x_gan,
        z=z,
        objective=torch.zeros(len(x)),
        history=history or {},
        settings=tl.Settings(blend=blend),
    )


def test_sweep_panels_and_final_terms_known_values():
    x = torch.zeros(2, 3, 64, 64)
    history = {
        "data": torch.tensor([[9.0, 9.0], [1.0, 3.0]]),  # (steps, N)
        "prior_z": torch.tensor([[5.0, 5.0], [4.0, 0.0]]),
    }
    results = {
        1e-3: _restoration(x + 0.2, x + 0.1, history),
        100.0: _restoration(x + 0.4, x + 0.3, history),
    }
    by_lam = Sweep("lam", results)
    assert list(by_lam.images()) == ["lam=0.001", "lam=100"]
    assert torch.equal(by_lam.images()["lam=100"], x + 0.4)  # x_hat, blended
    assert torch.equal(by_lam.images(raw=True)["lam=100 (raw)"], x + 0.3)  # G(z_hat)
    assert by_lam.final()[1e-3] == {"data": 2.0, "prior_z": 2.0}  # last step, mean
    assert list(Sweep("p", {2.0: results[1e-3]}).images()) == ["p=2"]
