"""The explorer's restoring on its own: which run comes next, and that it is restore()."""

import types

import pytest
import torch

import tutorial_lib as tl
from tutorial_lib.explorer_runs import (
    RunPlan,
    logit_and_norm,
    plan_run,
    restore_run,
    score,
)

BUDGETS = {"warm": 30, "encoder": 100, "random": 300}


@pytest.mark.parametrize(
    "chooser, can_warm, fresh_origin, fresh_starts, expected",
    [
        ("encoder", False, None, 0, ("first", "encoder", 100, 5)),  # the first run
        ("random", False, None, 0, ("first", "random", 300, 5)),
        ("encoder", True, None, 2, ("warm", "random", 30, 7)),  # a slider moved
        ("encoder", True, "random", 2, ("fresh", "random", 300, 7)),  # New start
        ("random", True, "encoder", 3, ("fresh", "encoder", 100, 8)),  # chose encoder
        ("random", False, None, 3, ("first", "random", 300, 8)),  # warm starts off
    ],
)
def test_plan_run_picks_the_start_its_budget_and_seed(
    chooser, can_warm, fresh_origin, fresh_starts, expected
):
    plan = plan_run(
        1.0, 1.5, False, chooser, budgets=BUDGETS, seed=5, can_warm=can_warm,
        fresh_origin=fresh_origin, fresh_starts=fresh_starts,
    )  # fmt: skip
    assert (plan.start, plan.init, plan.steps, plan.seed) == expected
    assert (plan.lam, plan.p, plan.use_D, plan.fresh_starts) == (
        1.0,
        1.5,
        False,
        fresh_starts,
    )
    assert plan.warm == (expected[0] == "warm")


def test_plan_run_takes_steps_over_the_budget():
    plan = plan_run(1.0, 1.0, True, "random", budgets=BUDGETS, seed=0, can_warm=True,
                    steps=7)  # fmt: skip
    assert (plan.start, plan.steps) == ("warm", 7)


@pytest.fixture
def problem(dcgan):
    G, D = dcgan
    op = tl.make_operator("super_resolution")
    x = G(torch.randn(1, 100, generator=torch.Generator().manual_seed(0))).clamp(0, 1)
    return op.corrupt(x, seed=0), op, G, D


def test_restore_run_is_restore_with_the_plans_settings(problem):
    y, op, G, D = problem
    last_z = torch.randn(1, 100, generator=torch.Generator().manual_seed(1))
    steps_seen = []
    warm = RunPlan(lam=0.5, p=1.5, use_D=False, start="warm", init="random", steps=3,
                   fresh_starts=1, seed=4)  # fmt: skip
    r = restore_run(warm, y, op, G, D, restarts=1, last_z=last_z,
                    callback=lambda step, x: steps_seen.append(step))  # fmt: skip
    expected = tl.restore(y, op, G, D, lam=0.5, p=1.5, steps=3, restarts=1, seed=4,
                          init="random", use_D=False, z_init=last_z)  # fmt: skip
    assert r.settings == expected.settings
    assert torch.equal(r.x_hat, expected.x_hat)
    assert steps_seen == [0, 1, 2, 3]  # every step: a stale run ends after one step


def test_restore_run_starts_a_plan_that_is_not_warm_from_its_origin(problem):
    y, op, G, D = problem
    last_z = torch.randn(1, 100, generator=torch.Generator().manual_seed(1))
    fresh = RunPlan(lam=0.5, p=1.0, use_D=True, start="fresh", init="encoder",
                    steps=2, fresh_starts=1, seed=1)  # fmt: skip
    r = restore_run(fresh, y, op, G, D, restarts=1, last_z=last_z)
    expected = tl.restore(y, op, G, D, lam=0.5, p=1.0, steps=2, restarts=1, seed=1,
                          init="encoder")  # fmt: skip
    assert torch.equal(r.z, expected.z)  # the encoder's guess, not last_z


def test_score_and_logit_and_norm_on_known_answers():
    face = torch.full((1, 3, 64, 64), 0.5)
    assert score(face + 0.1, face)["psnr"] == pytest.approx(20.0)  # 10 log10(1 / 0.01)
    assert score(face, face)["ssim"] == pytest.approx(1.0)
    result = types.SimpleNamespace(x_gan=face, z=torch.tensor([[3.0, 4.0]]))

    def D(x):  # a discriminator with one opinion
        return torch.full((len(x), 1), -1.25)

    assert logit_and_norm(result, D) == {"logit": -1.25, "z_norm": 5.0}
