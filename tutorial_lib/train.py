"""DCGAN training: the recipe of Radford et al. (2016) on 64x64 faces.

Each step, with real faces x (horizontally flipped at random) and z ~ N(0, I):
    D step:  minimise  BCE(l(x), 1) + BCE(l(G(z)), 0)      (l = D's logit)
    G step:  minimise  BCE(l(G(z)), 1)                       (the non-saturating loss)
with Adam (lr 2e-4, beta1 0.5) on batches of 128.

Two generators come out of a run: the plain G that the game trains, and G_ema, an
average of its weights with a warm-up (tutorial_lib.averaging), both with batch norm
recalibrated for their own weights before use. The discriminator D that the
restoration prior uses (notebook 03) is the one trained in this game, i.e. against the
plain G, never against G_ema: D's logit estimates log p_X - log p_G for the plain
generator's p_G. If the averaged generator is shipped, the prior is applied to images
of a slightly different generator than D was trained against; notebook 03 discusses
what that means.

The forward passes run under bfloat16 autocast where the device runs it natively, in
channels_last memory format (tutorial_lib.precision; `precision="fp32"` turns it off).

Quality is measured on held-out faces at the end of every epoch when `valid_faces` is
given (tutorial_lib.quality): the sliced Wasserstein distance between generated and
real faces for both generators, and D's margins (mean logit of real faces minus that of
noisy, quantized, blurred and generated ones). The epoch and the generator to ship are
chosen by that distance (`pick_snapshot`), never on test faces.

Every epoch writes to the run folder: checkpoint.pt (resumed from automatically),
log.csv (losses, D's accuracy, the quality measures, seconds) and samples_EEE.png (64
faces from fixed z); every `snapshot_every` epochs and at the last, snapshots/epoch_EEE.pt
keeps that epoch's G, G_ema and D for the final choice. The end of the run writes
samples_final.png from G_ema. The run is deterministic under its seed: data order,
flips and z are drawn from generators seeded by (seed, epoch), so a resumed run
continues exactly.

Several processes (tutorial_lib.distributed) train one GAN together:

    torchrun --standalone --nproc_per_node N -m tutorial_lib -- train --data faces.pt

The batch (128) and the learning rate are those of the global batch, whatever N: each
step, every process draws the same global batch (the epoch's order, the flips and z
come from the same seeded generators) and keeps its share, every N-th face (torch's
DistributedSampler split), so the N shares make up the batch one process would take.
DDP averages the N gradients, and batch norm normalises over the global batch
(`distributed.GlobalBatchNorm2d`), so one step of N processes is the step of one
process, up to the order of float sums. Every process updates its G_ema the same way
(its G's weights and statistics are the same everywhere), so any of them could save
the run; rank 0 alone writes the files and shows progress. A run resumes only with the
number of processes it was started with (the checkpoint records it).

Introduced in notebook 11; `python -m tutorial_lib train` is its command line.
"""

from __future__ import annotations

import copy
import csv
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F

from . import distributed
from .averaging import ema_decay_at, recalibrate_batch_norm, shipped_copy, update_ema
from .data import save_png
from .models import DCGANConfig, Discriminator, Generator, default_device, make_dcgan
from .precision import autocast, resolve_precision
from .quality import discriminator_margins, swd


@dataclass(frozen=True)
class TrainConfig:
    """The knobs of a training run (module docstring); frozen: ``replace`` makes
    variants. A run resumes only with the same config, epochs aside.

    >>> config = TrainConfig()
    >>> 162_770 // config.batch_size  # steps per epoch on CelebA's training split
    1271
    >>> replace(config, epochs=1).epochs, config.epochs
    (1, 25)
    """

    epochs: int = 25
    batch_size: int = 128  # the global batch: N processes take batch_size / N each
    lr: float = 2e-4  # for the global batch, whatever the number of processes
    beta1: float = 0.5  # Adam's momentum; 0.9 makes the DCGAN game oscillate
    ema_decay: float = 0.999  # generator weight averaging (with warm-up); 0 disables it
    seed: int = 0
    precision: str = "auto"  # auto | fp32 | bf16; a run records what auto resolved to
    snapshot_every: int = 10  # keep G, G_ema and D every this many epochs (0: never)
    channels_last: bool = True  # NHWC memory format: faster convolutions on CPU and GPU


