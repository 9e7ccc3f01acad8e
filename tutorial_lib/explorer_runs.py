"""What one run of the explorer computes, from its settings alone: the explorer's
restoring, without widgets or threads.

The explorer (tutorial_lib.widgets) re-runs ``restore`` each time a control moves. Which
run it is depends on the controls and on a little history: the first run starts where
the start chooser says (the encoder's guess with the task's steps, or a random z with
the random starts' 300); later ones from the previous z (a warm start, a few steps); New
start, or a new choice of start, asks for a fresh start from that origin, with seed
+ k for the k-th fresh start, so that the same clicks give the same faces. That
decision is ``plan_run``, a pure function whose answer, a ``RunPlan``, says everything
the run needs; ``restore_run`` hands a plan to ``restore``; ``score`` and
``logit_and_norm`` measure what came out. The explorer's static strip plans and
restores through the same two functions.

Introduced with the explorer in notebook 05 (inpainting).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .metrics import psnr, ssim
from .operators import Operator
from .solver import Restoration, restore


@dataclass(frozen=True)
class RunPlan:
    """One run of the explorer, decided before it starts: the sliders' values and where
    Adam starts.

    ``start``: "first" (from the chooser's origin), "warm" (from the last z) or "fresh"
    (New start, or a new choice of start: from that origin); ``init``: restore's init,
    "encoder" or "random" (a warm start's z_init overrides it); ``steps``: Adam steps;
    ``fresh_starts``: k, the fresh starts asked before this run; ``seed``: restore's
    seed, the explorer's seed + k, so that fresh start k draws the same z every time.
    """

    lam: float
    p: float
    use_D: bool
    start: str
    init: str
    steps: int
    fresh_starts: int
    seed: int

    @property
    def warm(self) -> bool:
        return self.start == "warm"


def plan_run(
    lam: float,
    p: float,
    use_D: bool,
    chooser: str,
    *,
    budgets: dict[str, int],
    seed: int,
    can_warm: bool,
    fresh_origin: str | None = None,
    fresh_starts: int = 0,
    steps: int | None = None,
) -> RunPlan:
    """Where the next run starts, and for how many steps.

    From the last z (a warm start, ``budgets["warm"]`` steps) when ``can_warm`` (warm
    starts on and a last z) and no fresh start is pending; otherwise from an origin,
    "encoder" or "random", with that origin's budget: ``fresh_origin`` while a fresh
    start is pending (New start: "random"; a new choice of start: the choice), else the
    ``chooser``'s. ``steps``, when given, replaces the budget.

    >>> budgets = {"warm": 30, "encoder": 100, "random": 300}
    >>> plan = plan_run(0.1, 1.0, True, "encoder", budgets=budgets, seed=0,
    ...                 can_warm=True)
    >>> plan.start, plan.init, plan.steps, plan.seed
    ('warm', 'random', 30, 0)
    >>> plan = plan_run(0.1, 1.0, True, "encoder", budgets=budgets, seed=0,
    ...                 can_warm=True, fresh_origin="random", fresh_starts=2)
    >>> plan.start, plan.init, plan.steps, plan.seed
    ('fresh', 'random', 300, 2)
    """
    warm = can_warm and fresh_origin is None
    init = "random" if warm else (fresh_origin or chooser)
    start = "warm" if warm else ("first" if fresh_origin is None else "fresh")
    steps = steps if steps is not None else budgets["warm" if warm else init]
    return RunPlan(lam, p, use_D, start, init, steps, fresh_starts, seed + fresh_starts)


def restore_run(
    plan: RunPlan, y, op: Operator, G, D, restarts: int, last_z=None, callback=None
) -> Restoration:
    """``restore`` with a plan's settings: the one call behind live runs and the strip.

    ``last_z``: the previous run's z, the start of a warm plan (ignored otherwise);
    ``callback(step, x)``: after every step, for previews (and to stop a stale run).
    """
    return restore(
        y, op, G, D, lam=plan.lam, p=plan.p, steps=plan.steps, restarts=restarts,
        seed=plan.seed, init=plan.init, use_D=plan.use_D,
        z_init=last_z if plan.warm else None, callback=callback, callback_every=1,
    )  # fmt: skip


def score(x: torch.Tensor, face: torch.Tensor) -> dict[str, float]:
    """PSNR and SSIM of one image against the truth (tutorial_lib.metrics)."""
    return {"psnr": psnr(x, face).item(), "ssim": ssim(x, face).item()}


def logit_and_norm(result: Restoration, D) -> dict[str, float]:
    """What D thinks of G(z_hat) (its logit l), and how typical z_hat is (||z||; about
    10 for a z drawn from N(0, I) in 100 dimensions)."""
    with torch.no_grad():
        logit = D(result.x_gan).float().item()
    return {"logit": logit, "z_norm": result.z.norm().item()}
