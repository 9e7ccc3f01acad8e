"""Seconds to run each notebook top to bottom, and its slowest cell, on this machine.

    python benchmarks/notebook_times.py [--fast] [--threads 1] [notebooks/05_inpainting.ipynb ...]

Executes each notebook in a fresh kernel (real settings unless --fast, which sets
TUTORIAL_FAST=1), with OMP_NUM_THREADS=--threads, and prints a Markdown table: total
seconds, the slowest cell and its first line. Nothing is written to the notebooks.
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


def cell_seconds(path: Path, timeout: int) -> tuple[float, list[tuple[float, str]]]:
    """Run one notebook; (total seconds, [(seconds, first line)] per code cell)."""
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
    return total, cells


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
    print("| notebook | total s | slowest cell s | slowest cell |")
    print("| --- | --- | --- | --- |")
    for path in paths:
        total, cells = cell_seconds(path, args.timeout)
        slowest = max(cells)
        print(
            f"| {path.stem} | {total:.0f} | {slowest[0]:.0f} | `{slowest[1][:50]}` |",
            flush=True,
        )


if __name__ == "__main__":
    main()