def _epoch_generator(seed: int, epoch: int, device) -> torch.Generator:
    return torch.Generator(device).manual_seed(seed * 100_003 + epoch)


def train_epoch(G, D, G_ema, opt_G, opt_D, faces, config, epoch, device, progress=None):
    """One pass over ``faces`` (N, 3, 64, 64) in [0, 1]; returns the epoch's mean stats.

    ``config.precision`` must be resolved ("fp32" or "bf16"), see `resolve_precision`.
    ``G``, ``D``: the networks, or their `distributed.data_parallel` wrappers when
    several processes train (each then takes its share of every batch); ``G_ema``: the
    average, updated after every step; ``opt_G``, ``opt_D``: their Adam optimizers;
    ``epoch``: seeds the order, the flips and z; ``progress``: a tqdm bar or None. A
    fresh D is a coin toss: its loss is near 2 log 2 = 1.39.

    >>> G, D = make_dcgan(DCGANConfig(ngf=8, ndf=8), seed=0)
    >>> opt_G, opt_D = (torch.optim.Adam(m.parameters(), 2e-4, betas=(0.5, 0.999))
    ...                 for m in (G, D))
    >>> faces = torch.rand(32, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    >>> config = TrainConfig(batch_size=16, precision="fp32", channels_last=False)
    >>> G_ema = copy.deepcopy(G)
    >>> stats = train_epoch(G, D, G_ema, opt_G, opt_D, faces, config, 0, "cpu")
    >>> list(stats)  # means over the epoch's 32 // 16 = 2 steps
    ['loss_D', 'loss_G', 'acc_real', 'acc_fake']
    >>> abs(stats["loss_D"] - 1.386) < 0.2  # 2 log 2
    True
    """
    cpu_gen = _epoch_generator(config.seed, epoch, "cpu")
    dev_gen = _epoch_generator(config.seed, epoch, device)
    order = torch.randperm(len(faces), generator=cpu_gen)
    totals = torch.zeros(4, device=device)  # loss_D, loss_G, acc_real, acc_fake
    steps = len(faces) // config.batch_size  # the last, incomplete batch is dropped
    nz = _bare(G).config.nz
    G.train(), D.train()
    for step in range(steps):
        x, z = _batch(faces, order, step, config, nz, (cpu_gen, dev_gen), device)
        totals += gan_step(G, D, opt_G, opt_D, x, z, config, device)
        if config.ema_decay > 0:
            decay = ema_decay_at(epoch * steps + step, config.ema_decay)
            update_ema(G_ema, _bare(G), decay)
        if progress is not None:
            progress.update(1)
    # each process's means are over its share: their mean is the global batch's
    totals = distributed.sum_over_processes(totals) / distributed.world_size()
    means = (totals / steps).tolist()
    return dict(zip(["loss_D", "loss_G", "acc_real", "acc_fake"], means))


def _bare(net):
    """The network inside a DistributedDataParallel wrapper (or ``net`` itself)."""
    return getattr(net, "module", net)


def _batch(faces, order, step, config, nz, generators, device):
    """This process's share of the step's global batch: faces x (flipped at random)
    and codes z. The whole batch's faces, flips and z are drawn, whatever the number
    of processes, so that the generators stay in step; `distributed.shard` keeps
    every N-th (all of them for one process). ``generators``: (CPU's, device's)."""
    cpu_gen, dev_gen = generators
    B = config.batch_size
    picked = distributed.shard(order[step * B : (step + 1) * B])
    x = faces[picked].to(device, non_blocking=True)
    flip = distributed.shard(torch.rand(B, generator=cpu_gen)).to(device) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(-1), x)
    if config.channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    z = torch.randn(B, nz, generator=dev_gen, device=device)
    return x, distributed.shard(z)


