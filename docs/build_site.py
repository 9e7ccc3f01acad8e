"""Build the rendered course: the notebooks with their outputs, the lesson plan, as HTML.

    python docs/build_site.py                       # make site: runs every notebook, real settings
    python docs/build_site.py --executed _build/executed --out _build/site-fast
                                                    # make test: notebooks nbval already ran

The pages are staged in ``<out>-src/`` (docs/*.md, and the notebooks: copies of
notebooks/ to be executed by MyST-NB, or the executed copies that nbval kept, see the
root conftest.py) and built with Sphinx and MyST-NB (docs/conf.py says why those), with
warnings as errors, so that a broken link or a failing cell fails the build and names
its page. Executions are cached per settings (``_build/site-cache-real``, ``-fast``):
a rebuild runs only the notebooks whose code changed. The site's front page is
``<out>/index.html``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"


def notebook_names() -> list[str]:
    """The course's notebooks, NN_name.ipynb, in order."""
    return sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


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
        unrun = [
            i for i, c in enumerate(cells) if c.cell_type == "code" and not c.outputs
        ]
        # a cell may print nothing, but a notebook with no output at all was not run
        if len(unrun) == sum(c.cell_type == "code" for c in cells):
            raise ValueError(f"{folder / name} has no outputs: it was not executed")


def stage(source: Path, executed: Path | None) -> None:
    """Fill ``source`` with the pages: docs/*.md and the notebooks (run or to run)."""
    if source.exists():
        shutil.rmtree(source)
    (source / "docs").mkdir(parents=True)
    (source / "notebooks").mkdir()
    for page in DOCS.glob("*.md"):
        shutil.copy(page, source / "docs" / page.name)
    for name in notebook_names():
        notebook = nbformat.read((executed or NOTEBOOKS) / name, as_version=4)
        nbformat.write(fold_answers(notebook), source / "notebooks" / name)


def fold_answers(notebook):
    """Solutions and checks folded on the page, as in JupyterLab: MyST-NB's
    "hide-input" tag keeps the code behind a "Show code cell source" toggle, and the
    output (the solution's answer, the check's verdict) in view."""
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if {"solution", "check"} & set(tags) and "hide-input" not in tags:
            cell.metadata["tags"] = [*tags, "hide-input"]
    return notebook


def build(out: Path, executed: Path | None = None, jobs: int = 2) -> Path:
    """Build the site into ``out``; return its front page. See the module docstring."""
    if executed is not None:
        check_executed(executed)
    source = out.with_name(out.name + "-src")
    stage(source, executed)
    fast = os.environ.get("TUTORIAL_FAST", "0") not in ("", "0")
    env = os.environ | {
        "SITE_EXECUTION": "off" if executed else "cache",
        "SITE_CACHE": str(ROOT / "_build" / f"site-cache-{'fast' if fast else 'real'}"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),  # one per kernel
    }
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(DOCS)]
    command += ["-j", str(jobs), "-W", "--keep-going", "-q", str(source), str(out)]
    result = subprocess.run(command, env=env)
    if result.returncode != 0:
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
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None
    print(f"The site: {front}")


if __name__ == "__main__":
    main()
