"""PSNR against seconds per face, every task: restore()'s defaults and deepinv's CSGM.

    runs/peer-venv/bin/python benchmarks/peer_per_db.py --n 8 --grid-n 4 \\
        --threads 2 --out runs/peer_per_db/valid8.md

Runs in deepinv's own venv, runs/peer-venv, made as benchmarks/peer_speed.py's
docstring says; it shares that script's helpers (import_deepinv, deepinv_generator,
deepinv_physics, deepinv_measurement, csgm) rather than copying them.

The question: what PSNR does each user get, and how long does one photo take? So
every answer is what the user gets, and every time is one whole one-face call.

Faces: the shipped VALIDATION faces (tl.load_sample_faces(split="valid")), never the
test faces: faces 0..n-1 are scored, faces n..n+grid_n-1 only pick deepinv's best
setting. Each set is corrupted as one batch by our operator, seed 0
(op.corrupt(x, seed=0)); both methods get the same y, one face per call.

Per task, three answers:
  - deepinv, its defaults: CSGMGenerator(gen) with nothing else set (deepinv 0.5.0:
    inf_lr 0.01, inf_max_iter 2500, inf_tol 1e-4: Adam on z ~ U[-1, 1] stops when the
    loss changes by less than 1e-4 of itself in a step; the header prints the
    defaults read from its signature, the table the steps it ran).
  - deepinv, its best: CSGMGenerator(gen, inf_lr=lr, inf_max_iter=steps, inf_tol=0)
    (exactly that many steps) at the (lr, steps) of --lrs x --steps whose mean PSNR
    over the grid_n picking faces is highest; then scored on the scored faces. The
    grid costs one run of max(--steps) steps per lr and face: optimize_z calls the
    generator once per step, at that step's z, so one run holds the answer of every
    shorter run from the same start (_Recorder; checked in every run against a
    separate run of the fewest steps, each task's section prints the difference).
  - ours: tl.restore(y, op, G, D), its tuned defaults (TUNED_SETTINGS: the encoder's
    start, 20-180 steps, blending for inpainting and colorization), precision "auto".
deepinv's generator is a DCGANGenerator holding our G's weights (deepinv_generator;
the header prints max |G'(z) - (2 G(z) - 1)|), frozen (requires_grad False: its
fastest, peer_speed.py's reference row), in eval mode. Its physics is deepinv's own
where it has the operator (deepinv_physics: the classes, and why colorization and
super-resolution are given our weights and box filter; the header prints
max |A'(v) - A(v)|). y reaches it as deepinv_measurement(y) = 2 y - A'(1) (its [-1, 1]
range), its z is drawn after torch.manual_seed(0), and its answer G'(z) comes back as
(x + 1) / 2, clamped to [0, 1]. Then it gets the post-processing ours gets: where
TUNED_SETTINGS blends (inpainting, colorization) op.blend, the same function restore
applies (Poisson blending into y's known pixels; y's luminance with the answer's
chrominance), inside the timed call.

Scores: PSNR against the clean face (tl.psnr), mean +- standard error over the
scored faces; for inpainting also the PSNR in the hole (psnr(where=hole)): both
answers keep y's known pixels, which are the truth's, so it is the image's PSNR minus
10 log10(4) = 6.02 dB (the hole is a quarter of the face).
Time: wall time of one whole call, from our y to the blended answer (conversions,
deepinv's model construction and _Recorder's step count, one Python call a step,
included; sync on CUDA), one call per face, the methods alternating face by face
(after one untimed 3-step call each), median over faces.
"ours reaches deepinv's best" when the paired difference ours - best over the scored
faces is not below 0 by two standard errors (tutorial_lib.metrics.is_measured); the
goal is that, at most a tenth of deepinv's best's median time.

Prints the report (Markdown) and writes it with --out FILE.md, and a CSV of one row
per face and setting beside it (FILE.csv: picking rows too). --max-steps caps every
deepinv run, defaults included, for a dry run: the header then says these are NOT
deepinv's defaults.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import inspect
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
from _cli import add_machine_options, parse_on_machine
from peer_speed import (
    csgm,
    deepinv_generator,
    deepinv_measurement,
    deepinv_physics,
    import_deepinv,
    physics_gap,
    sync,
)

import tutorial_lib as tl
from tutorial_lib.metrics import is_measured, mean_and_error
from tutorial_lib.precision import resolve_precision
from tutorial_lib.solver import TUNED_SETTINGS

COLUMNS = ["task", "role", "method", "lr", "steps", "face", "psnr", "psnr_hole"]
COLUMNS += ["seconds", "steps_run"]


class _Recorder(torch.nn.Module):
    """deepinv's generator, counting its calls and keeping G'(z) at chosen calls.

    CSGMGenerator.optimize_z calls the generator once per Adam step, at that step's
    z, and forward() once more at the final z: call k (from 0) sees z after k steps.
    ``kept[k]`` is then the answer of a run of k steps from the same start, and
    ``calls - 1`` the steps a run took (an early stop included).
    """

    def __init__(self, gen, keep=()):
        super().__init__()
        self.gen, self.nz, self.keep = gen, gen.nz, set(keep)
        self.kept, self.calls = {}, 0

    def forward(self, z):
        x = self.gen(z)
        if self.calls in self.keep:
            self.kept[self.calls] = x.detach().clone()
        self.calls += 1
        return x


def _numbers(kind):
    return lambda text: [kind(v) for v in text.split(",")]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8, help="validation faces scored")
    parser.add_argument(
        "--grid-n", type=int, default=4, help="the next faces, to pick deepinv's best"
    )
    parser.add_argument("--tasks", type=_numbers(str), default=list(tl.TASKS))
    parser.add_argument("--lrs", type=_numbers(float), default=[0.01, 0.03, 0.1, 0.3])
    parser.add_argument("--steps", type=_numbers(int), default=[50, 100, 300, 1000])
    parser.add_argument(
        "--max-steps", type=int, default=0, help="cap deepinv's steps (a dry run)"
    )
    parser.add_argument("--out", type=Path, help="write the report here (and .csv)")
    parser.add_argument("--force", action="store_true", help="overwrite --out")
    add_machine_options(parser, device="cpu")
    parser.set_defaults(threads=2)
    args = parse_on_machine(parser)
    if args.n < 2 or args.grid_n < 1 or args.n + args.grid_n > 64:
        parser.error("need n >= 2, grid-n >= 1, n + grid-n <= 64 (shipped faces)")
    unknown = set(args.tasks) - set(tl.TASKS)
    if unknown:
        parser.error(f"unknown task(s) {sorted(unknown)}; expected some of {tl.TASKS}")
    if args.max_steps:
        args.steps = sorted({min(s, args.max_steps) for s in args.steps})
    written = [args.out, args.out.with_suffix(".csv")] if args.out else []
    if any(path.exists() for path in written) and not args.force:
        parser.error(f"{args.out} or its .csv exists; pass --force to overwrite them")
    return args


class Task:
    """One task's operator, deepinv's physics and the answer each method gives."""

    def __init__(self, name, dinv, gen, G, D, device):
        self.name, self.dinv, self.gen, self.G, self.D = name, dinv, gen, G, D
        self.op = tl.make_operator(name)
        self.physics, self.physics_note = deepinv_physics(dinv, self.op, device)
        self.physics_gap = physics_gap(self.physics, self.op, device)
        self.blend = TUNED_SETTINGS[name].blend

    def finish(self, x_hat, y):
        """What the user gets from a [0, 1] answer: blended into y where ours is."""
        x_hat = x_hat.clamp(0, 1)
        return self.op.blend(x_hat, y) if self.blend else x_hat

    def deepinv(self, y, recorder=None, **options):
        """(answer, steps run) of deepinv's CSGM for one face y, its generator
        wrapped in ``recorder`` (default: one that only counts the steps)."""
        recorder = recorder if recorder is not None else _Recorder(self.gen)
        y_dinv = deepinv_measurement(y, self.physics)
        x_hat = csgm(self.dinv, recorder, y_dinv, self.physics, **options)
        return self.finish(x_hat, y), recorder.calls - 1

    def ours(self, y, **overrides):
        """(answer, steps) of tl.restore with the task's tuned defaults."""
        r = tl.restore(y, self.op, self.G, self.D, **overrides)
        return r.x_hat, r.settings.steps

    def scores(self, x_hat, x):
        """(PSNR, PSNR in the hole or None) of answers x_hat (N, 3, 64, 64)."""
        hole = None
        if self.name == "inpainting":
            hole = tl.psnr(x_hat, x, where=1 - self.op.mask(x)).tolist()
        return tl.psnr(x_hat, x).tolist(), hole


