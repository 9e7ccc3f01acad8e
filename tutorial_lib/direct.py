"""The direct network of slide 5: one small U-Net per corruption, trained on pairs.

The paper's other deep family (slide 5) learns the inverse itself from pairs of clean
training faces x_i and their corruptions y_i = corrupt(x_i),

    Θ* = argmin_Θ  Σ_i || x_i - h(y_i; Θ) ||_1 ,

and restores with one forward pass, x_hat = h(y; Θ*). It needs "a new model for each
new corruption": h has learned the corruption it was trained on, and nothing tells it
that another one came (notebook 13 measures what a shifted corruption costs it, beside
the GAN prior, which only needs its A changed).

Here h sees the naive inverse of y (op.naive_inverse: a 3x64x64 image for every task)
and adds a correction, h(y) = naive(y) + U(naive(y)), clamped to [0, 1] at restoration
time, with U a three-level U-Net (Ronneberger et al., 2015): two 3x3 convolutions per
level, group norm (per image: a face's answer does not depend on its batch mates),
average pooling down, nearest upsampling and the skip connections up. About 0.27 M
parameters at width 24, shipped in float16 (0.53 MB each).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from .checks import check_images
from .data import DATA_DIR
from .models import freeze
from .operators import Operator, make_operator
from .precision import autocast, resolve_precision

DIRECT_DIR = DATA_DIR / "weights" / "direct"
DIRECT_COMMAND = (
    "python -m tutorial_lib direct --task {task} --data runs/faces_train.pt"
)


@dataclass(frozen=True)
class DirectConfig:
    """The network's width and its training run's settings (see train_direct)."""

    width: int = 24  # channels at 64x64; 2x and 4x at 32x32 and 16x16 (0.27 M
    # parameters, 0.53 MB in float16: the five fit beside the GAN under 50 MB)
    steps: int = 2000  # Adam steps, one fresh batch of pairs each (13 min, 2 cores)
    batch_size: int = 64
    lr: float = 1e-3  # cosine-decayed to 0 over the steps
    seed: int = 0  # U's initial weights, the batches, the corruptions
    precision: str = "auto"  # bfloat16 autocast where it runs fast
    log_every: int = 50  # steps per log entry (and per checkpoint)


def _block(c_in: int, c_out: int) -> nn.Sequential:
    """Two 3x3 convolutions, each followed by group norm and SiLU; size kept."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1),
        nn.GroupNorm(8, c_out),
        nn.SiLU(),
        nn.Conv2d(c_out, c_out, 3, padding=1),
        nn.GroupNorm(8, c_out),
        nn.SiLU(),
    )


class DirectNet(nn.Module):
    """h: naive inverses (B, 3, 64, 64) in [0, 1] -> restorations, before the clamp.

    >>> _ = torch.manual_seed(0)
    >>> h = DirectNet(DirectConfig(width=8)).eval()
    >>> h(torch.rand(2, 3, 64, 64)).shape
    torch.Size([2, 3, 64, 64])
    """

    def __init__(self, config: DirectConfig = DirectConfig()):
        super().__init__()
        self.config = config
        w = config.width
        self.down = nn.ModuleList(
            [_block(3, w), _block(w, 2 * w), _block(2 * w, 4 * w)]
        )
        self.up = nn.ModuleList([_block(6 * w, 2 * w), _block(3 * w, w)])
        self.out = nn.Conv2d(w, 3, 1)
        nn.init.zeros_(self.out.weight)  # h starts as the naive inverse itself
        nn.init.zeros_(self.out.bias)

    def forward(self, naive: torch.Tensor) -> torch.Tensor:
        h, skips = 2 * naive - 1, []
        for level, block in enumerate(self.down):  # 64 -> 32 -> 16
            h = block(F.avg_pool2d(h, 2) if level else h)
            skips.append(h)
        skips.pop()  # the deepest level feeds the way up directly
        for block in self.up:  # 16 -> 32 -> 64, each with its skip
            h = F.interpolate(h, scale_factor=2.0, mode="nearest")
            h = block(torch.cat([h, skips.pop()], dim=1))
        return naive + self.out(h)


def training_pairs(faces, op: Operator, batch_size: int, generator, device):
    """(naive(corrupt(x)), x) for a random batch of ``faces``, mirrored at random.

    >>> faces = torch.rand(10, 3, 64, 64)
    >>> g = torch.Generator().manual_seed(0)
    >>> inputs, x = training_pairs(faces, make_operator("denoising"), 4, g, "cpu")
    >>> inputs.shape, x.shape, bool((inputs - x).abs().max() > 0)
    (torch.Size([4, 3, 64, 64]), torch.Size([4, 3, 64, 64]), True)
    """
    index = torch.randint(len(faces), (batch_size,), generator=generator)
    x = faces[index].to(device)
    flip = torch.rand(batch_size, generator=generator) < 0.5  # faces are symmetric
    x = torch.where(flip.to(device)[:, None, None, None], x.flip(-1), x)
    seed = int(torch.randint(2**31, (1,), generator=generator))
    return op.naive_inverse(op.corrupt(x, seed=seed)), x


