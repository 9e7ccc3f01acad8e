"""DCGAN training: the recipe of Radford et al. (2016) on 64x64 faces.

Each step, with real faces x (horizontally flipped at random) and z ~ N(0, I):
    D step:  minimise  BCE(l(x), 1) + BCE(l(G(z)), 0)      (l = D's logit)
    G step:  minimise  BCE(l(G(z)), 1)                       (the non-saturating loss)
with Adam (lr 2e-4, beta1 0.5) on batches of 128. The shipped generator is an
exponential moving average of G's weights (decay 0.999): averaging smooths the
oscillation of the minimax game and gives cleaner faces for the same training. Its
batch-norm statistics are then recomputed for the averaged weights.

Every epoch writes to the run folder: checkpoint.pt (resumed from automatically),
log.csv (losses and D's accuracy) and samples_EEE.png (64 faces from fixed z); the
end of the run writes samples_final.png from the returned generator.
The run is deterministic under its seed: data order, flips and z are drawn from
generators seeded by (seed, epoch), so a resumed run continues exactly.

Introduced in notebook 11; `python -m tutorial_lib train` is its command line.
"""
from __future__ import annotations

import copy
import csv
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from .data import save_png
from .models import DCGANConfig, default_device, make_dcgan


@dataclass
class TrainConfig:
    epochs: int = 25
    batch_size: int = 128
    lr: float = 2e-4
    beta1: float = 0.5  # Adam's momentum; 0.9 makes the DCGAN game oscillate
    ema_decay: float = 0.999  # generator weight averaging; 0 disables it
    seed: int = 0


def _epoch_generator(seed: int, epoch: int, device) -> torch.Generator:
    return torch.Generator(device).manual_seed(seed * 100_003 + epoch)


def _update_ema(G_ema, G, decay: float) -> None:
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


def train_epoch(G, D, G_ema, opt_G, opt_D, faces, config, epoch, device, progress=None):
    """One pass over ``faces`` (N, 3, 64, 64) in [0, 1]; returns the epoch's mean stats."""
    N = len(faces)
    cpu_gen = _epoch_generator(config.seed, epoch, "cpu")
    dev_gen = _epoch_generator(config.seed, epoch, device)
    order = torch.randperm(N, generator=cpu_gen)
    B = config.batch_size
    totals = torch.zeros(4, device=device)  # loss_D, loss_G, acc_real, acc_fake
    steps = N // B  # the last, incomplete batch is dropped
    G.train(), D.train()
    for step in range(steps):
        x = faces[order[step * B : (step + 1) * B]].to(device, non_blocking=True)
        flip = torch.rand(B, generator=cpu_gen).to(device) < 0.5
        x = torch.where(flip[:, None, None, None], x.flip(-1), x)
        z = torch.randn(B, G.config.nz, generator=dev_gen, device=device)
        fake = G(z)

        l_real, l_fake = D(x), D(fake.detach())
        loss_D = F.binary_cross_entropy_with_logits(
            l_real, torch.ones_like(l_real)
        ) + F.binary_cross_entropy_with_logits(l_fake, torch.zeros_like(l_fake))
        opt_D.zero_grad(set_to_none=True)
        loss_D.backward()
        opt_D.step()

        l_gen = D(fake)
        loss_G = F.binary_cross_entropy_with_logits(l_gen, torch.ones_like(l_gen))
        opt_G.zero_grad(set_to_none=True)
        loss_G.backward()
        opt_G.step()
        if config.ema_decay > 0:
            _update_ema(G_ema, G, config.ema_decay)

        with torch.no_grad():
            totals += torch.stack(
                [
                    loss_D.detach(),
                    loss_G.detach(),
                    (l_real > 0).float().mean(),
                    (l_fake < 0).float().mean(),
                ]
            )
        if progress is not None:
            progress.update(1)
    means = (totals / steps).tolist()
    return dict(zip(["loss_D", "loss_G", "acc_real", "acc_fake"], means))


