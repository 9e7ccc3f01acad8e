"""How long a student waits after moving a slider of the explorer: medians per task.

    python benchmarks/explorer_latency.py [--moves 6] [--threads 2] [--device cpu]
                                          [--steps 30 60]

For each task, builds the RestorationExplorer of the task notebooks on a shipped test
face (the notebooks' settings: warm-started re-runs, a preview after step 1 and then
every 3 steps; each
value of --steps, the Adam steps of a re-run, side by side: the explorer's default
first), then moves the sliders from code as a student would: lambda through a few
values, then p. Per move it records the PSNR of the settled face and the seconds from
setting the slider to
    first update     the first picture redrawn, after Adam has moved (step 1; the
                     warm start itself is the picture already shown),
    settled          the end of the re-run, metrics updated,
and prints the medians over the moves (for PSNR, the median of the faces each move
settled on: fewer steps per re-run are only a gain if it stays close). Then two quick moves: lambda moved once, and
again as soon as the first picture of that run is drawn, timed from the second move to
the settled result ("two quick moves", against "settled": the stale run is stopped
after its current step, so the two should be close, not twice as long). Run it on an
otherwise idle machine: on two cores a second busy process slows torch several times
over.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import torch

import tutorial_lib as tl
from tutorial_lib.widgets import RestorationExplorer

LAMS = (0.01, 0.1, 1.0, 10.0, 0.3, 3.0)
PS = (2.0, 1.5, 1.0, 0.5)


def move_times(explorer: RestorationExplorer, slider, value) -> dict[str, float]:
    """Set one slider from code and time the explorer's response."""
    stamps = []
    preview = explorer._preview

    def timed_preview(step, x):
        preview(step, x)
        stamps.append((step, time.perf_counter()))

    explorer._preview = timed_preview
    began = time.perf_counter()
    slider.value = value  # the observer starts a run, as a mouse move would
    explorer.wait()
    settled = time.perf_counter()
    explorer._preview = preview
    first_update = next(t for step, t in stamps if step > 0)
    return {
        "first update": first_update - began,
        "settled": settled - began,
    }


def two_quick_moves(explorer: RestorationExplorer, first, second) -> float:
    """Seconds from the second of two quick lambda moves to the settled result."""
    drawn = threading.Event()

    def on_picture(_):
        drawn.set()

    explorer.image.observe(on_picture, names="value")
    explorer.lam_slider.value = first
    drawn.wait()  # the first run is going: its first preview is on the screen
    began = time.perf_counter()
    explorer.lam_slider.value = second
    explorer.wait()
    settled = time.perf_counter() - began
    explorer.image.unobserve(on_picture, names="value")
    return settled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=6, help="lambda moves, then p")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--tasks", nargs="+", default=list(tl.TASKS))
    parser.add_argument(
        "--steps", nargs="+", type=int, default=[None], help="Adam steps per re-run"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    G, D = tl.load_pretrained(device=args.device)
    face = tl.load_sample_faces(1).to(args.device)
    print(
        f"device {args.device}, {torch.get_num_threads()} threads, "
        f"{args.moves} lambda moves and {len(PS)} p moves per task; medians in seconds"
    )
    print("| task | steps | first update | settled | two quick moves | PSNR |")
    print("| --- | --- | --- | --- | --- | --- |")
    for task in args.tasks:
        for steps in args.steps:
            explorer = RestorationExplorer(face, task, G, D, steps=steps)
            moves = [(explorer.lam_slider, lam) for lam in LAMS[: args.moves]]
            moves += [(explorer.p_slider, p) for p in PS]
            times = [move_times(explorer, slider, value) for slider, value in moves]
            psnrs = [run["psnr"] for run in explorer.runs[1:]]  # after each move
            medians = [
                statistics.median(t[key] for t in times)
                for key in ("first update", "settled")
            ]
            pairs = list(zip(LAMS[::2], LAMS[1::2]))  # (0.01, 0.1), (1, 10), (0.3, 3)
            quick = [two_quick_moves(explorer, *v) for v in pairs]
            medians += [statistics.median(quick), statistics.median(psnrs)]
            print(
                f"| {task} | {explorer.steps} | "
                + " | ".join(f"{m:.2f}" for m in medians)
                + " |",
                flush=True,
            )


if __name__ == "__main__":
    main()
