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
from .config import fast_or
from .data import to_png
from .metrics import psnr, ssim
from .operators import Operator, make_operator
from .plots import show_faces
from .solver import RANDOM_STARTS, TUNED_SETTINGS, restore

RERUN_NOTE = (
    "The explorer below lives in the running kernel: in a reopened notebook, run this "
    "cell again to bring it back."
)


STATIC_NOTE = (
    "On this rendered page the explorer cannot run: below are its restorations at "
    "three values of λ. Open the notebook in JupyterLab (or Binder) to move the sliders."
)


class _Stopped(Exception):
    """Raised from the preview of a run that Stop or a newer slider move replaced."""


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
    ``warm_start``: start each re-run from the previous z. The first run happens before the constructor returns; later ones in the
    background:

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
        self.fresh_starts = (
            0  # fresh starts asked so far (New start, a new start choice)
        )
        self._lock = threading.Lock()  # guards the fields below
        self._wanted = False  # a request not yet started
        self._fresh_pending = False  # New start pressed, no fresh run finished since
        self._fresh_origin = "random"  # where that fresh run starts
        self._busy = False  # a worker thread is serving requests
        self._stop = threading.Event()  # set: the run in progress ends after its step
        self._idle = threading.Event()
        self._idle.set()
        defaults = TUNED_SETTINGS[task]
        self.blend = defaults.blend  # previews blend as the result will

        self._make_controls(task, defaults, start)
        self._observed = self.op.naive_inverse(self.y)
        self.naive_scores = self._scores(self._observed)
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

    # --- requests, served one at a time by a background thread ---------------------

    def request(self, fresh: bool = False, origin: str = "random") -> None:
        """Run with the sliders' current values as soon as possible.

        A run in progress stops after its current step; requests made meanwhile are
        coalesced into one. ``fresh`` (New start): the next run that finishes starts
        afresh, whatever stops it before, from ``origin``: a new random z (seed +
        number of New starts) or the encoder's guess (a new choice of start).
        """
        with self._lock:
            if fresh:
                self.fresh_starts += 1
                self._fresh_pending = True
                self._fresh_origin = origin
            self._wanted = True
            self._stop.set()
            if self._busy:
                return  # the worker takes the request when the current run stops
            self._busy = True
            self._idle.clear()
        threading.Thread(target=self._serve, daemon=True).start()

    def stop(self) -> None:
        """End the run in progress after its current step, and drop a request not yet
        started; keep the last result."""
        with self._lock:
            self._wanted = False
            if self._busy:
                self._stop.set()

    def wait(self, timeout: float | None = None) -> None:
        """Block until every request has run (or ``timeout`` seconds have passed)."""
        self._idle.wait(timeout)

    def _serve(self) -> None:
        while True:
            with self._lock:
                wanted, self._wanted = self._wanted, False
                if not wanted:
                    self._busy = False
                    self._stop.clear()  # a Stop pressed at the end stops nothing later
                    self._idle.set()
                    return
                self._stop.clear()
            try:
                self._run()
            except _Stopped:
                pass
            except Exception as error:  # a thread has no cell to raise into: show it
                self.error = error
                self.caption.value = f"<b>error</b>: {type(error).__name__}: {error}"

    # --- one run --------------------------------------------------------------------

    def _preview(self, step: int, x: torch.Tensor) -> None:
        if self._stop.is_set():  # checked after every step: a stale run ends at once
            raise _Stopped
        if step == 0:  # the start: for a warm start, the picture already shown
            return
        last = step == self.progress.max
        if step != 1 and step % self.preview_every and not last:
            return  # a picture after step 1, then every preview_every steps and the last
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

    def _run(self, steps: int | None = None):
        lam, p, use_D = (
            self.lam_slider.value,
            self.p_slider.value,
            self.d_checkbox.value,
        )
        with self._lock:  # one consistent snapshot of the pending fresh start
            fresh_starts, fresh = self.fresh_starts, self._fresh_pending
            fresh_origin = self._fresh_origin
        warm = self.warm_start and self.result is not None and not fresh
        start = "warm" if warm else ("fresh" if fresh else "first")
        # a warm start from the last z; else the chooser's origin, with its budget
        first = self.start_chooser.value
        init = "random" if warm else (fresh_origin if fresh else first)
        if steps is None:
            by_origin = {"encoder": self.first_steps, "random": self.random_steps}
            steps = self.steps if warm else by_origin[init]
        origin = "the last z (warm start)" if warm else "a random z"
        origin = "the encoder's guess" if init == "encoder" else origin
        record = {"lam": lam, "p": p, "steps": steps, "start": start, "stopped": False}
        record |= {"use_D": use_D, "init": init}
        self.runs.append(record)
        self.progress.max, self.progress.value = steps, 0
        self.caption.value = (
            f"<i>running</i>: lambda {lam:.3g}, p {p:g}, D's term "
            f"{'on' if use_D else 'off'}, {steps} Adam steps from " + origin
        )
        try:
            self.result = restore(
                self.y,
                self.op,
                self.G,
                self.D,
                lam=lam,
                p=p,
                steps=steps,
                restarts=self.restarts,
                seed=self.seed + fresh_starts,
                init=init,
                use_D=use_D,
                z_init=self.result.z if warm else None,
                callback=self._preview,
                callback_every=1,  # _preview picks the steps it draws
            )
        except _Stopped:
            record["stopped"] = True
            self.caption.value = (
                f"<i>stopped</i> at step {self.progress.value} of {steps} "
                f"(lambda {lam:.3g}, p {p:g}): the picture is its last preview"
            )
            raise
        with self._lock:
            if self.fresh_starts == fresh_starts:  # no newer New start meanwhile
                self._fresh_pending = False
        self.error = None
        x = self.result.x_hat
        self.scores = self._scores(x)
        record.update(self.scores)
        self.image.value = to_png([self.face, self._observed, x])
        naive = self.naive_scores
        with torch.no_grad():  # what D thinks of G(z_hat), and how typical z_hat is
            logit = self.D(self.result.x_gan).float().item()
        norm = self.result.z.norm().item()
        record |= {"logit": logit, "z_norm": norm}
        self.caption.value = (
            f"restoration: PSNR {self.scores['psnr']:.2f} dB, SSIM {self.scores['ssim']:.3f}"
            f" &nbsp;|&nbsp; observation: PSNR {naive['psnr']:.2f} dB, "
            f"SSIM {naive['ssim']:.3f}<br>D's logit l(G(z)) {logit:+.2f}, ||z|| "
            f"{norm:.1f} (typical: 10) &nbsp;|&nbsp; lambda {lam:.3g}, p {p:g}, D's term "
            f"{'on' if use_D else 'off'}, "
            + ("warm start" if warm else f"start {fresh_starts} ({origin})")
        )
        return self.result

    def _scores(self, x: torch.Tensor) -> dict[str, float]:
        return {"psnr": psnr(x, self.face).item(), "ssim": ssim(x, self.face).item()}

    def strip(self, lams=None):
        """The explorer as a strip of frames, for a page where no slider can move.

        Columns: truth, observation, then the restoration at each of ``lams`` (default:
        the slider's two ends and the task's tuned λ), each from the first run's start
        (the chooser's origin, its steps, the same seed) with p and D's term as set,
        PSNR / SSIM under each. Returns the matplotlib figure.
        """
        ends = (10.0**self.lam_slider.min, 10.0**self.lam_slider.max)
        lams = lams or (ends[0], TUNED_SETTINGS[self.op.name].lam, ends[1])
        init = self.start_chooser.value
        steps = {"encoder": self.first_steps, "random": self.random_steps}[init]
        columns = {"truth": self.face, "observation": self._observed}
        for lam in lams:
            r = restore(
                self.y, self.op, self.G, self.D, lam=lam, p=self.p_slider.value,
                steps=steps, restarts=self.restarts, seed=self.seed, init=init,
                use_D=self.d_checkbox.value,
            )  # fmt: skip
            columns[f"λ = {lam:.3g}"] = r.x_hat
        scores = {  # the truth against itself scores infinity: no caption there
            k: (psnr(v, self.face), ssim(v, self.face))
            for k, v in columns.items()
            if k != "truth"
        }
        title = (
            f"{self.op.name}: the explorer's restoration at {len(lams)} values of λ "
            f"(p {self.p_slider.value:g}, {steps} steps from "
            + {"encoder": "the encoder's guess)", "random": "a random z)"}[init]
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
