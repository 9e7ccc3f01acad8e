"""tutorial_lib.plots: the figures shared by the notebooks."""

import matplotlib.pyplot as plt
import torch

from tutorial_lib.plots import plot_history


def test_plot_history_draws_a_single_term():
    fig = plot_history({"total": torch.tensor([[2.0], [1.0]])}, "one term")
    assert [ax.get_title() for ax in fig.axes] == ["total"]
    plt.close(fig)
