"""Seconds to run each notebook top to bottom, its slowest cell and its kernel's memory.

    python benchmarks/notebook_times.py [--fast] [--threads 1] [notebooks/05_inpainting.ipynb ...]

Executes each notebook in a fresh kernel (real settings unless --fast, which sets
TUTORIAL_FAST=1), with OMP_NUM_THREADS=--threads, and prints a Markdown table: total
seconds, the slowest cell and its first line, and the kernel's peak resident memory
(the kernel's own ru_maxrss, asked in an extra cell after the last: what one open
notebook costs on Binder). Nothing is written to the notebooks.
One thread is the conservative figure: a Binder session gets about one core.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


PEAK_MEMORY = (
    "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def cell_seconds(path: Path, timeout: int):
    """Run one notebook: (total s, [(s, first line)] per code cell, peak memory MiB)."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    cells = []
    with client.setup_kernel():
        began = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            start = time.perf_counter()
            client.execute_cell(cell, index)
            first_line = (cell.source.splitlines() or [""])[0]
            cells.append((time.perf_counter() - start, first_line))
        total = time.perf_counter() - began
        probe = nbformat.v4.new_code_cell(PEAK_MEMORY)
        notebook.cells.append(probe)  # in memory only: the file is not written
        client.execute_cell(probe, len(notebook.cells) - 1)
        peak_mib = int(probe.outputs[0]["text"]) / 1024  # Linux reports KiB
    return total, cells, peak_mib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--fast", action="store_true", help="TUTORIAL_FAST=1")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args()
    os.environ["TUTORIAL_FAST"] = "1" if args.fast else "0"  # inherited by the kernel
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    mode = "fast" if args.fast else "real"
    print(f"{mode} mode, {args.threads} thread(s)")
    print("| notebook | total s | slowest cell s | slowest cell | peak memory MiB |")
    print("| --- | --- | --- | --- | --- |")
    for path in paths:
        total, cells, peak_mib = cell_seconds(path, args.timeout)
        slowest = max(cells)
        print(
            f"| {path.stem} | {total:.0f} | {slowest[0]:.0f} | `{slowest[1][:50]}` "
            f"| {peak_mib:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
