"""Every notebook is a Jupytext pair, and the pair is in sync (the .py is the source)."""

import re
from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def _cells(notebook):
    return [(c.cell_type, c.source.strip()) for c in notebook.cells]


def test_every_notebook_has_both_files():
    py = {p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.py")}
    ipynb = {p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    assert py == ipynb, f"unpaired: {sorted(py ^ ipynb)}"


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_pair_is_in_sync(source):
    from_py = jupytext.read(source)
    from_ipynb = jupytext.read(source.with_suffix(".ipynb"))
    assert _cells(from_py) == _cells(from_ipynb), (
        f"{source.name} and its .ipynb differ: run `make sync`"
    )


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_notebook_frame(source):
    """Goals at the top, a summary and exercises at the end, no downloads."""
    text = source.read_text()
    assert "In this notebook we" in text and "In this notebook we have" in text
    assert "Exercise" in text
    assert "urlretrieve" not in text and "requests.get" not in text


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_notebook_names_its_kernel(source):
    """Without a kernelspec JupyterLab opens every notebook with "Select Kernel"."""
    for notebook in (source, source.with_suffix(".ipynb")):
        kernel = jupytext.read(notebook).metadata.get("kernelspec", {})
        assert kernel.get("name") == "python3", f"{notebook.name}: no python3 kernel"


SMALL_TYPE = re.compile(r"\b(?:fontsize|labelsize)\s*=\s*(\d+(?:\.\d+)?)")


def small_type(text: str, smallest: float = 8) -> list:
    """Font sizes below ``smallest`` points set in ``text`` (fontsize=, labelsize=),
    doctest lines left out (slides.py's doctest draws a 6-pt label to show its check
    catching it)."""
    lines = text.splitlines()
    code = "\n".join(line for line in lines if not line.lstrip().startswith(">>>"))
    sizes = [float(m.group(1)) for m in SMALL_TYPE.finditer(code)]
    return [size for size in sizes if size < smallest]


def test_no_label_anywhere_is_set_below_8_points():
    """A 6-pt label is unreadable on a laptop and a smudge on a projector (slides have
    their own 14-pt check, tutorial_lib.slides)."""
    assert small_type("ax.legend(fontsize=7); ax.tick_params(labelsize=8)") == [7.0]
    assert small_type(">>> ax.set_xlabel('note', fontsize=6)") == []
    files = [*SOURCES, *(NOTEBOOKS.parent / "tutorial_lib").rglob("*.py")]
    found = {f.name: small_type(f.read_text()) for f in files}
    assert not {k: v for k, v in found.items() if v}
