"""What goes wrong in a restoration: lambda, p, and a face that G cannot draw.

    by_lam = sweep(y[:1], op, G, D, "lam", (1e-3, 100.0), restarts=1)
    by_lam.images(), by_lam.final()      # panels "lam=0.001", ...; final terms
    k, proj = hardest_face(task_run, G, D)  # the worst face of a run_task, projected on G

``sweep`` restores one observation once per value of one setting (lam or p), the
rest alike, so that a notebook can show what too small and too large do, and check
the trade-off on the objective's final terms. ``project_on_G`` finds the face closest
to x that G can draw, with the same solver, and ``hardest_face`` applies it to the
face of a batch that was restored worst: how much closer the projection gets tells a
bad search from a face that G cannot draw.

Notebook 05 (inpainting) writes the sweep out by hand and shows the hardest face;
notebooks 06-09 call ``sweep``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .metrics import psnr
from .operators import Operator, make_operator
from .showcase import TaskRun
from .solver import Restoration, restore


@dataclass
class Sweep:
    """Restorations of the same y, one per value of one setting (lam or p).

    Made by ``sweep``; ``images()`` gives show_faces' panels, ``final()`` the
    objective's terms after the last step:

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(G, D)
    >>> op = tl.make_operator("denoising")
    >>> y = op.corrupt(tl.load_sample_faces(1))
    >>> s = sweep(y, op, G, D, "p", (1.0, 2.0), steps=2)
    >>> list(s.images(raw=True)), sorted(s.final()[2.0])
    (['p=1 (raw)', 'p=2 (raw)'], ['data', 'prior_D', 'prior_z', 'total'])
    """

    setting: str  # the name of the setting that changes: "lam" or "p"
    results: dict[float, Restoration]  # value -> restore(y, ..., setting=value)

    def images(self, raw: bool = False) -> dict[str, torch.Tensor]:
        """Panels for show_faces: "lam=0.001" -> x_hat, one per value.

        With ``raw``, "lam=0.001 (raw)" -> G(z_hat) before blending.
        """
        if raw:
            return {
                f"{self.setting}={value:g} (raw)": r.x_gan
                for value, r in self.results.items()
            }
        return {
            f"{self.setting}={value:g}": r.x_hat for value, r in self.results.items()
        }

    def final(self) -> dict[float, dict[str, float]]:
        """value -> {term: its value after the last Adam step}, averaged over the batch.

        The terms are those of ``Restoration.history``: data, prior_D, prior_z, total.
        """
        return {
            value: {term: h[-1].mean().item() for term, h in r.history.items()}
            for value, r in self.results.items()
        }


def sweep(
    y: torch.Tensor, op: Operator, G, D, setting: str, values, **settings
) -> Sweep:
    """Restore y once per value of ``setting`` ("lam" or "p"), with the same seed.

    ``settings`` go to ``restore`` for every run (steps, restarts, ...); those left out
    take the task's tuned defaults. Written out in notebook 05 (a dict comprehension
    over ``tl.restore``), called in 06-09.

    With lam = 0 the objective is the data term alone:

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(G, D)
    >>> op = tl.make_operator("denoising")
    >>> y = op.corrupt(tl.load_sample_faces(1))
    >>> by_lam = sweep(y, op, G, D, "lam", (0.0, 10.0), steps=2, restarts=1)
    >>> terms = by_lam.final()[0.0]
    >>> list(by_lam.images()), terms["total"] == terms["data"]
    (['lam=0', 'lam=10'], True)
    """
    if setting not in ("lam", "p"):
        raise ValueError(f"setting must be 'lam' or 'p', got {setting!r}")
    results = {
        value: restore(y, op, G, D, **{setting: value}, **settings) for value in values
    }
    return Sweep(setting=setting, results=results)


def project_on_G(x: torch.Tensor, G, D, **settings) -> Restoration:
    """The face G draws that is closest to x (L1), found by restore with A = identity.

    With the clean face as the observation, G(z_hat) is about the best the generator
    can do for that face, whatever the corruption. ``settings`` go to ``restore``; by
    default lam = 0.01 (a light prior). Pass ``z_init`` = a restoration's z to go on
    from where it stopped, now seeing every pixel of x. Introduced in notebook 05.

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(G, D)
    >>> proj = project_on_G(tl.load_sample_faces(2), G, D, steps=5, restarts=1)
    >>> proj.settings.lam, proj.x_hat.shape
    (0.01, torch.Size([2, 3, 64, 64]))
    >>> data = proj.history["data"]  # (steps + 1, N)
    >>> bool((data[-1] < data[0]).all())  # Adam got closer to x
    True
    """
    settings.setdefault("lam", 0.01)
    return restore(x, make_operator("denoising"), G, D, **settings)


def hardest_face(task_run: TaskRun, G, D, **settings) -> tuple[int, Restoration]:
    """(k, projection): the face whose restoration has the lowest PSNR, projected on G.

    The projection goes on from that face's z_hat (``project_on_G``); ``settings`` go
    to ``restore``. It tells a bad search from a face that G cannot draw: when even
    the projection is far from the face, no lam or p will fix the restoration.
    Introduced in notebook 05.

    >>> import tutorial_lib as tl
    >>> from tutorial_lib.showcase import run_task
    >>> G, D = tl.models.make_dcgan(seed=0)
    >>> tl.freeze(G, D)
    >>> run = run_task("denoising", tl.load_sample_faces(3), G, D, steps=2, restarts=1)
    >>> k, proj = hardest_face(run, G, D, steps=2, restarts=1)
    >>> k == psnr(run.result.x_hat, run.x).argmin().item(), proj.x_hat.shape  # one face
    (True, torch.Size([1, 3, 64, 64]))
    """
    k = psnr(task_run.result.x_hat, task_run.x).argmin().item()
    x_k, z_k = task_run.x[k : k + 1], task_run.result.z[k : k + 1]
    return k, project_on_G(x_k, G, D, z_init=z_k, **settings)
