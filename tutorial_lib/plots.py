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
    Gray images (C = 1) are shown in gray. Returns the figure.
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
    """Each term of the objective against the Adam step, for one image of the batch."""
    fig, axes = plt.subplots(1, len(history), figsize=(3.2 * len(history), 2.8))
    for ax, (name, values) in zip(axes, history.items()):
        ax.plot(values[:, image].cpu().numpy())
        ax.set_title(name)
        ax.set_xlabel("Adam step")
    axes[0].set_ylabel("value")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
