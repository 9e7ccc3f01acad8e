"""Test collection, and: keep the notebooks that nbval runs, outputs and all, for the rendered site.

With ``NOTEBOOKS_EXECUTED_OUT=dir`` (set by ``make test``), every notebook whose cells
all passed under nbval is written to ``dir`` with the outputs nbval collected, so that
the site's build (docs/build_site.py) renders them without running them a second time.
The variable also sets ``TUTORIAL_STATIC=1`` for the notebooks' kernels: on a page the
explorers show a strip of frames (tutorial_lib.widgets). Without the variable, this
file does nothing.
"""

import os
from pathlib import Path

import nbformat
import pytest

EXPORT = os.environ.get("NOTEBOOKS_EXECUTED_OUT")

# The notebooks' .py files are Jupytext sources, run by nbval through their .ipynb pair;
# pytest must not import them as modules (that would run every notebook twice).
collect_ignore_glob = ["notebooks/*.py", "benchmarks/*.py", "build/*", "docs/*.py"]


def pytest_configure(config):
    if EXPORT:
        os.environ["TUTORIAL_STATIC"] = "1"  # the kernels started from here inherit it
        config._executed_notebooks = {}  # notebook file -> [nbval's file, all passed]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    notebook = getattr(item, "parent", None)
    if not EXPORT or not hasattr(item, "test_outputs") or report.when != "call":
        return
    entry = item.config._executed_notebooks.setdefault(
        notebook.fspath, [notebook, True]
    )
    if report.passed and item.test_outputs is not None:
        item.cell.outputs = item.test_outputs  # the cell object of notebook.nb
    else:
        entry[1] = False


def pytest_sessionfinish(session):
    if not EXPORT:
        return
    out = Path(EXPORT)
    out.mkdir(parents=True, exist_ok=True)
    for path, (notebook, passed) in session.config._executed_notebooks.items():
        if passed:
            nbformat.write(notebook.nb, out / Path(str(path)).name)