def train(
    faces: torch.Tensor,
    run_dir: str | Path,
    config: TrainConfig = TrainConfig(),
    model_config: DCGANConfig = DCGANConfig(),
    device=None,
    progress: bool = True,
):
    """Train (or resume training) a DCGAN on ``faces``; returns (G_ema, D, log).

    ``faces``: (N, 3, 64, 64) in [0, 1], on the CPU (batches move to ``device``).
    ``run_dir``: where the checkpoint, log and sample grids go; an existing
    checkpoint there is resumed, and its config must match this one.
    """
    if faces.ndim != 4 or faces.shape[1:] != (3, 64, 64):
        raise ValueError(f"faces must be (N, 3, 64, 64), got {tuple(faces.shape)}")
    if len(faces) < config.batch_size:
        raise ValueError(
            f"need at least one batch of {config.batch_size} faces, got {len(faces)}"
        )
    device = torch.device(device) if device is not None else default_device()
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    G, D = make_dcgan(model_config, seed=config.seed)
    G, D = G.to(device), D.to(device)
    G_ema = copy.deepcopy(G)
    betas = (config.beta1, 0.999)
    opt_G = torch.optim.Adam(G.parameters(), lr=config.lr, betas=betas)
    opt_D = torch.optim.Adam(D.parameters(), lr=config.lr, betas=betas)
    log, start = [], 0

    checkpoint = run_dir / "checkpoint.pt"
    if checkpoint.is_file():
        state = torch.load(checkpoint, map_location=device, weights_only=True)
        if state["train_config"] | {"epochs": 0} != asdict(config) | {"epochs": 0}:
            raise ValueError(
                f"{checkpoint} was made with {state['train_config']}, not {asdict(config)};"
                " use another run folder"
            )
        for name, obj in [("G", G), ("D", D), ("G_ema", G_ema)]:
            obj.load_state_dict(state[name])
        opt_G.load_state_dict(state["opt_G"])
        opt_D.load_state_dict(state["opt_D"])
        log, start = state["log"], state["epoch"]

    fixed_z = torch.randn(
        64, model_config.nz, generator=torch.Generator().manual_seed(config.seed)
    ).to(device)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        steps_per_epoch = len(faces) // config.batch_size
        bar = tqdm(total=(config.epochs - start) * steps_per_epoch, unit="step")
    for epoch in range(start, config.epochs):
        tic = time.perf_counter()
        stats = train_epoch(G, D, G_ema, opt_G, opt_D, faces, config, epoch, device, bar)
        stats = {"epoch": epoch + 1, **stats, "seconds": time.perf_counter() - tic}
        log.append(stats)
        if bar is not None:
            bar.set_postfix(loss_D=f"{stats['loss_D']:.3f}", loss_G=f"{stats['loss_G']:.3f}")
        recalibrate_batch_norm(G_ema, config.seed)  # overwritten by the next step's copy
        with torch.no_grad():
            save_png(G_ema(fixed_z), run_dir / f"samples_{epoch + 1:03d}.png")
        torch.save(
            {
                "G": G.state_dict(),
                "D": D.state_dict(),
                "G_ema": G_ema.state_dict(),
                "opt_G": opt_G.state_dict(),
                "opt_D": opt_D.state_dict(),
                "epoch": epoch + 1,
                "log": log,
                "train_config": asdict(config),
            },
            checkpoint,
        )
        with open(run_dir / "log.csv", "w", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(log[0]))
            writer.writeheader()
            writer.writerows(log)
    if bar is not None:
        bar.close()
    if config.ema_decay == 0:
        G_ema.load_state_dict(G.state_dict())
    recalibrate_batch_norm(G_ema, config.seed)
    with torch.no_grad():
        save_png(G_ema(fixed_z), run_dir / "samples_final.png")
    return G_ema, D, log
