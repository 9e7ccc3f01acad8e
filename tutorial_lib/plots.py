"""Figures the notebooks share: rows of faces, and the objective's terms over steps.

Every figure is titled and every panel labelled, so that a figure copied out of a
notebook still says what it shows.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch


def show_faces(columns: dict[str, torch.Tensor], title: str, scores=None, size=1.8):
    """One column per entry (name -> images (N, C, 64, 64) in [0, 1]), one row per face.

    ``scores``: optional dict name -> (psnr (N,), ssim (N,)) written under each panel.
    Gray images (C = 1) are shown in gray. ``title``: the figure's; ``size``: inches
    per panel. Returns the figure, whose axes run row by row:

    >>> x = torch.rand(2, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    >>> scores = {"gray": (torch.tensor([20.0, 21.0]), torch.tensor([0.5, 0.6]))}
    >>> fig = show_faces({"x": x, "gray": x[:, :1]}, "Two faces", scores=scores)
    >>> len(fig.axes), fig.axes[1].get_title(), fig.axes[3].get_xlabel()
    (4, 'gray', '21.0 dB / 0.600')
    >>> plt.close("all")
    """
    names = list(columns)
    n = len(next(iter(columns.values())))
    fig, axes = plt.subplots(
        n, len(names), figsize=(size * len(names), size * n + 0.6), squeeze=False
    )
    for j, name in enumerate(names):
        for i in range(n):
            ax = axes[i, j]
            image = columns[name][i].detach().cpu().clamp(0, 1)
            ax.imshow(image.expand(3, -1, -1).permute(1, 2, 0).numpy())
            ax.set_xticks([]), ax.set_yticks([])
            if i == 0:
                ax.set_title(name, fontsize=10)
            if scores is not None and name in scores:
                p, s = scores[name]
                ax.set_xlabel(f"{p[i]:.1f} dB / {s[i]:.3f}", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(history: dict[str, torch.Tensor], title: str, image: int = 0):
    """Each term of the objective against the Adam step, for one image of the batch.

    ``history``: name -> (steps, N), as in Restoration.history; ``image``: which
    column to draw. Returns the figure, one panel per term:

    >>> data = torch.tensor([[3.0, 2.0], [1.0, 0.5]])  # 2 steps, 2 images
    >>> history = {"data": data, "total": torch.ones(2, 2)}
    >>> fig = plot_history(history, "Objective", image=1)
    >>> [ax.get_title() for ax in fig.axes], fig.axes[0].lines[0].get_ydata().tolist()
    (['data', 'total'], [2.0, 0.5])
    >>> plt.close("all")
    """
    fig, axes = plt.subplots(
        1, len(history), figsize=(3.2 * len(history), 2.8), squeeze=False
    )  # squeeze=False: an array of axes even for one term
    for ax, (name, values) in zip(axes[0], history.items()):
        ax.plot(values[:, image].cpu().numpy())
        ax.set_title(name)
        ax.set_xlabel("Adam step")
    axes[0, 0].set_ylabel("value")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
