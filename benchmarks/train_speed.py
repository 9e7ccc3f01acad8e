"""Training speed of the DCGAN: images per second for each precision and memory format.

    python benchmarks/train_speed.py [--steps 8] [--repeats 3] [--threads N] [--device cpu]

One training step = a D step and a G step on a batch of 128 (tutorial_lib.train's
train_epoch, the code the real run uses), on random faces. The four variants (float32 /
bfloat16 autocast, contiguous NCHW / channels_last NHWC) are timed side by side in one
run, interleaved `--repeats` times; each figure is the median over repeats of the
seconds per step of a run of `--steps` steps after one warm-up step. The ratio to
float32 NCHW is the number to compare across machines.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import torch
from _cli import add_machine_options, parse_on_machine

from tutorial_lib.models import make_dcgan
from tutorial_lib.precision import bf16_is_fast
from tutorial_lib.train import TrainConfig, train_epoch

VARIANTS = [("fp32", False), ("fp32", True), ("bf16", False), ("bf16", True)]


def seconds_per_step(
    precision: str, channels_last: bool, faces, steps: int, device
) -> float:
    # ema_decay 0: the average is a cheap lerp; leave it out of the timing
    config = TrainConfig(
        batch_size=128, precision=precision, channels_last=channels_last, ema_decay=0
    )
    memory_format = torch.channels_last if channels_last else torch.contiguous_format
    G, D = make_dcgan(seed=0)
    G, D = (
        G.to(device, memory_format=memory_format),
        D.to(device, memory_format=memory_format),
    )
    G_ema = None
    opt_G = torch.optim.Adam(G.parameters(), lr=config.lr, betas=(config.beta1, 0.999))
    opt_D = torch.optim.Adam(D.parameters(), lr=config.lr, betas=(config.beta1, 0.999))
    train_epoch(G, D, G_ema, opt_G, opt_D, faces[:128], config, 0, device)  # warm-up
    if device.type == "cuda":
        torch.cuda.synchronize()
    tic = time.perf_counter()
    train_epoch(G, D, G_ema, opt_G, opt_D, faces[: 128 * steps], config, 1, device)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - tic) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    add_machine_options(parser, device="cpu")
    args = parse_on_machine(parser)
    device = torch.device(args.device)
    faces = torch.rand(
        128 * args.steps, 3, 64, 64, generator=torch.Generator().manual_seed(0)
    )
    times = {variant: [] for variant in VARIANTS}
    for _ in range(args.repeats):
        for variant in VARIANTS:
            times[variant].append(seconds_per_step(*variant, faces, args.steps, device))
    name = (
        torch.cuda.get_device_name(device)
        if device.type == "cuda"
        else platform.processor()
    )
    print(
        f"device {device} ({name or platform.machine()}), {torch.get_num_threads()} CPU "
        f"threads, torch {torch.__version__}, bf16 fast here: {bf16_is_fast(device)}; "
        f"batch 128, median of {args.repeats} runs of {args.steps} steps\n"
    )
    print("| precision | memory format | s per step | images / s | speed-up |")
    print("| --- | --- | --- | --- | --- |")
    base = statistics.median(times[VARIANTS[0]])
    for (precision, channels_last), values in times.items():
        t = statistics.median(values)
        layout = "channels_last" if channels_last else "NCHW"
        print(f"| {precision} | {layout} | {t:.3f} | {128 / t:.0f} | {base / t:.2f}x |")


if __name__ == "__main__":
    main()
