"""Learning to invert G: an encoder E that starts the latent search near the answer.

restore() searches z from random starts, and most of its steps are spent getting from
a random face to one that resembles y. Amortised inversion (Lahiri et al. 2019; Zhu et
al., in-domain GAN inversion, 2020) trains a network once so that E(x) is a code whose
G(E(x)) resembles x; the search then starts from z_0 = E(naive inverse of y).

E needs no data but G: every training pair is drawn fresh, z ~ N(0, I) and x = G(z).
So that E works on what it meets at restoration time, each x is corrupted by one of the
five tasks (or kept clean) and passed through that task's naive inverse, and E learns

    min_E  E_z || E(naive(corrupt(G(z)))) - z ||^2 / nz .

From a corrupted input the z is not determined (many faces fit y); the squared error
then teaches E the mean of the codes that fit, a blander face than the truth but one
with its shape and colors, from which the solver's steps add the detail.

E is a DCGAN discriminator with nz outputs, and layer norm (per image) in place of
batch norm, so that a face's code does not depend on its batch mates. Introduced in
notebook 04; `restore(..., init="encoder")` uses the shipped one.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import torch
from torch import nn

from .data import DATA_DIR
from .models import DCGANConfig, _down, freeze, init_weights
from .operators import TASKS, make_operator
from .precision import autocast, resolve_precision

ENCODER_FILE = DATA_DIR / "weights" / "encoder_celeba64.pt"
ENCODER_COMMAND = "python -m tutorial_lib encoder"


class Encoder(nn.Module):
    """E: images (B, 3, 64, 64) in [0, 1] -> codes (B, nz).

    >>> _ = torch.manual_seed(0)
    >>> E = Encoder(DCGANConfig(ndf=8)).eval()  # a small one
    >>> E(torch.rand(2, 3, 64, 64)).shape
    torch.Size([2, 100])
    """

    def __init__(self, config: DCGANConfig = DCGANConfig()):
        super().__init__()
        self.config = config
        ndf = config.ndf
        self.net = nn.Sequential(
            *_down(config.nc, ndf, "none"),  # (B, ndf, 32, 32)
            *_down(ndf, ndf * 2, "layer"),  # (B, 2 ndf, 16, 16)
            *_down(ndf * 2, ndf * 4, "layer"),  # (B, 4 ndf, 8, 8)
            *_down(ndf * 4, ndf * 8, "layer"),  # (B, 8 ndf, 4, 4)
            nn.Conv2d(ndf * 8, config.nz, 4, 1, 0),  # (B, nz, 1, 1): the code
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(2 * x - 1).flatten(1)


@dataclass(frozen=True)
class EncoderConfig:
    """The settings of an encoder's training run (see train_encoder)."""

    steps: int = 3000  # Adam steps, one fresh batch each
    batch_size: int = 120  # split evenly between the clean case and the five tasks
    lr: float = 2e-4
    seed: int = 0  # E's initial weights, z, the corruptions
    precision: str = "auto"  # G and E under bfloat16 autocast where it runs fast
    log_every: int = 100  # steps per entry of the log (mean loss over them)


def training_batch(
    G, batch_size: int, generator: torch.Generator, device, precision: str = "fp32"
):
    """(inputs, z): z ~ N(0, I) (batch_size, nz) and naive(corrupt(G(z))), the first
    sixth of the batch clean, then one sixth per task in the order of TASKS.
    ``precision``: G's arithmetic ("fp32" or "bf16"); the inputs are float32.

    >>> from tutorial_lib.models import make_dcgan
    >>> G, _ = make_dcgan(DCGANConfig(ngf=8), seed=0)
    >>> freeze(G)
    >>> inputs, z = training_batch(G, 12, torch.Generator().manual_seed(0), "cpu")
    >>> inputs.shape, z.shape, bool(torch.equal(inputs[:2], G(z[:2])))  # clean first
    (torch.Size([12, 3, 64, 64]), torch.Size([12, 100]), True)
    """
    z = torch.randn(batch_size, G.config.nz, generator=generator).to(device)
    with torch.no_grad(), autocast(precision, device):
        x = G(z).float()
    parts = x.tensor_split(len(TASKS) + 1)
    inputs = [parts[0]]
    for task, part in zip(TASKS, parts[1:]):
        op = make_operator(task)
        seed = int(torch.randint(2**31, (1,), generator=generator))
        inputs.append(op.naive_inverse(op.corrupt(part, seed=seed)))
    return torch.cat(inputs), z


def train_encoder(
    G, config: EncoderConfig = EncoderConfig(), device=None, progress=True
):
    """Train an Encoder for the frozen generator G; returns (E frozen, log).

    ``log``: one dict per ``config.log_every`` steps (step, loss = mean squared error
    per latent entry over those steps, seconds). A fresh E outputs codes near 0, so its first loss is about the
    variance of z, 1; a useful encoder ends well below it.
    """
    device = torch.device(device) if device is not None else next(G.parameters()).device
    precision = resolve_precision(config.precision, device)
    torch.manual_seed(config.seed)  # nn.init draws from the global generator
    E = Encoder(G.config).to(device)
    E.apply(init_weights)
    optimizer = torch.optim.Adam(E.parameters(), lr=config.lr, betas=(0.5, 0.999))
    generator = torch.Generator().manual_seed(config.seed)
    log, total, tic = [], 0.0, time.perf_counter()
    steps = range(config.steps)
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="encoder", unit="step")
    for step in steps:
        inputs, z = training_batch(G, config.batch_size, generator, device, precision)
        with autocast(precision, device):
            codes = E(inputs)
        loss = (codes.float() - z).pow(2).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.item()
        if (step + 1) % config.log_every == 0:
            seconds = time.perf_counter() - tic
            mean = total / config.log_every
            log.append({"step": step + 1, "loss": mean, "seconds": seconds})
            total = 0.0
            if progress:
                steps.set_postfix(loss=f"{log[-1]['loss']:.3f}")
    freeze(E)
    return E, log


def save_encoder(E: Encoder, path: str | Path, **meta) -> None:
    """E, its config and ``meta`` (plain values) in one file, weights_only-loadable."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {"config": asdict(E.config), "encoder": E.state_dict(), "meta": meta}, path
    )


def load_encoder(device=None, path: str | Path | None = None) -> Encoder:
    """The shipped encoder (trained for the shipped G), frozen, on ``device``.

    >>> E = load_encoder("cpu")
    >>> E.training, E(torch.zeros(1, 3, 64, 64)).shape
    (False, torch.Size([1, 100]))
    """
    path = Path(path) if path is not None else ENCODER_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"encoder weights not found at {path}; they are made by `{ENCODER_COMMAND}`"
        )
    state = torch.load(path, map_location="cpu", weights_only=True)
    E = Encoder(DCGANConfig(**state["config"]))
    E.load_state_dict(state["encoder"])
    freeze(E)
    return E.to(device if device is not None else "cpu")


@lru_cache(maxsize=4)
def _shipped_encoder(device: str) -> Encoder:
    return load_encoder(device)


def encoder_start(y: torch.Tensor, op, E: Encoder | None = None) -> torch.Tensor:
    """z_0 = E(op.naive_inverse(y)), (N, nz): where restore(init="encoder") starts.

    ``E`` defaults to the shipped encoder, loaded once per device.
    """
    E = E if E is not None else _shipped_encoder(str(y.device))
    dtype = next(E.parameters()).dtype  # y may be float64 (E is float32)
    with torch.no_grad():
        return E(op.naive_inverse(y).to(dtype)).float()