def pick_best(task: Task, x, y, first: int, args):
    """deepinv's (lr, steps) of highest mean PSNR on the picking faces x, y.

    Returns ((lr, steps), {(lr, steps): mean PSNR}, CSV rows, the checkpoint check:
    max |answer read at the fewest steps - a separate run of that many|).
    """
    rows, check = [], None
    for j in range(len(x)):
        for lr in args.lrs:
            options = dict(inf_max_iter=max(args.steps), inf_tol=0.0, inf_lr=lr)
            recorder = _Recorder(task.gen, keep=args.steps)
            task.deepinv(y[j : j + 1], recorder, **options)
            for steps in args.steps:
                x_hat = task.finish((recorder.kept[steps] + 1) / 2, y[j : j + 1])
                psnr, hole = task.scores(x_hat, x[j : j + 1])
                rows.append(
                    dict(task=task.name, role="pick", method="deepinv grid", lr=lr)
                    | dict(steps=steps, face=first + j, psnr=psnr[0])
                    | dict(psnr_hole=hole[0] if hole else "")
                )
            if check is None:  # the recorder's reading against a run of that length
                steps = min(args.steps)
                alone, _ = task.deepinv(
                    y[:1], inf_max_iter=steps, inf_tol=0.0, inf_lr=lr
                )
                read = task.finish((recorder.kept[steps] + 1) / 2, y[:1])
                check = (alone - read).abs().max().item()
                assert check <= 1e-5, f"checkpoint reading differs by {check:.1e}"
    grid = {
        (lr, s): statistics.mean(
            r["psnr"] for r in rows if (r["lr"], r["steps"]) == (lr, s)
        )
        for lr in args.lrs
        for s in args.steps
    }
    return max(grid, key=grid.get), grid, rows, check


