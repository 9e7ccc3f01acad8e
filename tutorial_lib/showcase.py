"""One task from end to end, as the task notebooks show it: corrupt, restore, score.

    task_run = run_task("inpainting", x, G, D)    # y, the naive inverse, restore(...)
    show_faces(task_run.columns(), "Inpainting", scores=task_run.scores())

``run_task`` corrupts clean faces x with a task's operator, computes the naive inverse
(the answer without a prior) and the GAN restoration with ``restore`` (the task's tuned
defaults unless overridden), and keeps them together, so that each notebook draws the
same figure with one call; ``show_against_truth`` draws images beside the truth with
their PSNR / SSIM under them (the scoring helpers live in tutorial_lib.metrics). What
goes wrong (lambda, p, a face G cannot draw) lives in ``tutorial_lib.pitfalls``.

Used by notebooks 05 (inpainting), 06 (colorization), 07 (super-resolution),
08 (denoising) and 09 (quantization).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .metrics import score_images
from .operators import Operator, make_operator
from .plots import show_faces
from .solver import Restoration, restore

# What the naive inverse is for each task, as a panel title.
NAIVE_NAMES = {
    "inpainting": "holed y",
    "colorization": "gray y as RGB",
    "super_resolution": "bicubic",
    "denoising": "noisy y",
    "quantization": "quantized y",
}


@dataclass
class TaskRun:
    """One task run on a batch: the truth, the observation, the naive inverse and the
    restoration, kept together for the figures.

    Made by ``run_task``; ``columns()`` gives show_faces' panels, ``scores()`` their
    (PSNR, SSIM). Super-resolution shows its 16x16 y, which is left unscored:

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(G, D)
    >>> run = run_task("super_resolution", tl.load_sample_faces(2), G, D, steps=2)
    >>> {name: tuple(v.shape[-2:]) for name, v in run.columns().items()}
    {'truth x*': (64, 64), 'observation y': (16, 16), 'naive: bicubic': (64, 64),
     'GAN x_hat': (64, 64)}
    >>> list(run.scores())
    ['naive: bicubic', 'GAN x_hat']
    """

    op: Operator
    x: torch.Tensor  # (N, 3, 64, 64) clean faces
    y: torch.Tensor  # (N, C, h, w) their observations, op.corrupt(x)
    naive: torch.Tensor  # (N, 3, 64, 64) op.naive_inverse(y)
    result: Restoration  # restore(y, op, G, D, ...)

    def columns(self) -> dict[str, torch.Tensor]:
        """Panels for show_faces: truth | [y] | naive | [raw G(z_hat)] | x_hat.

        y gets its own panel only when it is smaller than x (super-resolution): for the
        other tasks the naive inverse shows y as it is. The raw G(z_hat) is shown when
        the restoration is blended with y.
        """
        columns = {"truth x*": self.x}
        if self.y.shape[-2:] != self.x.shape[-2:]:
            columns["observation y"] = self.y
        columns[f"naive: {NAIVE_NAMES.get(self.op.name, 'y')}"] = self.naive
        if self.result.settings.blend:
            columns["raw G(z_hat)"] = self.result.x_gan
        columns["GAN x_hat"] = self.result.x_hat
        return columns

    def scores(self) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
        """(PSNR, SSIM) against the truth of every panel the size of x but the truth."""
        return score_images(self.columns(), self.x)


def run_task(task: str, x: torch.Tensor, G, D, seed: int = 0, **settings) -> TaskRun:
    """Corrupt x with the task's operator (noise from ``seed``) and restore it.

    ``settings`` go to ``restore`` (lam, p, steps, restarts, lr, blend); those left out
    take the task's tuned defaults, ``TUNED_SETTINGS[task]``. ``x``: clean faces
    (N, 3, 64, 64) in [0, 1]; ``G``, ``D``: the frozen networks; ``seed`` also seeds
    the solver's random starts. Inpainting blends, so G(z_hat) gets its own panel:

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(G, D)
    >>> run = run_task("inpainting", tl.load_sample_faces(2), G, D, steps=2, restarts=1)
    >>> list(run.columns())
    ['truth x*', 'naive: holed y', 'raw G(z_hat)', 'GAN x_hat']
    >>> run.result.settings.lam == tl.TUNED_SETTINGS["inpainting"].lam  # steps overridden
    True
    """
    op = make_operator(task)
    y = op.corrupt(x, seed=seed)
    result = restore(y, op, G, D, seed=seed, **settings)
    return TaskRun(op=op, x=x, y=y, naive=op.naive_inverse(y), result=result)


def show_against_truth(images: dict[str, torch.Tensor], title: str):
    """show_faces with PSNR / SSIM against the truth under every other panel.

    ``images`` must hold the truth as "truth x*"; panels of another shape (a 16x16 y)
    are shown unscored. Written out in notebook 05 (``show_faces(..., scores=...)``)
    and used in 06-09 for the "what goes wrong" figures. Returns the figure.

    >>> import matplotlib.pyplot as plt
    >>> x = torch.full((1, 3, 64, 64), 0.5)
    >>> images = {"truth x*": x, "darker": x - 0.1, "gray": x[:, :1]}
    >>> fig = show_against_truth(images, "Flat faces")
    >>> [ax.get_xlabel() for ax in fig.axes]  # MSE = 0.01: 20 dB
    ['', '20.0 dB / 0.976', '']
    >>> plt.close("all")
    """
    return show_faces(images, title, scores=score_images(images, images["truth x*"]))