def train_direct(
    task: str | Operator,
    faces: torch.Tensor,
    config: DirectConfig = DirectConfig(),
    device="cpu",
    checkpoint: str | Path | None = None,
    progress: bool = True,
):
    """Train h for one corruption on ``faces`` (N, 3, 64, 64); returns (h frozen, log).

    The loss is the L1 error per pixel, mean over the batch. ``checkpoint``: a file
    written every ``config.log_every`` steps and resumed from when it exists (with the
    same config), so that a killed run goes on where it stopped. ``log``: one dict per
    ``log_every`` steps (step, loss: the mean over those steps, seconds).
    """
    op = task if isinstance(task, Operator) else make_operator(task)
    precision = resolve_precision(config.precision, torch.device(device))
    torch.manual_seed(config.seed)  # nn.init draws from the global generator
    h = DirectNet(config).to(device).to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(h.parameters(), lr=config.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.steps)
    generator = torch.Generator().manual_seed(config.seed)
    log, start = [], 0
    if checkpoint is not None and Path(checkpoint).is_file():
        state = torch.load(checkpoint, map_location=device, weights_only=True)
        if state["config"] != asdict(config) or state["task"] != op.name:
            raise ValueError(
                f"{checkpoint} belongs to another run ({state['task']}, "
                f"{state['config']}): remove it or pass another checkpoint"
            )
        h.load_state_dict(state["net"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        generator.set_state(state["generator"])
        log, start = state["log"], state["step"]
    steps = range(start, config.steps)
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc=f"direct {op.name}", unit="step", initial=start,
                     total=config.steps)  # fmt: skip
    total, tic = 0.0, time.perf_counter()
    for step in steps:
        inputs, x = training_pairs(faces, op, config.batch_size, generator, device)
        with autocast(precision, device):
            out = h(inputs.contiguous(memory_format=torch.channels_last))
        loss = (out.float() - x).abs().mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        total += loss.item()
        if (step + 1) % config.log_every == 0:
            seconds = time.perf_counter() - tic
            log.append({"step": step + 1, "loss": total / config.log_every,
                        "seconds": seconds})  # fmt: skip
            total, tic = 0.0, time.perf_counter()
            if checkpoint is not None:
                Path(checkpoint).parent.mkdir(parents=True, exist_ok=True)
                torch.save(
                    {"task": op.name, "config": asdict(config), "step": step + 1,
                     "net": h.state_dict(), "optimizer": optimizer.state_dict(),
                     "schedule": schedule.state_dict(),
                     "generator": generator.get_state(), "log": log},
                    checkpoint,
                )  # fmt: skip
    freeze(h)
    return h, log


def save_direct(h: DirectNet, task: str, path: str | Path, **meta) -> None:
    """h in float16 (half the size; restorations differ by < 1e-3), its config, the
    task and ``meta`` (plain values) in one file, weights_only-loadable."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    weights = {
        k: v.half() if v.is_floating_point() else v for k, v in h.state_dict().items()
    }
    torch.save(
        {"task": task, "config": asdict(h.config), "net": weights, "meta": meta}, path
    )


def load_direct(task: str, device=None, path: str | Path | None = None) -> DirectNet:
    """The shipped direct network for ``task`` (or the one at ``path``), frozen, float32."""
    path = Path(path) if path is not None else DIRECT_DIR / f"{task}.pt"
    if not path.is_file():
        raise FileNotFoundError(
            f"no direct network for {task!r} at {path}; it is made by "
            f"`{DIRECT_COMMAND.format(task=task)}`"
        )
    state = torch.load(path, map_location="cpu", weights_only=True)
    if state["task"] != task:
        raise ValueError(
            f"{path} holds the network for {state['task']!r}, not {task!r}"
        )
    h = DirectNet(DirectConfig(**state["config"]))
    h.load_state_dict({k: v.float() for k, v in state["net"].items()})
    freeze(h)
    return h.to(device if device is not None else "cpu")


@lru_cache(maxsize=8)
def _shipped(task: str, device: str) -> DirectNet:
    return load_direct(task, device)


def restore_direct(y: torch.Tensor, op: str | Operator, h: DirectNet | None = None):
    """x_hat = clamp(h(naive(y)), 0, 1), (N, 3, 64, 64): the direct network's answer.

    ``op``: the corruption y came from (its naive inverse is h's input); ``h``: a
    network, by default the one shipped for ``op``'s task, trained on that task's own
    corruption whatever ``op``'s settings are (that is the point of notebook 13).
    """
    op = op if isinstance(op, Operator) else make_operator(op)
    check_images(y, "y", channels=(1, 3))
    h = h if h is not None else _shipped(op.name, str(y.device))
    with torch.no_grad():
        return h(op.naive_inverse(y).float()).clamp(0, 1)
