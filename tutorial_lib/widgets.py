"""Explorers for the notebooks: move lambda and p, watch the restoration re-run.

A ``RestorationExplorer`` shows one face as  truth | observation | restoration,  with a
lambda slider (log scale), a p slider, a checkbox for D's term, a start chooser, Stop
and New start buttons, a progress bar, and PSNR / SSIM, D's logit l(G(z)) and ||z||
under the images. Moving a control calls ``restore`` (the same function the tests
cover) with the new value; the preview is redrawn while Adam runs. The first run starts
where the chooser says: the encoder's guess (the tasks' defaults, tutorial_lib.encoder)
with the task's steps, or a random z with the random-start budget (300 steps, as the
paper searches); each later one from the previous z (a warm start), so a face settles
in a few seconds on a CPU. A warm start makes the result depend on the sliders'
history: New start forgets it and draws a fresh random z (with the random-start
budget), and a new choice of start starts again from the chosen origin.

Runs after the first go on in a background thread, so that the notebook keeps taking
slider moves while Adam runs: a move made during a run stops it after its current step
and starts the latest setting (moves made meanwhile are coalesced: only the last one
runs).

The explorer composes three parts, each readable alone:

- restoring (tutorial_lib.explorer_runs), pure functions of the settings:
  ``plan_run`` decides where a run starts and for how many steps (a ``RunPlan``),
  ``restore_run`` calls ``restore`` with it, ``score`` and ``logit_and_norm``
  measure the result;
- threading: a ``LatestRunner`` (tutorial_lib.background) runs the latest request in
  the background and stops a stale run;
- drawing: the controls, the pictures (``preview_due`` picks the steps drawn), the
  captions (``running_caption`` and its siblings), and ``strip`` for a static page.

The explorer is a plain object whose controls can be set from code, which is how the
tests drive it without a browser:

    ex = RestorationExplorer(face, "inpainting", G, D)
    ex.lam_slider.value = 1.0        # re-runs restore(..., lam=1.0, ...) in the background
    ex.wait()                        # until the latest setting has run
    ex.result.settings.lam, ex.scores

Introduced in notebook 05 (inpainting) and used in every task notebook.
"""

from __future__ import annotations

import threading

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch

from . import config
from .background import LatestRunner, Stopped
from .config import fast_or
from .data import to_png
from .explorer_runs import RunPlan, logit_and_norm, plan_run, restore_run, score
from .metrics import psnr, ssim
from .operators import Operator, make_operator
from .plots import show_faces
from .solver import RANDOM_STARTS, TUNED_SETTINGS, Restoration

RERUN_NOTE = (
    "The explorer below lives in the running kernel: in a reopened notebook, run this "
    "cell again to bring it back."
)


STATIC_NOTE = (
    "On this rendered page the explorer cannot run: below are its restorations at "
    "three values of λ. Open the notebook in JupyterLab (or Binder) to move the sliders."
)


# --- drawing: which previews, and the words under the picture -----------------------


def preview_due(step: int, every: int, last: int) -> bool:
    """Whether the picture is redrawn after ``step`` of ``last``: after step 1 (a move
    shows at once), every ``every`` steps, and the last; never at step 0 (a warm start's
    step 0 is the picture already shown)."""
    return step != 0 and (step == 1 or step % every == 0 or step == last)


def _origin_words(plan: RunPlan) -> str:
    if plan.warm:
        return "the last z (warm start)"
    return "the encoder's guess" if plan.init == "encoder" else "a random z"


def _d_words(plan: RunPlan) -> str:
    return f"D's term {'on' if plan.use_D else 'off'}"


def running_caption(plan: RunPlan) -> str:
    """Under the picture while a run goes: its settings, no scores yet (the last run's
    PSNR must not sit beside the new lambda)."""
    return (
        f"<i>running</i>: lambda {plan.lam:.3g}, p {plan.p:g}, {_d_words(plan)}, "
        f"{plan.steps} Adam steps from {_origin_words(plan)}"
    )


def stopped_caption(plan: RunPlan, step: int) -> str:
    """After Stop: ``step`` is that of the last preview, the picture left on show."""
    return (
        f"<i>stopped</i> at step {step} of {plan.steps} "
        f"(lambda {plan.lam:.3g}, p {plan.p:g}): the picture is its last preview"
    )


