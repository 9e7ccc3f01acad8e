"""How real do a set of restorations look? Two measures, neither of them the D on trial.

Pixel metrics reward the average face: among answers that fit y equally well, the
blurry mean of all of them scores the best PSNR (the slide's "is that the full
story?"). A prior should act on the other axis, realism, so we measure that too, on
sets of images against held-out real faces (never the restored faces' own truths):

1. SWD (tutorial_lib.quality.swd): the distance between the two sets' distributions of
   Laplacian-pyramid patches; 0 for identical sets. Its error bar is the spread over
   bootstrap resamples of both sets (``swd_with_error``).
2. A classifier two-sample test (Lopez-Paz and Oquab, ICLR 2017): a small CNN, trained
   from scratch to tell the restorations from the real faces, scored on faces it did
   not see (k-fold: every face is held out once). Accuracy 0.5 means the two sets
   cannot be told apart; 1.0 that they always can. Standard error sqrt(a (1 - a) / n)
   over the n held-out predictions.

The classifier is small and trained on a few dozen faces, so it sees only what is
plain (blur, noise, blocks, colour casts), which is what a viewer sees first.

benchmarks/ablation.py scores every arm of the objective with both.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .checks import check_images
from .quality import swd


def swd_bootstrap(
    sets: list[torch.Tensor], real: torch.Tensor, boots: int = 10, seed: int = 0
) -> torch.Tensor:
    """SWD x 1000 of each set to ``real`` on ``boots`` bootstrap resamples, (len(sets), boots).

    Resample b draws the same image indices (with replacement) of every set, and of
    ``real``, and the same patches and directions (``seed`` + b): the differences
    between two sets' rows are paired, and their spread is the standard error of the
    difference. ``sets``: restorations (N, 3, 64, 64) of the same N faces, in order.
    """
    if any(len(s) != len(sets[0]) for s in sets):
        raise ValueError(
            f"sets must hold the same faces, got sizes {[len(s) for s in sets]}"
        )
    values = torch.empty(len(sets), boots)
    for b in range(boots):
        generator = torch.Generator().manual_seed(seed + b)
        n = len(sets[0])
        i = torch.randint(n, (n,), generator=generator)
        j = torch.randint(len(real), (n,), generator=generator)
        for k, fake in enumerate(sets):
            values[k, b] = swd(fake[i], real[j], seed=seed + b, per_image=64)["swd"]
    return values


def swd_with_error(
    fake: torch.Tensor, real: torch.Tensor, boots: int = 10, seed: int = 0
) -> tuple[float, float]:
    """SWD x 1000 of a set to ``real``, and its bootstrap standard error.

    The mean and standard deviation over ``swd_bootstrap``'s resamples. Resampling
    draws duplicates and the two sets' indices differ, so even a set against a copy of
    itself scores well above 0 (the floor for that set size), but below noise against
    smooth images:

    >>> x = torch.rand(16, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    >>> smooth = F.interpolate(x[:, :, :8, :8], size=64, mode="bilinear")
    >>> same, error = swd_with_error(x, x.clone(), boots=3)
    >>> other, _ = swd_with_error(smooth, x, boots=3)
    >>> bool(same + 10 * error < other)
    True
    """
    v = swd_bootstrap([fake], real, boots, seed)[0]
    return v.mean().item(), (v.std().item() if boots > 1 else float("nan"))


def _classifier() -> nn.Module:
    """A small CNN: 64x64 RGB -> one logit (real vs restored); 3 convolutions, 23 k weights."""
    return nn.Sequential(
        nn.Conv2d(3, 16, 4, 2, 1),  # (B, 16, 32, 32)
        nn.LeakyReLU(0.2),
        nn.Conv2d(16, 32, 4, 2, 1),  # (B, 32, 16, 16)
        nn.LeakyReLU(0.2),
        nn.Conv2d(32, 32, 4, 2, 1),  # (B, 32, 8, 8)
        nn.LeakyReLU(0.2),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(32, 1),
    )


def classifier_two_sample_test(
    fake: torch.Tensor,
    real: torch.Tensor,
    folds: int = 4,
    steps: int = 300,
    seed: int = 0,
) -> tuple[float, float]:
    """Held-out accuracy of a CNN telling ``fake`` from ``real``, and its standard error.

    ``fake``, ``real``: image sets (N, 3, 64, 64) in [0, 1], any sizes. The images are
    split into ``folds`` parts; for each, a fresh classifier (seeded) is trained for
    ``steps`` Adam steps on the others (random flips) and predicts the held-out part.
    Returns (accuracy over all held-out predictions, sqrt(a (1 - a) / n)). Two sets
    that differ plainly are told apart; random halves of one set are not:

    >>> g = torch.Generator().manual_seed(0)
    >>> noise = torch.rand(32, 3, 64, 64, generator=g)
    >>> flat = torch.full((32, 3, 64, 64), 0.5)
    >>> classifier_two_sample_test(noise, flat, steps=30)[0]
    1.0
    """
    check_images(fake, "fake")
    check_images(real, "real")
    x = torch.cat([fake, real]).float().cpu()  # small: the CPU is quick enough
    labels = torch.cat([torch.zeros(len(fake)), torch.ones(len(real))])
    generator = torch.Generator().manual_seed(seed)
    fold_of = torch.randperm(len(x), generator=generator) % folds
    correct = torch.zeros(len(x))
    for k in range(folds):
        train, test = fold_of != k, fold_of == k
        with torch.random.fork_rng(devices=[]):  # nn.init draws from the global RNG
            torch.manual_seed(seed + k)
            net = _classifier()
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
        x_train, y_train = x[train], labels[train]
        for _ in range(steps):
            batch = torch.randint(
                len(x_train), (min(64, len(x_train)),), generator=generator
            )
            images = x_train[batch]
            flip = torch.rand(len(images), generator=generator) < 0.5
            images = torch.where(flip[:, None, None, None], images.flip(-1), images)
            loss = F.binary_cross_entropy_with_logits(
                net(2 * images - 1).squeeze(1), y_train[batch]
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            predicted = (net(2 * x[test] - 1).squeeze(1) > 0).float()
        correct[test] = (predicted == labels[test]).float()
    accuracy = correct.mean().item()
    return accuracy, (accuracy * (1 - accuracy) / len(x)) ** 0.5
