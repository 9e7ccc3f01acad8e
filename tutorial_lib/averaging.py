"""Averaging a generator's weights over training, and batch norm for the average.

An exponential moving average (EMA) of G's weights, updated after every step t = 0, 1, ...

    w_ema <- d_t w_ema + (1 - d_t) w,    d_t = min(decay, (1 + t) / (10 + t)),

smooths the oscillation of the minimax game. The warm-up of d_t matters: the average
starts from the random initial weights and each update keeps a share d_t of what it
held, so a share prod_{s<t} d_s of the random start is left after t steps. With a
constant d = 0.999 that is 0.999^t, 17 % after 1,776 steps; with the warm-up it is
2e-13 after 100 steps and below 1e-20 after 1,776 (`initial_share`).

The averaged weights are not the weights whose statistics batch norm tracked during
training, so before use a generator's batch-norm statistics are recomputed for its own
weights (`recalibrate_batch_norm`, `shipped_copy`).

Used by tutorial_lib.train; introduced in notebook 11.
"""

from __future__ import annotations

import copy
import math

import torch


def ema_decay_at(step: int, decay: float) -> float:
    """The averaging weight of step t (from 0): min(decay, (1 + t) / (10 + t)).

    >>> [round(ema_decay_at(t, 0.999), 4) for t in (0, 10, 10_000)]  # 1/10, 11/20, cap
    [0.1, 0.55, 0.999]
    """
    return min(decay, (1 + step) / (10 + step))


def initial_share(steps: int, decay: float, warmup: bool = True) -> float:
    """Share of the random initial weights left in the average after ``steps`` updates.

    Each update multiplies that share by d_t, so it is prod_t d_t: decay^steps without
    warm-up (0.999^1776 = 0.17), and with it at most
    (1 * 2 * ... * steps) / (10 * 11 * ... * (9 + steps))
    = 9! / ((steps + 1) (steps + 2) ... (steps + 9)).

    >>> round(initial_share(1776, 0.999, warmup=False), 2)
    0.17
    >>> f"{initial_share(100, 0.999):.2g}"  # 9! / (101 * 102 * ... * 109)
    '2.3e-13'
    """
    if not warmup:
        return decay**steps
    return math.exp(sum(math.log(ema_decay_at(t, decay)) for t in range(steps)))


def update_ema(G_ema, G, decay: float) -> None:
    """w_ema <- decay w_ema + (1 - decay) w for every parameter; buffers copied.

    ``G_ema`` is updated in place from ``G`` (same architecture).

    >>> avg, net = torch.nn.BatchNorm1d(1), torch.nn.BatchNorm1d(1)  # weights: 1
    >>> with torch.no_grad():
    ...     _ = net.weight.fill_(3.0), net.running_mean.fill_(5.0)
    >>> update_ema(avg, net, decay=0.9)
    >>> round(avg.weight.item(), 4), avg.running_mean.item()  # 0.9 + 0.1 * 3; copied
    (1.2, 5.0)
    """
    with torch.no_grad():
        for p_ema, p in zip(G_ema.parameters(), G.parameters()):
            p_ema.lerp_(p, 1 - decay)
        for b_ema, b in zip(G_ema.buffers(), G.buffers()):
            b_ema.copy_(b)  # batch-norm running statistics are not averaged


@torch.no_grad()
def recalibrate_batch_norm(G, seed: int = 0, batches: int = 8, batch_size: int = 64):
    """Reset G's batch-norm running statistics to those of its own current weights.

    The averaged generator's weights are not the weights whose statistics batch norm
    tracked during training, so in eval mode they would be normalised with the wrong
    means and variances. A few training-mode passes over fresh z, with momentum None
    (a plain average over the passes), give the right ones ("standing statistics").
    ``batches`` passes of ``batch_size`` codes drawn from ``seed``; G ends in eval mode.

    At initialisation the first layer's outputs are sums of 100 z_k w_k with
    w ~ N(0, 0.02): their variance is 100 * 0.02^2 = 0.04, not the stored 1.

    >>> from tutorial_lib.models import DCGANConfig, make_dcgan
    >>> G, _ = make_dcgan(DCGANConfig(ngf=8), seed=0)
    >>> G.net[1].running_var.mean().item()
    1.0
    >>> recalibrate_batch_norm(G, batches=2, batch_size=16)
    >>> round(G.net[1].running_var.mean().item(), 2), G.training, G.net[1].momentum
    (0.04, False, 0.1)
    """
    norms = [m for m in G.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    saved = [m.momentum for m in norms]
    device = next(G.parameters()).device
    generator = torch.Generator(device).manual_seed(seed)
    G.train()
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    for _ in range(batches):
        G(torch.randn(batch_size, G.config.nz, generator=generator, device=device))
    for m, momentum in zip(norms, saved):
        m.momentum = momentum
    G.eval()


def shipped_copy(G, seed: int = 0):
    """A float32 copy of G with batch norm recalibrated for its weights, in eval mode:
    the generator as it would be shipped. G itself is left untouched.

    >>> from tutorial_lib.models import DCGANConfig, make_dcgan
    >>> G, _ = make_dcgan(DCGANConfig(ngf=8), seed=0)
    >>> shipped = shipped_copy(G.bfloat16())
    >>> shipped.training, next(shipped.parameters()).dtype, G.training
    (False, torch.float32, True)
    """
    G = copy.deepcopy(G).float()
    recalibrate_batch_norm(G, seed)
    return G