def score(task: Task, x, y, best, args):
    """CSV rows of every method on every scored face, one timed call each."""
    defaults = {"inf_max_iter": args.max_steps} if args.max_steps else {}
    lr, steps = best
    tuned = TUNED_SETTINGS[task.name]
    methods = {  # name -> (one-face call, its lr and steps columns)
        "deepinv, its defaults": (lambda y1: task.deepinv(y1, **defaults), "", ""),
        "deepinv, its best": (
            lambda y1: task.deepinv(y1, inf_max_iter=steps, inf_tol=0.0, inf_lr=lr),
            lr,
            steps,
        ),
        "ours, restore() defaults": (task.ours, tuned.lr, tuned.steps),
    }
    # warm-up, untimed: allocator, kernel choice, the encoder's loading
    task.deepinv(y[:1], inf_max_iter=3, inf_tol=0.0)
    task.ours(y[:1], steps=3)
    rows = []
    for i in range(len(x)):
        for name, (run, lr_column, steps_column) in methods.items():
            sync(args.device)
            start = time.perf_counter()
            x_hat, steps_run = run(y[i : i + 1])
            sync(args.device)
            seconds = time.perf_counter() - start
            psnr, hole = task.scores(x_hat, x[i : i + 1])
            rows.append(
                dict(task=task.name, role="score", method=name, lr=lr_column)
                | dict(steps=steps_column, face=i, psnr=psnr[0])
                | dict(psnr_hole=hole[0] if hole else "")
                | dict(seconds=seconds, steps_run=steps_run)
            )
    return rows


def _mean_se(values) -> str:
    mean, error = mean_and_error(torch.tensor(values, dtype=torch.float64))
    return f"{mean:.2f} ± {error:.2f}"


def grid_lines(task: Task, best, grid, check, args) -> list[str]:
    """The task's heading, deepinv's physics and the picking grid (best in bold)."""
    steps = args.steps
    lines = [
        f"## {task.name}",
        "",
        f"deepinv physics: {task.physics_note}; max |A'(v) - A(v)| = "
        f"{task.physics_gap:.1e}. Answers read from one run against a separate run "
        f"of {min(steps)} steps: max difference {check:.1e}.",
        "",
        f"Picking deepinv's best: mean PSNR (dB) on validation faces {args.n}.."
        f"{args.n + args.grid_n - 1}, answers "
        + ("blended" if task.blend else "unblended")
        + ", exactly that many steps (inf_tol 0):",
        "",
        "| lr \\ steps | " + " | ".join(str(s) for s in steps) + " |",
        "|---" * (len(steps) + 1) + "|",
    ]
    for lr in args.lrs:
        cells = [
            f"**{grid[lr, s]:.2f}**" if (lr, s) == best else f"{grid[lr, s]:.2f}"
            for s in steps
        ]
        lines.append(f"| {lr:g} | " + " | ".join(cells) + " |")
    return lines