def gan_step(G, D, opt_G, opt_D, x, z, config, device) -> torch.Tensor:
    """One D step and one G step on real faces ``x`` and codes ``z``, the GAN's own
    work (train_epoch adds the batch, the flips, z and the average around it); returns
    (loss_D, loss_G, D's accuracy on x, on G(z)), detached. ``config``: its precision.

        D: minimise  BCE(l(x), 1) + BCE(l(G(z)), 0),   l = D's logit
        G: minimise  BCE(l(G(z)), 1)                   (the non-saturating loss)
    """
    with autocast(config.precision, device):
        fake = G(z)
        l_real, l_fake = D(x).float(), D(fake.detach()).float()
    loss_D = F.binary_cross_entropy_with_logits(
        l_real, torch.ones_like(l_real)
    ) + F.binary_cross_entropy_with_logits(l_fake, torch.zeros_like(l_fake))
    opt_D.zero_grad(set_to_none=True)
    loss_D.backward()
    opt_D.step()

    # G step. D's weights get no gradient here (it would be thrown away): that
    # skips a third of D's backward convolutions, about 10 % of the step. The bare D:
    # with no gradient of D's to average, DDP has nothing to do.
    D.requires_grad_(False)
    with autocast(config.precision, device):
        l_gen = _bare(D)(fake).float()
    loss_G = F.binary_cross_entropy_with_logits(l_gen, torch.ones_like(l_gen))
    opt_G.zero_grad(set_to_none=True)
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    with torch.no_grad():
        return torch.stack(
            [
                loss_D.detach(),
                loss_G.detach(),
                (l_real > 0).float().mean(),
                (l_fake < 0).float().mean(),
            ]
        )


@torch.no_grad()
def epoch_quality(
    generators: dict,
    D,
    valid_faces: torch.Tensor,
    seed: int = 0,
    precision: str = "fp32",
) -> dict[str, float]:
    """Per-epoch quality on held-out faces, G and D run in the training's precision.

    ``generators``: name -> G as shipped (`shipped_copy`), e.g. {"plain": .., "ema": ..}.
    For each: the SWD x 1000 of len(valid_faces) samples against the faces
    (`swd_plain`, `swd_64_ema`, ...); then D's margins (`margin_noisy`, ...,
    `margin_generated_ema`). A cheaper SWD than the report's (64 patches per face, 128
    directions) keeps this to seconds; the same seed every epoch makes epochs comparable.

    The same network as both generators gives the same distances:

    >>> G, D = make_dcgan(DCGANConfig(ngf=8, ndf=8), seed=0)
    >>> valid = torch.rand(8, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    >>> q = epoch_quality({"plain": G.eval(), "ema": G.eval()}, D.eval(), valid)
    >>> [key for key in q if key.endswith("_ema")]
    ['swd_64_ema', 'swd_32_ema', 'swd_16_ema', 'swd_ema', 'margin_generated_ema']
    >>> q["swd_ema"] == q["swd_plain"]
    True
    """
    G = next(iter(generators.values()))
    device = next(G.parameters()).device
    z = torch.randn(
        len(valid_faces), G.config.nz, generator=torch.Generator().manual_seed(seed)
    )
    generated = {}
    with autocast(precision, device):
        for name, generator in generators.items():
            generated[name] = torch.cat(
                [generator(part.to(device)).float().cpu() for part in z.split(256)]
            )
        margins = discriminator_margins(copy.deepcopy(D).eval(), valid_faces, generated)
    measures = {}
    for name, fake in generated.items():  # outside autocast: the distances in float32
        distances = swd(fake, valid_faces, seed=seed, per_image=64, directions=128)
        measures |= {f"{key}_{name}": value for key, value in distances.items()}
    return measures | margins


