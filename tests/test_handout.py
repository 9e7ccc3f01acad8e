"""Student copies: no solution cells, outputs cleared, nothing overwritten, still runs."""

import json
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from tutorial_lib.handout import NOTEBOOKS, is_solution, write_handout

SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_solutions_come_after_every_other_code_cell(source):
    """So that removing them cannot break a later cell of the student copy."""
    cells = json.loads(source.read_text())["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    solutions = [i for i in code if is_solution(cells[i])]
    others = [i for i in code if not is_solution(cells[i])]
    assert solutions, f"{source.name} has no solution cells"
    assert max(others) < min(solutions)


def test_copies_have_no_solutions_and_no_outputs(tmp_path):
    written = write_handout(tmp_path / "student")
    assert [p.name for p in written] == [p.name for p in SOURCES]
    for source, copy in zip(SOURCES, written):
        original = json.loads(source.read_text())["cells"]
        cells = json.loads(copy.read_text())["cells"]
        assert not any(is_solution(c) for c in cells)
        assert len(cells) == sum(not is_solution(c) for c in original)
        code = [c for c in cells if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def test_widget_state_in_the_metadata_is_dropped(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    notebook = json.loads(SOURCES[0].read_text())
    notebook["metadata"]["widgets"] = {"state": {"picture": "a large PNG"}}
    (source / SOURCES[0].name).write_text(json.dumps(notebook))
    copy = json.loads(write_handout(tmp_path / "out", source)[0].read_text())
    assert "widgets" not in copy["metadata"]
    assert copy["metadata"]["kernelspec"]["name"] == "python3"


def test_refuses_to_overwrite_a_students_copy(tmp_path):
    out = tmp_path / "student"
    write_handout(out)
    mine = out / SOURCES[0].name
    mine.write_text("my answers")
    with pytest.raises(FileExistsError, match="--force"):
        write_handout(out)
    assert mine.read_text() == "my answers"
    write_handout(out, force=True)
    assert mine.read_text() != "my answers"


def test_command_line_says_what_is_wrong_in_one_line(tmp_path):
    out = tmp_path / "student"
    command = [sys.executable, "-m", "tutorial_lib", "handout", "--out", str(out)]
    first = subprocess.run(command, capture_output=True, text=True)
    assert first.returncode == 0 and f"to {out}/" in first.stdout
    again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode != 0
    assert again.stderr.startswith("error: ") and "Traceback" not in again.stderr


def test_a_student_copy_runs_in_fast_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTORIAL_FAST", "1")
    copy = write_handout(tmp_path / "student")[0]  # 01: the quickest notebook
    notebook = nbformat.read(copy, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3").execute(
        cwd=str(tmp_path)
    )
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
