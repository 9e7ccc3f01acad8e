"""Build the rendered course: the notebooks with their outputs, the lesson plan, as HTML.

    python docs/build_site.py                       # make site: runs every notebook, real settings
    python docs/build_site.py --executed _build/executed --out _build/site-fast
                                                    # make test: the notebooks nbval ran

Three steps. Run: each notebook top to bottom in a fresh kernel with
``TUTORIAL_STATIC=1`` (explorers draw a strip of frames), two at a time, into
``_build/executed-real/`` (or ``-fast/`` under TUTORIAL_FAST=1); a notebook whose code
has not changed since its last run there is not run again. With ``--executed`` this
step is skipped: the root conftest.py keeps the notebooks that nbval ran. Stage: the
pages in ``<out>-src/``, docs/*.md and the executed notebooks with solutions and checks
folded and widgets described (no kernel, no widget). Render: Sphinx with MyST-NB
(docs/conf.py says why), warnings as errors, so that a broken link fails the build
and names its page. The site's front page is ``<out>/index.html``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
WIDGET = "application/vnd.jupyter.widget-view+json"
STILL_WIDGET = (
    "<small><i>A widget (a slider, a button, an upload) stands here in the notebook; "
    "it needs a running kernel: open the notebook to use it.</i></small>"
)


def notebook_names() -> list[str]:
    """The course's notebooks, NN_name.ipynb, in order."""
    return sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _code(notebook) -> list[str]:
    return [c.source for c in notebook.cells if c.cell_type == "code"]


def run_one(name: str, out: Path) -> str:
    """Execute notebooks/<name> into ``out``, unless its code ran there already."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    done = out / name
    if done.exists() and _code(nbformat.read(done, as_version=4)) == _code(notebook):
        return f"{name}: unchanged since its last run, kept"
    client = NotebookClient(
        notebook,
        timeout=1800,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:  # its message holds the cell and traceback
        raise RuntimeError(f"{name} failed in a cell:\n{error}") from None
    nbformat.write(notebook, done)
    return f"{name}: run"


def run_all(out: Path, jobs: int) -> None:
    """Execute every notebook into ``out`` (static explorers, one thread per kernel)."""
    out.mkdir(parents=True, exist_ok=True)
    os.environ.update(TUTORIAL_STATIC="1", OMP_NUM_THREADS="1")  # the kernels inherit
    with ProcessPoolExecutor(jobs) as pool:
        for said in pool.map(run_one, notebook_names(), [out] * len(notebook_names())):
            print(said, flush=True)


def check_executed(folder: Path) -> None:
    """Raise ValueError unless ``folder`` holds every notebook with every cell run."""
    missing = [n for n in notebook_names() if not (folder / n).exists()]
    if missing:
        raise ValueError(
            f"{folder} lacks {', '.join(missing)}: a notebook whose cells did not all "
            "pass under nbval is not kept (see conftest.py); run the tests first"
        )
    for name in notebook_names():
        cells = nbformat.read(folder / name, as_version=4).cells
        code = [c for c in cells if c.cell_type == "code"]
        # a cell may print nothing, but a notebook with no output at all was not run
        if not any(c.outputs for c in code):
            raise ValueError(f"{folder / name} has no outputs: it was not executed")


def still_widgets(notebook):
    """A widget's output says what it is instead of its Python repr, which is all a
    page without a kernel could show ("VBox(children=(FloatSlider(...")."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if WIDGET in output.get("data", {}):
                output["data"] = {"text/html": STILL_WIDGET}
    return notebook


def fold_answers(notebook):
    """Solutions and checks folded on the page, as in JupyterLab: MyST-NB's
    "hide-input" tag keeps the code behind a "Show code cell source" toggle, and the
    output (the solution's answer, the check's verdict) in view."""
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if {"solution", "check"} & set(tags) and "hide-input" not in tags:
            cell.metadata["tags"] = [*tags, "hide-input"]
    return notebook


def stage(source: Path, executed: Path) -> None:
    """Fill ``source`` with the pages: docs/*.md and the executed notebooks."""
    if source.exists():
        shutil.rmtree(source)
    (source / "docs").mkdir(parents=True)
    (source / "notebooks").mkdir()
    for page in DOCS.glob("*.md"):
        shutil.copy(page, source / "docs" / page.name)
    for name in notebook_names():
        notebook = nbformat.read(executed / name, as_version=4)
        page = still_widgets(fold_answers(notebook))
        nbformat.write(page, source / "notebooks" / name)


def build(out: Path, executed: Path | None = None, jobs: int = 2) -> Path:
    """Build the site into ``out``; return its front page. See the module docstring."""
    if executed is None:
        fast = os.environ.get("TUTORIAL_FAST", "0") not in ("", "0")
        executed = ROOT / "_build" / f"executed-{'fast' if fast else 'real'}"
        run_all(executed, jobs)
    check_executed(executed)
    source = out.with_name(out.name + "-src")
    stage(source, executed)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(DOCS)]
    command += ["-W", "--keep-going", "-q", str(source), str(out)]
    if subprocess.run(command).returncode != 0:
        raise SystemExit(
            "error: the site's build failed (the messages above name the page)"
        )
    return out / "index.html"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "site")
    parser.add_argument(
        "--executed", type=Path, help="notebooks already run (kept by nbval)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once")
    args = parser.parse_args(argv)
    try:
        front = build(args.out, args.executed, args.jobs)
    except (ValueError, RuntimeError) as error:
        raise SystemExit(f"error: {error}") from None
    print(f"The site: {front}")


if __name__ == "__main__":
    main()