def _save_snapshot(shipped: dict, D, path: Path) -> None:
    """Both generators as shipped ({"plain": .., "ema": ..}, see `shipped_copy`) and
    D, of one epoch."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            "G": shipped["plain"].state_dict(),
            "G_ema": shipped["ema"].state_dict(),
            "D": D.state_dict(),
        },
        path,
    )


def _check_faces(faces, config: TrainConfig, valid_faces=None) -> None:
    """Clear errors for faces that are not (N, 3, 64, 64) or fewer than one batch, and
    for a batch that the processes cannot share evenly."""
    world = distributed.world_size()
    if config.batch_size % world:
        fits = world * max(1, round(config.batch_size / world))
        raise ValueError(
            f"the batch size {config.batch_size} is the global batch, shared by "
            f"{world} processes: it must be a multiple of {world} (say {fits})"
        )
    if faces.ndim != 4 or faces.shape[1:] != (3, 64, 64):
        raise ValueError(f"faces must be (N, 3, 64, 64), got {tuple(faces.shape)}")
    if len(faces) < config.batch_size:
        raise ValueError(
            f"need at least one batch of {config.batch_size} faces, got {len(faces)}"
        )
    if valid_faces is not None and (
        valid_faces.ndim != 4 or valid_faces.shape[1:] != (3, 64, 64)
    ):
        raise ValueError(
            f"valid_faces must be (N, 3, 64, 64), got {tuple(valid_faces.shape)}"
        )


def _steps_bar(total: int):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="step")


def training_state(config: TrainConfig, model_config: DCGANConfig, device) -> dict:
    """A fresh G and D (seeded), G's running average and the two Adam optimizers, by
    name (the checkpoint's keys): what `train` starts from, and what
    benchmarks/train_step_profile.py times."""
    G, D = make_dcgan(model_config, seed=config.seed)
    memory_format = (
        torch.channels_last if config.channels_last else torch.contiguous_format
    )
    G = G.to(device, memory_format=memory_format)
    D = D.to(device, memory_format=memory_format)
    betas = (config.beta1, 0.999)
    return {
        "G": G,
        "D": D,
        "G_ema": copy.deepcopy(G),
        "opt_G": torch.optim.Adam(G.parameters(), lr=config.lr, betas=betas),
        "opt_D": torch.optim.Adam(D.parameters(), lr=config.lr, betas=betas),
    }


def _resume(checkpoint: Path, state: dict, config, model_config, device):
    """Load ``checkpoint`` into ``state`` (name -> network or optimizer), after checking
    that it was made with the same settings and number of processes (the number of
    epochs may grow); returns (log, epochs done)."""
    saved = torch.load(checkpoint, map_location=device, weights_only=True)
    world = distributed.world_size()
    if saved.get("world_size", 1) != world:  # older runs: one process
        raise ValueError(
            f"{checkpoint} was trained by {saved.get('world_size', 1)} process(es), "
            f"this run has {world}: resume it with as many (torchrun --nproc_per_node "
            f"{saved.get('world_size', 1)}), or use another run folder"
        )
    if saved["train_config"] | {"epochs": 0} != asdict(config) | {"epochs": 0}:
        raise ValueError(
            f"{checkpoint} was made with {saved['train_config']}, not {asdict(config)};"
            " use another run folder"
        )
    saved_model = DCGANConfig(**saved.get("model_config", {}))  # older runs: default
    if saved_model != model_config:
        raise ValueError(
            f"{checkpoint} was made with {saved_model}, not {model_config}; use "
            "another run folder"
        )
    for name, obj in state.items():
        obj.load_state_dict(saved[name])
    return saved["log"], saved["epoch"]


def _record_epoch(stats, state, config, valid_faces, fixed_z, run_dir: Path) -> dict:
    """The epoch's quality measures (with ``valid_faces``), sample grid and snapshot;
    returns ``stats`` with the measures added.

    Both generators as they would be shipped, once per epoch, in float32: the
    measures, the samples and the snapshot all see these same networks."""
    epoch = stats["epoch"]
    shipped = {
        "plain": shipped_copy(state["G"], config.seed),
        "ema": shipped_copy(state["G_ema"], config.seed),
    }
    if valid_faces is not None:
        tic = time.perf_counter()
        stats |= epoch_quality(
            shipped, state["D"], valid_faces, config.seed, config.precision
        )
        stats["eval_seconds"] = time.perf_counter() - tic
    with torch.no_grad():
        save_png(shipped["ema"](fixed_z), run_dir / f"samples_{epoch:03d}.png")
    # the last epoch is always a candidate: a run shorter than snapshot_every (or one
    # that ends between two snapshots) still has its final weights to choose from
    if config.snapshot_every and (
        epoch % config.snapshot_every == 0 or epoch == config.epochs
    ):
        path = run_dir / "snapshots" / f"epoch_{epoch:03d}.pt"
        _save_snapshot(shipped, state["D"], path)
    return stats


def train(
    faces: torch.Tensor,
    run_dir: str | Path,
    config: TrainConfig = TrainConfig(),
    model_config: DCGANConfig = DCGANConfig(),
    device=None,
    progress: bool = True,
    valid_faces: torch.Tensor | None = None,
):
    """Train (or resume training) a DCGAN on ``faces``; returns (G_ema, D, log).

    ``faces``: (N, 3, 64, 64) in [0, 1], on the CPU (batches move to ``device``).
    ``run_dir``: where the checkpoint, log and sample grids go; an existing
    checkpoint there is resumed, and its config must match this one.
    ``valid_faces``: held-out faces for the per-epoch quality measures (optional).
    ``model_config``: the networks' sizes; ``device``: default `default_device`;
    ``progress``: a tqdm bar over the steps. Under torchrun every process calls it
    with the same arguments (module docstring). One epoch of two steps on a tiny DCGAN:

    >>> import tempfile
    >>> faces = torch.rand(32, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    >>> config = TrainConfig(epochs=1, batch_size=16, precision="fp32")
    >>> config, tiny = replace(config, snapshot_every=1), DCGANConfig(ngf=8, ndf=8)
    >>> with tempfile.TemporaryDirectory() as run_dir:
    ...     G, D, log = train(faces, run_dir, config, tiny, "cpu", progress=False)
    ...     files = sorted(p.name for p in Path(run_dir).rglob("*.*"))
    ...     again = train(faces, run_dir, config, tiny, "cpu", progress=False)
    >>> files
    ['checkpoint.pt', 'epoch_001.pt', 'log.csv', 'samples_001.png', 'samples_final.png']
    >>> [row["epoch"] for row in log], len(again[2])  # the second call resumed: done
    ([1], 1)
    """
    _check_faces(faces, config, valid_faces)
    device = torch.device(device) if device is not None else default_device()
    config = replace(config, precision=resolve_precision(config.precision, device))
    run_dir, main = Path(run_dir), distributed.is_main()
    if main:  # the other processes write nothing
        run_dir.mkdir(parents=True, exist_ok=True)
    state = training_state(config, model_config, device)
    log, start = [], 0
    checkpoint = run_dir / "checkpoint.pt"
    if distributed.found_everywhere(checkpoint):
        log, start = _resume(checkpoint, state, config, model_config, device)
    # what trains: G and D themselves, or over several processes their DDP wrappers
    G, D = (distributed.data_parallel(state[name], device) for name in ("G", "D"))

    fixed_z = torch.randn(
        64, model_config.nz, generator=torch.Generator().manual_seed(config.seed)
    ).to(device)
    steps_left = (config.epochs - start) * (len(faces) // config.batch_size)
    bar = _steps_bar(steps_left) if progress and main else None
    for epoch in range(start, config.epochs):
        tic = time.perf_counter()
        stats = train_epoch(
            G, D, state["G_ema"], state["opt_G"], state["opt_D"], faces, config,
            epoch, device, bar,
        )  # fmt: skip
        stats = {"epoch": epoch + 1, **stats, "seconds": time.perf_counter() - tic}
        if not main:
            log.append(stats)
            continue
        log.append(_record_epoch(stats, state, config, valid_faces, fixed_z, run_dir))
        if bar is not None:
            bar.set_postfix(
                loss_D=f"{stats['loss_D']:.3f}", loss_G=f"{stats['loss_G']:.3f}"
            )
        _save_checkpoint(state, log, config, model_config, checkpoint)
        write_log(log, run_dir / "log.csv")
    if bar is not None:
        bar.close()
    return _finish(state, config, fixed_z, run_dir, main), state["D"], log


def _save_checkpoint(state, log, config, model_config, path: Path) -> None:
    """Everything a resumed run needs: the networks, the optimizers, the log, the
    settings and the number of processes."""
    torch.save(
        {
            **{name: obj.state_dict() for name, obj in state.items()},
            "epoch": log[-1]["epoch"],
            "log": log,
            "train_config": asdict(config),
            "model_config": asdict(model_config),
            "world_size": distributed.world_size(),
        },
        path,
    )


def _finish(state, config, fixed_z, run_dir: Path, main: bool):
    """The generator to ship, G_ema (or G without averaging) with its batch norm
    recalibrated; the main process draws samples_final.png from it."""
    G_ema = state["G_ema"]
    if config.ema_decay == 0:
        G_ema.load_state_dict(state["G"].state_dict())
    recalibrate_batch_norm(G_ema, config.seed)
    if main:
        with torch.no_grad():
            save_png(G_ema(fixed_z).float(), run_dir / "samples_final.png")
    return G_ema


def write_log(log: list[dict], path: Path) -> None:
    """The per-epoch records as CSV (columns: the union of the records' keys).

    ``log``: one dict per epoch; a key missing from a record leaves its cell empty.

    >>> import tempfile
    >>> log = [{"epoch": 1, "loss_D": 1.3}, {"epoch": 2, "loss_D": 1.1, "swd": 80.0}]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_log(log, Path(folder) / "log.csv")
    ...     print((Path(folder) / "log.csv").read_text(), end="")
    epoch,loss_D,swd
    1,1.3,
    2,1.1,80.0
    """
    fields = list(dict.fromkeys(key for row in log for key in row))
    with open(path, "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=fields)
        writer.writeheader()
        writer.writerows(log)


def pick_snapshot(run_dir: str | Path, measure: str = "swd") -> tuple[int, str]:
    """(epoch, "ema" or "plain") of the snapshot whose generator has the lowest ``measure``.

    Only epochs with a snapshot on disk count; the log's per-epoch values come from
    validation faces, so the choice never sees a test face. ``measure``: a quality
    measure logged as ``{measure}_ema`` and ``{measure}_plain`` (see `epoch_quality`).

    A run folder with a log of three epochs but snapshots of epochs 1 and 2 only:

    >>> import tempfile
    >>> log = [{"epoch": 1, "swd_ema": 90.0, "swd_plain": 95.0},
    ...        {"epoch": 2, "swd_ema": 70.0, "swd_plain": 60.0},
    ...        {"epoch": 3, "swd_ema": 50.0, "swd_plain": 55.0}]
    >>> with tempfile.TemporaryDirectory() as run_dir:
    ...     torch.save({"log": log}, Path(run_dir) / "checkpoint.pt")
    ...     (Path(run_dir) / "snapshots").mkdir()
    ...     for epoch in (1, 2):
    ...         (Path(run_dir) / "snapshots" / f"epoch_{epoch:03d}.pt").touch()
    ...     choice = pick_snapshot(run_dir)
    >>> choice  # epoch 3 would be better, but it was not kept
    (2, 'plain')
    """
    run_dir = Path(run_dir)
    state = torch.load(run_dir / "checkpoint.pt", map_location="cpu", weights_only=True)
    saved = {
        int(p.stem.split("_")[1]) for p in (run_dir / "snapshots").glob("epoch_*.pt")
    }
    candidates = [
        (row[f"{measure}_{kind}"], row["epoch"], kind)
        for row in state["log"]
        if row["epoch"] in saved
        for kind in ("ema", "plain")
        if f"{measure}_{kind}" in row
    ]
    if not candidates:
        raise ValueError(
            f"no snapshot in {run_dir / 'snapshots'} has a logged {measure!r}: train with "
            "valid_faces and snapshot_every > 0"
        )
    _, epoch, kind = min(candidates)
    return epoch, kind


def load_snapshot(
    run_dir: str | Path, epoch: int, kind: str, model_config=DCGANConfig()
):
    """G (the plain or the averaged one) and D of a snapshot, eval mode, on the CPU.

    ``kind``: "ema" or "plain", as `pick_snapshot` returns; ``model_config``: the
    sizes the run used. A snapshot holds the generators as shipped and D as trained:

    >>> import tempfile
    >>> tiny = DCGANConfig(ngf=8, ndf=8)
    >>> G, D = make_dcgan(tiny, seed=0)
    >>> with tempfile.TemporaryDirectory() as run_dir:
    ...     snapshot = Path(run_dir) / "snapshots" / "epoch_003.pt"
    ...     _save_snapshot({"plain": G, "ema": G}, D, snapshot)
    ...     G3, D3 = load_snapshot(run_dir, 3, "plain", tiny)
    >>> torch.equal(D3.net[0].weight, D.net[0].weight), G3.training, D3.training
    (True, False, False)
    """
    path = Path(run_dir) / "snapshots" / f"epoch_{epoch:03d}.pt"
    state = torch.load(path, map_location="cpu", weights_only=True)
    G, D = Generator(model_config), Discriminator(model_config)
    G.load_state_dict(state["G_ema" if kind == "ema" else "G"])
    D.load_state_dict(state["D"])
    return G.eval(), D.eval()