def method_settings(task: Task, best, defaults, precision) -> dict[str, str]:
    """Method name -> its settings, in words."""
    s = TUNED_SETTINGS[task.name]
    return {
        "deepinv, its defaults": (
            f"lr {defaults['inf_lr']:g}, at most {defaults['inf_max_iter']} steps, "
            f"stop at a relative change < {defaults['inf_tol']:g}"
        ),
        "deepinv, its best": f"lr {best[0]:g}, {best[1]} steps",
        "ours, restore() defaults": (
            f"lam {s.lam:g}, lr {s.lr:g}, {s.steps} steps from the encoder's start, "
            f"{'blended' if s.blend else 'unblended'}, precision auto = {precision}"
        ),
    }


def score_lines(task: Task, settings, by_method, seconds) -> list[str]:
    """One row per method: PSNR (and in the hole), median seconds, steps run."""
    hole = task.name == "inpainting"
    n = len(by_method["ours, restore() defaults"])
    lines = [
        "",
        f"Scored on validation faces 0..{n - 1}, one face per call:",
        "",
        "| method | settings | PSNR dB | "
        + ("PSNR in hole dB | " if hole else "")
        + "median s / face | deepinv best's s / this | steps run (mean) |",
        "|---" * (6 + hole) + "|",
    ]
    for name, method_rows in by_method.items():
        cells = [name, settings[name], _mean_se([r["psnr"] for r in method_rows])]
        if hole:
            cells.append(_mean_se([r["psnr_hole"] for r in method_rows]))
        cells += [
            f"{seconds[name]:.3f}",
            f"{seconds['deepinv, its best'] / seconds[name]:.2f}",
            f"{statistics.mean(r['steps_run'] for r in method_rows):.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def verdict(best_rows, our_rows, ratio: float):
    """(ours - best: mean, standard error), its reading in words, goal met."""
    difference = torch.tensor(
        [o["psnr"] - b["psnr"] for o, b in zip(our_rows, best_rows)],
        dtype=torch.float64,
    )
    d = mean_and_error(difference)
    if d[0] > 0 and is_measured(d):
        words, reaches = "above, measured", True
    elif d[0] < 0 and is_measured(d):
        words, reaches = "below, measured", False
    else:
        words, reaches = "level within 2 standard errors", True
    return d, words, reaches, reaches and ratio >= 10


def task_report(task: Task, best, grid, rows, check, args, defaults, precision):
    """The task's Markdown section and its row of the summary table."""
    settings = method_settings(task, best, defaults, precision)
    by_method = {name: [r for r in rows if r["method"] == name] for name in settings}
    seconds = {
        name: statistics.median(r["seconds"] for r in method_rows)
        for name, method_rows in by_method.items()
    }
    best_rows = by_method["deepinv, its best"]
    our_rows = by_method["ours, restore() defaults"]
    ratio = seconds["deepinv, its best"] / seconds["ours, restore() defaults"]
    d, words, reaches, goal = verdict(best_rows, our_rows, ratio)
    lines = grid_lines(task, best, grid, check, args)
    lines += score_lines(task, settings, by_method, seconds)
    lines += [
        "",
        f"ours - deepinv best: {d[0]:+.2f} ± {d[1]:.2f} dB (paired over "
        f"{len(our_rows)} faces: {words}); deepinv best's time per face / ours: "
        f"{ratio:.2f}; goal (reach its PSNR in at most 1/10 of its time): "
        f"{'met' if goal else 'NOT met'}.",
        "",
    ]
    summary = (
        f"| {task.name} | {_mean_se([r['psnr'] for r in best_rows])} "
        f"({best[0]:g}, {best[1]}) | {seconds['deepinv, its best']:.3f} | "
        f"{_mean_se([r['psnr'] for r in our_rows])} | "
        f"{seconds['ours, restore() defaults']:.3f} | {d[0]:+.2f} ± {d[1]:.2f} | "
        f"{'yes' if reaches else 'no'} | {ratio:.2f} | {'met' if goal else 'NOT met'} |"
    )
    return lines, summary


def header(args, dinv, tv_note, gap, defaults) -> list[str]:
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    lines = [
        "# restore() against deepinv's CSGM: PSNR and seconds per face, every task",
        "",
        f"command: runs/peer-venv/bin/python benchmarks/peer_per_db.py "
        f"{' '.join(sys.argv[1:])}",
        "",
        f"date {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}; "
        f"commit {commit}; torch {torch.__version__}, deepinv {dinv.__version__}, "
        f"{tv_note}; Python {platform.python_version()}; "
        f"{platform.processor() or platform.machine()}, "
        f"{torch.get_num_threads()} torch threads, device {args.device}",
        "",
        f"deepinv's CSGMGenerator defaults (its signature): lr {defaults['inf_lr']:g}, "
        f"max_iter {defaults['inf_max_iter']}, tol {defaults['inf_tol']:g}; its "
        "generator: the shipped G's weights, frozen, max |G'(z) - (2 G(z) - 1)| = "
        f"{gap:.1e}",
        "",
        f"{args.n} validation faces scored (0..{args.n - 1}), the next {args.grid_n} "
        "pick deepinv's best; corruption seed 0; PSNR mean ± standard error over "
        "faces; seconds: median over faces of one whole one-face call; method "
        "docstring: benchmarks/peer_per_db.py",
    ]
    if args.max_steps:
        lines += [
            "",
            f"**DRY RUN: every deepinv run capped at {args.max_steps} steps; these "
            "are not deepinv's defaults nor its best.**",
        ]
    return lines + [""]


def main() -> None:
    args = parse_args()
    dinv, tv_note = import_deepinv()
    device = args.device
    G, D = tl.load_pretrained(device=device)
    gen, gap = deepinv_generator(dinv, G)
    if gap is None:
        sys.exit("error: deepinv's DCGANGenerator does not take G's weights")
    gen = gen.to(device).requires_grad_(False)
    signature = inspect.signature(dinv.models.CSGMGenerator.__init__).parameters
    defaults = {k: signature[k].default for k in ("inf_lr", "inf_max_iter", "inf_tol")}
    lines = header(args, dinv, tv_note, gap, defaults)
    if args.max_steps:  # what the "defaults" rows ran
        defaults["inf_max_iter"] = min(defaults["inf_max_iter"], args.max_steps)

    faces = tl.load_sample_faces(args.n + args.grid_n, split="valid").to(device)
    x, x_pick = faces[: args.n], faces[args.n :]
    summary = [
        "| task | deepinv best PSNR (lr, steps) | its s / face | ours PSNR | "
        "ours s / face | ours - best dB (paired) | reaches | its s / ours | goal |",
        "|---" * 9 + "|",
    ]
    rows = []
    for name in args.tasks:
        task = Task(name, dinv, gen, G, D, device)
        y, y_pick = task.op.corrupt(x, seed=0), task.op.corrupt(x_pick, seed=0)
        began = time.perf_counter()
        best, grid, pick_rows, check = pick_best(task, x_pick, y_pick, args.n, args)
        print(
            f"{name}: picked lr {best[0]:g}, {best[1]} steps "
            f"({time.perf_counter() - began:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
        began = time.perf_counter()
        score_rows = score(task, x, y, best, args)
        print(
            f"{name}: scored ({time.perf_counter() - began:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
        tuned = TUNED_SETTINGS[name]  # restore resolves "auto" for faces x restarts
        precision = resolve_precision(tuned.precision, device, batch=tuned.restarts)
        section, row = task_report(
            task, best, grid, score_rows, check, args, defaults, precision
        )
        lines += section
        summary.append(row)
        rows += pick_rows + score_rows

    lines += ["## Summary", ""] + summary
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report)
        with open(args.out.with_suffix(".csv"), "w", newline="") as f:
            writer = csv.DictWriter(f, COLUMNS)
            writer.writeheader()
            writer.writerows(rows)


if __name__ == "__main__":
    main()