def finished_caption(plan: RunPlan, measured: dict, naive: dict) -> str:
    """After a run: ``measured``, its ``score`` and ``logit_and_norm``; ``naive``, the
    observation's scores; then the settings and the start."""
    start = f"start {plan.fresh_starts} ({_origin_words(plan)})"
    start = "warm start" if plan.warm else start
    return (
        f"restoration: PSNR {measured['psnr']:.2f} dB, SSIM {measured['ssim']:.3f}"
        f" &nbsp;|&nbsp; observation: PSNR {naive['psnr']:.2f} dB, "
        f"SSIM {naive['ssim']:.3f}<br>D's logit l(G(z)) {measured['logit']:+.2f}, "
        f"||z|| {measured['z_norm']:.1f} (typical: 10) &nbsp;|&nbsp; lambda "
        f"{plan.lam:.3g}, p {plan.p:g}, {_d_words(plan)}, {start}"
    )


def error_caption(error: Exception) -> str:
    return f"<b>error</b>: {type(error).__name__}: {error}"


# --- the explorer: controls wired to a runner that runs the plans -------------------


class RestorationExplorer:
    """Sliders for lambda and p over the restoration of one face (module docstring).

    ``face``: (1, 3, 64, 64) clean face in [0, 1]; ``task``: an operator name, or an
    operator (``make_operator("inpainting", top_left=(8, 8))``) for other options.
    ``steps``: Adam steps of each re-run (default 30, enough from a warm start; 10 in
    fast mode);
    ``first_steps``: of runs from the encoder's guess (the first, and after choosing
    "encoder"; default: the task's tuned number; 20 in fast mode); ``random_steps``: of
    runs from a random z (default 300, the random starts' budget; 20 in fast mode);
    ``start``: the chooser's first value, "encoder" or "random";
    ``preview_every``: redraw the preview every so many steps (and after the first
    step, so that a move shows at once); a newer request is looked for after every
    step. ``restarts``, ``seed``: as in restore (the seed also draws y's noise; fresh
    start number k, by New start or a change of start, uses seed + k);
    ``warm_start``: start each re-run from the previous z. The first run happens before
    the constructor returns; later ones in the background:

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(G, D)
    >>> ex = RestorationExplorer(tl.load_sample_faces(1), "denoising", G, D, steps=2,
    ...                          first_steps=2)
    >>> ex.lam_slider.value = 1.0  # from the tuned 0.1: a second run
    >>> ex.wait()
    >>> len(ex.runs), ex.result.settings.lam, ex.progress.value, ex.runs[-1]["start"]
    (2, 1.0, 2, 'warm')
    """

    def __init__(
        self,
        face,
        task: str | Operator,
        G,
        D,
        steps: int | None = None,
        restarts: int = 1,
        seed: int = 0,
        preview_every: int = 3,
        warm_start: bool = True,
        first_steps: int | None = None,
        random_steps: int | None = None,
        start: str = "encoder",
    ):
        if start not in ("encoder", "random"):
            raise ValueError(f'start must be "encoder" or "random", got {start!r}')
        if face.ndim != 4 or len(face) != 1:
            raise ValueError(
                f"face must be one image (1, 3, 64, 64), got {tuple(face.shape)}"
            )
        self.op = task if isinstance(task, Operator) else make_operator(task)
        task = self.op.name
        self.face, self.G, self.D = face, G, D
        self.y = self.op.corrupt(face, seed=seed)
        self.steps = steps if steps is not None else fast_or(30, 10)
        self.first_steps = first_steps or fast_or(TUNED_SETTINGS[task].steps, 20)
        self.random_steps = random_steps or fast_or(RANDOM_STARTS["steps"], 20)
        self.restarts, self.seed = restarts, seed
        self.preview_every, self.warm_start = preview_every, warm_start
        self.result = None
        self.error = None  # the exception that ended the last background run, if any
        # lam, p, steps, start ("first", "warm", "fresh"), stopped, psnr, ssim per run
        self.runs: list[dict] = []
        self.fresh_starts = 0  # fresh starts asked so far (New start, a start choice)
        # New start is pressed on the kernel's thread while a run reads these on the
        # worker's: one lock for the three, so that a run sees them in one state
        self._lock = threading.Lock()
        self._fresh_pending = False  # New start pressed, no fresh run finished since
        self._fresh_origin = "random"  # where that fresh run starts
        self._runner = LatestRunner(self._run, on_error=self._show_error)
        defaults = TUNED_SETTINGS[task]
        self.blend = defaults.blend  # previews blend as the result will

        self._make_controls(task, defaults, start)
        self._observed = self.op.naive_inverse(self.y)
        self.naive_scores = score(self._observed, self.face)
        self._run()

    def _make_controls(self, task: str, defaults, start: str) -> None:
        """The sliders, buttons, progress bar and image, wired to ``request`` and
        ``stop``, in one VBox: ``self.widget``."""
        self.lam_slider = widgets.FloatLogSlider(
            value=max(defaults.lam, 1e-3),
            base=10,
            min=-3,
            max=2,
            step=0.25,
            description="lambda",
            continuous_update=False,
            readout_format=".3g",
        )
        self.p_slider = widgets.FloatSlider(
            value=defaults.p,
            min=0.5,
            max=2.0,
            step=0.25,
            description="p",
            continuous_update=False,
        )
        self.d_checkbox = widgets.Checkbox(
            value=True, description="D's term", tooltip="-lam l(G(z)) in the objective"
        )
        self.start_chooser = widgets.ToggleButtons(
            options=["encoder", "random"],
            value=start,
            description="start",
            tooltips=["the encoder's guess", "a random z, 300 steps as the paper"],
        )
        self.stop_button = widgets.Button(description="Stop", tooltip="end this run")
        self.new_start_button = widgets.Button(
            description="New start", tooltip="forget z: restart from a fresh random z"
        )
        self.progress = widgets.IntProgress(min=0, max=self.steps, description="Adam")
        self.image = widgets.Image(format="png")
        self.caption = widgets.HTML()
        self.lam_slider.observe(lambda _: self.request(), names="value")
        self.p_slider.observe(lambda _: self.request(), names="value")
        self.d_checkbox.observe(lambda _: self.request(), names="value")
        self.start_chooser.observe(
            lambda change: self.request(fresh=True, origin=change["new"]), names="value"
        )
        self.stop_button.on_click(lambda _: self.stop())
        self.new_start_button.on_click(lambda _: self.request(fresh=True))
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"<b>{task}</b>: truth | observation | restoration"),
                self.image,
                self.caption,
                widgets.HBox([self.lam_slider, self.p_slider]),
                widgets.HBox([self.d_checkbox, self.start_chooser]),
                widgets.HBox([self.progress, self.stop_button, self.new_start_button]),
            ]
        )

    # --- requests, served one at a time by the runner's background thread -----------

    def request(self, fresh: bool = False, origin: str = "random") -> None:
        """Run with the sliders' current values as soon as possible.

        A run in progress stops after its current step; requests made meanwhile are
        coalesced into one. ``fresh`` (New start): the next run that finishes starts
        afresh, whatever stops it before, from ``origin``: a new random z (seed +
        number of New starts) or the encoder's guess (a new choice of start).
        """
        if fresh:  # before the request: the run it starts must see the fresh start
            with self._lock:
                self.fresh_starts += 1
                self._fresh_pending, self._fresh_origin = True, origin
        self._runner.request()

    def stop(self) -> None:
        """End the run in progress after its current step, and drop a request not yet
        started; keep the last result."""
        self._runner.stop()

    def wait(self, timeout: float | None = None) -> None:
        """Block until every request has run (or ``timeout`` seconds have passed)."""
        self._runner.wait(timeout)

    def _show_error(self, error: Exception) -> None:
        self.error = error  # a thread has no cell to raise into: show it
        self.caption.value = error_caption(error)

    # --- one run --------------------------------------------------------------------

    def _preview(self, step: int, x: torch.Tensor) -> None:
        self._runner.check()  # after every step: a stale run ends at once
        if not preview_due(step, self.preview_every, self.progress.max):
            return
        self.progress.value = step  # the step of the picture shown (Stop quotes it)
        shown = self.op.blend(x, self.y) if self.blend else x
        self.image.value = to_png([self.face, self._observed, shown])

    def run(self, steps: int | None = None):
        """Restore with the sliders' values, here and now, once the background is idle.

        Warm-started from the last z when ``warm_start`` and there is one, unless a
        fresh start is pending: then from its origin (a new random z, seed + number of
        fresh starts, or the encoder's guess).
        """
        self.wait()
        return self._run(steps)

    def _budgets(self) -> dict[str, int]:
        """Adam steps by where a run starts (read each time: a test may change them)."""
        return {
            "warm": self.steps,
            "encoder": self.first_steps,
            "random": self.random_steps,
        }

    def _plan(self, steps: int | None = None) -> RunPlan:
        """The next run's plan, from the controls and the pending fresh start."""
        with self._lock:  # one consistent snapshot of the pending fresh start
            fresh_starts, fresh = self.fresh_starts, self._fresh_pending
            fresh_origin = self._fresh_origin if fresh else None
        return plan_run(
            self.lam_slider.value, self.p_slider.value, self.d_checkbox.value,
            self.start_chooser.value, budgets=self._budgets(), seed=self.seed,
            can_warm=self.warm_start and self.result is not None,
            fresh_origin=fresh_origin, fresh_starts=fresh_starts, steps=steps,
        )  # fmt: skip

    def _first_run_plan(self, lam: float) -> RunPlan:
        """A first run's plan at ``lam``: the chooser's origin, its budget, the seed."""
        return plan_run(
            lam, self.p_slider.value, self.d_checkbox.value, self.start_chooser.value,
            budgets=self._budgets(), seed=self.seed, can_warm=False,
        )  # fmt: skip

    def _run(self, steps: int | None = None) -> Restoration:
        """Plan, restore with previews, then show the result (or that it stopped)."""
        plan = self._plan(steps)
        record = dict(lam=plan.lam, p=plan.p, steps=plan.steps, start=plan.start)
        record |= dict(stopped=False, use_D=plan.use_D, init=plan.init)
        self.runs.append(record)
        self.progress.max, self.progress.value = plan.steps, 0
        self.caption.value = running_caption(plan)
        last_z = self.result.z if self.result is not None else None
        try:
            self.result = restore_run(
                plan, self.y, self.op, self.G, self.D, self.restarts, last_z,
                callback=self._preview,  # _preview picks the steps it draws
            )  # fmt: skip
        except Stopped:
            record["stopped"] = True
            self.caption.value = stopped_caption(plan, self.progress.value)
            raise
        with self._lock:
            if self.fresh_starts == plan.fresh_starts:  # no newer New start meanwhile
                self._fresh_pending = False
        self.error = None
        x = self.result.x_hat
        self.scores = score(x, self.face)
        record.update(self.scores)
        self.image.value = to_png([self.face, self._observed, x])
        measured = self.scores | logit_and_norm(self.result, self.D)
        record |= {k: measured[k] for k in ("logit", "z_norm")}
        self.caption.value = finished_caption(plan, measured, self.naive_scores)
        return self.result

    # --- a page without a kernel ----------------------------------------------------

    def strip(self, lams=None):
        """The explorer as a strip of frames, for a page where no slider can move.

        Columns: truth, observation, then the restoration at each of ``lams`` (default:
        the slider's two ends and the task's tuned λ), each from the first run's start
        (the chooser's origin, its steps, the same seed) with p and D's term as set,
        PSNR / SSIM under each. Returns the matplotlib figure.
        """
        ends = (10.0**self.lam_slider.min, 10.0**self.lam_slider.max)
        lams = lams or (ends[0], TUNED_SETTINGS[self.op.name].lam, ends[1])
        plans = [self._first_run_plan(lam) for lam in lams]
        columns = {"truth": self.face, "observation": self._observed}
        for plan in plans:
            r = restore_run(plan, self.y, self.op, self.G, self.D, self.restarts)
            columns[f"λ = {plan.lam:.3g}"] = r.x_hat
        scores = {  # the truth against itself scores infinity: no caption there
            k: (psnr(v, self.face), ssim(v, self.face))
            for k, v in columns.items()
            if k != "truth"
        }
        title = (
            f"{self.op.name}: the explorer's restoration at {len(lams)} values of λ "
            f"(p {self.p_slider.value:g}, {plans[0].steps} steps from "
            + {"encoder": "the encoder's guess)", "random": "a random z)"}[
                plans[0].init
            ]
        )
        return show_faces(columns, title, scores=scores)

    def _ipython_display_(self):
        from IPython.display import HTML, display

        if config.STATIC:  # a rendered page: frames instead of sliders
            display(HTML(f"<small>{STATIC_NOTE}</small>"))
            figure = self.strip()
            display(figure)
            plt.close(figure)  # shown once: the inline backend would draw it again
            return
        # A saved notebook keeps the widget's place but not the widget: reopened, the
        # output reads "model not found" until the cell runs again. Say so above it.
        display(HTML(f"<small>{RERUN_NOTE}</small>"))
        display(self.widget)
