"""The weight average: its warm-up leaves nothing of the random start."""

import pytest
import torch
from torch import nn

from tutorial_lib.averaging import ema_decay_at, initial_share, update_ema


def test_initial_share_known_values():
    # without warm-up: decay^t; a 16-epoch run (the first shipped weights) kept 17 %
    assert initial_share(1776, 0.999, warmup=False) == pytest.approx(0.999**1776)
    assert initial_share(1776, 0.999, warmup=False) == pytest.approx(0.169, abs=1e-3)
    # with warm-up the first factors are 1/10, 2/11, 3/12, ...
    assert initial_share(3, 0.999) == pytest.approx(1 / 10 * 2 / 11 * 3 / 12)
    assert initial_share(100, 0.999) < 1e-12
    assert initial_share(1776, 0.999) < 1e-20
    assert ema_decay_at(0, 0.999) == pytest.approx(0.1)
    assert ema_decay_at(10_000, 0.999) == 0.999  # capped at the configured decay


@pytest.mark.parametrize("warmup", [True, False])
def test_average_keeps_the_share_of_the_start_that_initial_share_says(warmup):
    """Average a fixed target w1 into a start w0: w_ema = s w0 + (1 - s) w1, s measured."""
    start, target = nn.Linear(4, 4), nn.Linear(4, 4)
    with torch.no_grad():
        start.weight.fill_(1.0), target.weight.fill_(0.0)
    steps = 50
    for t in range(steps):
        decay = ema_decay_at(t, 0.99) if warmup else 0.99
        update_ema(start, target, decay)
    share = start.weight.mean().item()  # (s * 1 + (1 - s) * 0)
    assert share == pytest.approx(initial_share(steps, 0.99, warmup=warmup), rel=1e-4)
    assert (share < 1e-8) if warmup else (share > 0.6)
