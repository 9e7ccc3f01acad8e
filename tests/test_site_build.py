"""docs/build_site.py refuses notebooks that were not all run, naming them."""

import importlib.util
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "build_site", ROOT / "docs" / "build_site.py"
)
build_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_site)


def _executed_copies(folder: Path) -> None:
    """Every notebook, with one output in its first code cell (as if run)."""
    folder.mkdir()
    for name in build_site.notebook_names():
        notebook = nbformat.read(build_site.NOTEBOOKS / name, as_version=4)
        cell = next(c for c in notebook.cells if c.cell_type == "code")
        cell.outputs = [nbformat.v4.new_output("stream", text="ran\n")]
        nbformat.write(notebook, folder / name)


def test_every_notebook_run_is_accepted(tmp_path):
    _executed_copies(tmp_path / "executed")
    build_site.check_executed(tmp_path / "executed")  # no error


def test_a_missing_notebook_is_named(tmp_path):
    _executed_copies(tmp_path / "executed")
    (tmp_path / "executed" / "05_inpainting.ipynb").unlink()
    with pytest.raises(ValueError, match="lacks 05_inpainting.ipynb"):
        build_site.check_executed(tmp_path / "executed")


def test_a_notebook_that_was_not_run_is_named(tmp_path):
    _executed_copies(tmp_path / "executed")
    shutil.copy(build_site.NOTEBOOKS / "03_d_prior.ipynb", tmp_path / "executed")
    with pytest.raises(ValueError, match="03_d_prior.ipynb has no outputs"):
        build_site.check_executed(tmp_path / "executed")


def test_solutions_and_checks_are_folded_on_the_page_and_nothing_else():
    cells = [
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("x = 2", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("check(x)", metadata={"tags": ["check"]}),
    ]
    folded = build_site.fold_answers(nbformat.v4.new_notebook(cells=cells))
    tags = [c.metadata.get("tags", []) for c in folded.cells]
    assert tags == [[], ["solution", "hide-input"], ["check", "hide-input"]]


def test_a_widget_says_what_it_is_instead_of_its_repr():
    widget = nbformat.v4.new_output(
        "display_data",
        data={"text/plain": "VBox(children=(FloatSlider(...)))", build_site.WIDGET: {}},
    )
    figure = nbformat.v4.new_output("display_data", data={"image/png": "iVBOR"})
    cell = nbformat.v4.new_code_cell("box", outputs=[widget, figure])
    page = build_site.still_widgets(nbformat.v4.new_notebook(cells=[cell]))
    first, second = page.cells[0].outputs
    assert first["data"] == {"text/html": build_site.STILL_WIDGET}
    assert second["data"] == {"image/png": "iVBOR"}  # everything else untouched
