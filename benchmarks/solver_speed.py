"""Median milliseconds per solver step (one Adam step on z: G, D, backward), per device.

    python benchmarks/solver_speed.py [--steps 30] [--repeats 3] [--threads N] \
        [--sizes 1 4 16 64] [--devices cpu cuda]

For batches of 1 to 64 images (one restart each), on the CPU and on CUDA when
present, in float32 and under bfloat16 autocast side by side (the two alternate, so
they share the machine's state); the last column is their ratio, which sets
tutorial_lib.precision.BF16_MIN_BATCH. Each step's time is read from restore()'s
callback, so the figure is the solver loop itself; the first steps of each run are a
warm-up and are dropped. Uses the shipped weights when present (the cost does not
depend on the weights).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import torch

import tutorial_lib as tl
from tutorial_lib.models import freeze, make_dcgan


def step_times(G, D, n: int, steps: int, device, precision: str) -> list[float]:
    op = tl.make_operator("inpainting")
    y = op.corrupt(tl.load_sample_faces(min(n, 64)).repeat(-(-n // 64), 1, 1, 1)[:n])
    stamps = []

    def tick(step, x):
        if x.is_cuda:
            torch.cuda.synchronize()
        stamps.append(time.perf_counter())

    tl.restore(
        y.to(device),
        op,
        G,
        D,
        steps=steps,
        restarts=1,
        blend=False,
        precision=precision,
        callback=tick,
        callback_every=1,
    )
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    return gaps[3:]  # warm-up: allocator and kernel selection


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument(
        "--threads", type=int, default=0, help="CPU threads (0: torch's)"
    )
    parser.add_argument(
        "--devices", nargs="+", default=None, help="default: cpu, and cuda if present"
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        G, D = tl.load_pretrained(device="cpu")
        weights = "shipped weights"
    except FileNotFoundError:
        G, D = make_dcgan()
        freeze(G, D)
        weights = "random weights (same cost)"
    devices = args.devices or ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    print(
        f"torch {torch.__version__}, {platform.processor() or platform.machine()}, "
        f"{torch.get_num_threads()} CPU threads, {weights}"
    )
    print(
        "| device | images | fp32 ms / step | bf16 ms / step | fp32 ms / image "
        "| bf16 ms / image | fp32 / bf16 |"
    )
    print("| --- " * 7 + "|")
    for device in devices:
        G, D = G.to(device), D.to(device)
        name = torch.cuda.get_device_name() if device == "cuda" else "cpu"
        for n in args.sizes:
            times = {"fp32": [], "bf16": []}
            for _ in range(args.repeats):
                for precision, kept in times.items():
                    kept += step_times(G, D, n, args.steps, device, precision)
            fp32, bf16 = (1000 * statistics.median(t) for t in times.values())
            print(
                f"| {name} | {n} | {fp32:.2f} | {bf16:.2f} | {fp32 / n:.2f} "
                f"| {bf16 / n:.2f} | {fp32 / bf16:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
