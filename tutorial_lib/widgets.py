"""Explorers for the notebooks: move lambda and p, watch the restoration re-run.

A ``RestorationExplorer`` shows one face as  truth | observation | restoration,  with a
lambda slider (log scale), a p slider, a progress bar, and PSNR / SSIM under the
images. Moving a slider calls ``restore`` (the same function the tests cover) with the
new value; the preview is redrawn while Adam runs, and each run after the first starts
from the previous z (a warm start), so a face settles in a few seconds on a CPU.

The explorer is a plain object whose controls can be set from code, which is how the
tests drive it without a browser:

    ex = RestorationExplorer(face, "inpainting", G, D)
    ex.lam_slider.value = 1.0        # re-runs restore(..., lam=1.0, ...)
    ex.result.settings.lam, ex.scores

Introduced in notebook 05 (inpainting) and used in every task notebook.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import torch
from PIL import Image

from .config import fast_or
from .metrics import psnr, ssim
from .operators import make_operator
from .solver import TUNED_SETTINGS, restore


def to_png(images: list[torch.Tensor], scale: int = 3) -> bytes:
    """Images (1, C, H, W) in [0, 1] side by side, enlarged, as PNG bytes.

    Gray images (C = 1) are shown in gray; ``scale``: the enlargement (nearest
    neighbour, so pixels stay sharp).

    >>> png = to_png([torch.zeros(1, 3, 64, 64), torch.ones(1, 1, 64, 64)], scale=2)
    >>> picture = Image.open(io.BytesIO(png))
    >>> picture.size, picture.getpixel((0, 0)), picture.getpixel((255, 127))
    ((256, 128), (0, 0, 0), (255, 255, 255))
    """
    row = torch.cat([im[0].expand(3, -1, -1) for im in images], dim=2)  # (3, H, k W)
    array = (row.clamp(0, 1) * 255).round().byte().permute(1, 2, 0).cpu().numpy()
    picture = Image.fromarray(array)
    picture = picture.resize(
        (picture.width * scale, picture.height * scale), Image.Resampling.NEAREST
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


class RestorationExplorer:
    """Sliders for lambda and p over the restoration of one face (module docstring).

    ``face``: (1, 3, 64, 64) clean face in [0, 1]; ``task``: an operator name.
    ``steps``: Adam steps of each re-run (default 150; 10 in fast mode);
    ``first_steps``: of the first run (default: the task's tuned number, since that run
    starts from random z; 20 in fast mode);
    ``preview_every``: redraw the preview every so many steps.
    ``restarts``, ``seed``: as in restore (the seed also draws y's noise);
    ``warm_start``: start each re-run from the previous z. Controls set from code
    re-run restore as a slider in the notebook does:

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(G, D)
    >>> ex = RestorationExplorer(tl.load_sample_faces(1), "denoising", G, D, steps=2,
    ...                          first_steps=2)
    >>> ex.lam_slider.value = 1.0  # from the tuned 0.1: a second run
    >>> len(ex.runs), ex.result.settings.lam, ex.progress.value
    (2, 1.0, 2)
    """

    def __init__(
        self,
        face,
        task: str,
        G,
        D,
        steps: int | None = None,
        restarts: int = 1,
        seed: int = 0,
        preview_every: int = 10,
        warm_start: bool = True,
        first_steps: int | None = None,
    ):
        if face.ndim != 4 or len(face) != 1:
            raise ValueError(
                f"face must be one image (1, 3, 64, 64), got {tuple(face.shape)}"
            )
        self.op = make_operator(task)
        self.face, self.G, self.D = face, G, D
        self.y = self.op.corrupt(face, seed=seed)
        self.steps = steps if steps is not None else fast_or(150, 10)
        self.restarts, self.seed = restarts, seed
        self.preview_every, self.warm_start = preview_every, warm_start
        self.result = None
        self.runs: list[dict] = []  # (lam, p, steps, psnr, ssim) of every run, in order
        defaults = TUNED_SETTINGS[task]

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
        self.progress = widgets.IntProgress(min=0, max=self.steps, description="Adam")
        self.image = widgets.Image(format="png")
        self.caption = widgets.HTML()
        self.lam_slider.observe(self._on_change, names="value")
        self.p_slider.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"<b>{task}</b>: truth | observation | restoration"),
                self.image,
                self.caption,
                widgets.HBox([self.lam_slider, self.p_slider]),
                self.progress,
            ]
        )
        self._observed = self.op.naive_inverse(self.y)
        self.run(steps=first_steps or fast_or(defaults.steps, 20))

    def _preview(self, step: int, x: torch.Tensor) -> None:
        self.progress.value = min(step, self.progress.max)
        self.image.value = to_png([self.face, self._observed, x])

    def _on_change(self, change) -> None:
        self.run()

    def run(self, steps: int | None = None):
        """Restore with the sliders' values; warm-started from the last z if asked."""
        steps = steps or self.steps
        self.progress.max = steps
        z_init = (
            self.result.z if (self.warm_start and self.result is not None) else None
        )
        self.result = restore(
            self.y,
            self.op,
            self.G,
            self.D,
            lam=self.lam_slider.value,
            p=self.p_slider.value,
            steps=steps,
            restarts=self.restarts,
            seed=self.seed,
            z_init=z_init,
            callback=self._preview,
            callback_every=self.preview_every,
        )
        x = self.result.x_hat
        self.scores = {
            "psnr": psnr(x, self.face).item(),
            "ssim": ssim(x, self.face).item(),
        }
        naive = {
            "psnr": psnr(self._observed, self.face).item(),
            "ssim": ssim(self._observed, self.face).item(),
        }
        self.image.value = to_png([self.face, self._observed, x])
        self.caption.value = (
            f"restoration: PSNR {self.scores['psnr']:.2f} dB, SSIM {self.scores['ssim']:.3f}"
            f" &nbsp;|&nbsp; observation: PSNR {naive['psnr']:.2f} dB, "
            f"SSIM {naive['ssim']:.3f} &nbsp;|&nbsp; lambda {self.lam_slider.value:.3g}, "
            f"p {self.p_slider.value:g}"
        )
        self.runs.append(
            {
                "lam": self.lam_slider.value,
                "p": self.p_slider.value,
                "steps": steps,
                **self.scores,
            }
        )
        return self.result

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
