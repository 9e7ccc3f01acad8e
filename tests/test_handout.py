"""Student copies: no solution cells, outputs cleared, nothing overwritten, still runs."""

import json
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from tutorial_lib.handout import NOTEBOOKS, is_solution, write_handout

SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def is_starter(cell: dict) -> bool:
    """A cell tagged "starter": the skeleton of an exercise, for the student to fill in."""
    return "starter" in cell.get("metadata", {}).get("tags", [])


def only_comments(cell: dict) -> bool:
    """Every line of the cell's source is blank or a comment: running it does nothing."""
    source = cell["source"]
    lines = (
        "".join(source).splitlines() if isinstance(source, list) else source.split("\n")
    )
    return all(not line.strip() or line.lstrip().startswith("#") for line in lines)


def order_problems(cells: list) -> list:
    """What would let a student copy (solutions removed) break, in nbformat cells.

    After the first solution cell, every code cell must be a solution or a starter; and
    a starter must hold only comments, so that it defines nothing a later cell uses.
    """
    code = [(i, c) for i, c in enumerate(cells) if c["cell_type"] == "code"]
    first = next((i for i, c in code if is_solution(c)), None)
    problems = [
        f"cell {i}: a starter with code"
        for i, c in code
        if is_starter(c) and not only_comments(c)
    ]
    if first is None:
        return problems + ["no solution cells"]
    problems += [
        f"cell {i}: a plain code cell after the first solution (cell {first})"
        for i, c in code
        if i > first and not (is_solution(c) or is_starter(c))
    ]
    return problems


def _cell(kind, source, *tags):
    return {"cell_type": kind, "metadata": {"tags": list(tags)}, "source": source}


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_only_solutions_and_starters_follow_the_first_solution(source):
    """So that removing the solutions cannot break a later cell of the student copy."""
    cells = json.loads(source.read_text())["cells"]
    assert not order_problems(cells), order_problems(cells)
    assert any(is_starter(c) for c in cells), f"{source.name} has no starter cells"


def test_the_order_check_fails_where_a_copy_could_break():
    lesson = _cell("code", "x = 1\nx")
    starter = _cell("code", "# y = x + ...\n\n#   ...", "starter")
    solution = _cell("code", "y = x + 1", "solution")
    assert order_problems([lesson, starter, solution, starter, solution]) == []
    assert order_problems([lesson, solution, _cell("markdown", "text")]) == []
    # a plain code cell after a solution could use what the solution defined
    assert order_problems([lesson, solution, _cell("code", "y")]) == [
        "cell 2: a plain code cell after the first solution (cell 1)"
    ]
    # a starter that runs code could define or overwrite what a later cell uses
    assert order_problems(
        [lesson, _cell("code", ["# fill in\n", "y = 0"], "starter"), solution]
    ) == ["cell 1: a starter with code"]
    assert order_problems([lesson, starter]) == ["no solution cells"]


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
