"""Where a training step's time goes: train_epoch's step against a bare DCGAN step.

    python benchmarks/train_step_profile.py [--steps 16] [--repeats 3] [--threads 2]
                                            [--profile] [--epoch]

A *bare step* is `tutorial_lib.train.gan_step` alone, on a batch already on the
device in its memory format: D on the real batch and on G(z), D's loss, backward and
Adam step; then D on G(z) again, G's loss, backward (D's weights frozen, as in
train_epoch) and G's Adam step. train_epoch's step adds what a real run needs around
it: picking the batch from the epoch's order, the random flips, drawing z from the
epoch's generator, the running statistics, and the generator's moving average (EMA).

Both run side by side in one process, interleaved ``--repeats`` times, from the same
networks and optimizer states, in bfloat16 autocast and channels_last (the shipped
run's setting on a CPU with native bfloat16) at batch 128; each figure is the median
over repeats of the seconds per step of ``--steps`` steps after one warm-up step.
``--profile``: torch.profiler's table of both (self CPU time per operator), to see
where a difference comes from. ``--epoch``: also one epoch of 111 steps (the 14,283
training faces at batch 128) of each, the figure the issue asks for.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from _cli import add_machine_options, parse_on_machine

from tutorial_lib.models import DCGANConfig
from tutorial_lib.precision import resolve_precision
from tutorial_lib.train import TrainConfig, gan_step, train_epoch, training_state

BATCH = 128
EPOCH_STEPS = 14_283 // BATCH  # 111


def bare_steps(G, D, opt_G, opt_D, x, z, config, device) -> None:
    """The GAN's own work, `gan_step`, once per batch: x (S, B, 3, 64, 64), z (S, B, nz)."""
    for x_b, z_b in zip(x, z):
        gan_step(G, D, opt_G, opt_D, x_b, z_b, config, device)


def timed(run, device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    tic = time.perf_counter()
    run()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - tic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--epoch", action="store_true", help="also time 111 steps")
    add_machine_options(parser, device="cpu")
    args = parse_on_machine(parser)
    device = torch.device(args.device)
    precision = resolve_precision("auto", device)
    config = TrainConfig(batch_size=BATCH, precision=precision, channels_last=True)
    gen = torch.Generator().manual_seed(0)
    S = max(args.steps, EPOCH_STEPS if args.epoch else 0)
    faces = torch.rand(S * BATCH, 3, 64, 64, generator=gen)
    G, D, G_ema, opt_G, opt_D = training_state(config, DCGANConfig(), device).values()
    # the bare step's batches, made before the clock starts
    x = faces.to(device).view(S, BATCH, 3, 64, 64)
    x = [b.contiguous(memory_format=torch.channels_last) for b in x]
    z = torch.randn(S, BATCH, G.config.nz, generator=gen).to(device)

    def run_epoch(steps: int, epoch: int):
        return lambda: train_epoch(
            G, D, G_ema, opt_G, opt_D, faces[: steps * BATCH], config, epoch, device
        )

    def run_bare(steps: int):
        return lambda: bare_steps(
            G, D, opt_G, opt_D, x[:steps], z[:steps], config, device
        )

    run_epoch(1, 0)(), run_bare(1)()  # warm-up: the first call pays for allocations
    times = {"train_epoch": [], "bare": []}
    for repeat in range(args.repeats):
        times["train_epoch"].append(timed(run_epoch(args.steps, 1 + repeat), device))
        times["bare"].append(timed(run_bare(args.steps), device))
    median = {k: statistics.median(v) / args.steps for k, v in times.items()}
    print(f"device {device}, torch threads {torch.get_num_threads()}, {precision}, "
          f"channels_last, batch {BATCH}, median of {args.repeats} x {args.steps} steps")  # fmt: skip
    for name, seconds in median.items():
        print(f"  {name:12s} {seconds:.3f} s per step")
    print(f"  ratio train_epoch / bare: {median['train_epoch'] / median['bare']:.3f}")
    if args.epoch:
        epoch = timed(run_epoch(EPOCH_STEPS, 99), device)
        bare = timed(run_bare(EPOCH_STEPS), device)
        print(f"  one epoch of {EPOCH_STEPS} steps: train_epoch {epoch:.1f} s, "
              f"bare {bare:.1f} s, ratio {epoch / bare:.3f}")  # fmt: skip
    if args.profile:
        from torch.profiler import ProfilerActivity, profile

        for name, run in (("train_epoch", run_epoch(4, 50)), ("bare", run_bare(4))):
            with profile(activities=[ProfilerActivity.CPU]) as prof:
                run()
            print(f"\n== {name}, 4 steps, by self CPU time")
            print(
                prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=18)
            )


if __name__ == "__main__":
    main()
