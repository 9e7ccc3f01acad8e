"""Student copies: no solution cells, outputs cleared, nothing overwritten, still runs."""

import ast
import builtins
import json
import re
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


def is_check(cell: dict) -> bool:
    """A cell tagged "check": tl.check_answer on the exercise's answer."""
    return "check" in cell.get("metadata", {}).get("tags", [])


def source_of(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


PLACEHOLDER = re.compile(r"^(\w+) = \.\.\.(\s+#.*)?$")  # answer = ...  # what it is


def placeholders(cell: dict) -> list:
    """The names a starter gives its answer, `name = ...` lines."""
    lines = source_of(cell).splitlines()
    return [m.group(1) for m in map(PLACEHOLDER.match, lines) if m]


def only_comments(cell: dict) -> bool:
    """Every line is blank, a comment or an answer's placeholder (`name = ...`):
    running it defines nothing but the placeholders."""
    return all(
        not line.strip() or line.lstrip().startswith("#") or PLACEHOLDER.match(line)
        for line in source_of(cell).splitlines()
    )


def order_problems(cells: list) -> list:
    """What would let a student copy (solutions removed) break, in nbformat cells.

    After the first solution cell, every code cell must be a solution, a starter or a
    check; and a starter must hold only comments and placeholders, so that it defines
    nothing a later cell uses but the answer's name.
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
        if i > first and not (is_solution(c) or is_starter(c) or is_check(c))
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
    # with no answers given, every check says so instead of failing or answering
    said = [o.get("text", "") for c in code if is_check(c) for o in c.outputs]
    checks = sum(is_check(c) for c in code)
    assert checks and sum("no answer yet" in t for t in said) == checks, said


def exercise_problems(cells: list, number: str) -> list:
    """What is wrong with the exercises' cells of notebook ``number`` (e.g. "01").

    Each starter names its answer (`name = ...`) and is followed by a solution that
    assigns that name and by a check cell, `tl.check_answer("NN.k", name, ...)`, with
    k counting the exercises.
    """
    code = [c for c in cells if c["cell_type"] == "code"]
    starts = [i for i, c in enumerate(code) if is_starter(c)]
    problems = []
    for k, i in enumerate(starts, start=1):
        names = placeholders(code[i])
        label = f'"{number}.{k}"'
        following = code[i + 1 : i + 3]
        if len(names) != 1:
            problems.append(f"exercise {k}: its starter names {len(names)} answers")
            continue
        name = names[0]
        if len(following) < 2 or not (
            is_solution(following[0]) and is_check(following[1])
        ):
            problems.append(f"exercise {k}: not starter, solution, check")
            continue
        solution, check = (source_of(c) for c in following)
        assigned = {
            t.id
            for node in ast.walk(ast.parse(solution))
            for t in getattr(node, "targets", [getattr(node, "target", None)])
            if isinstance(t, ast.Name)
        }
        if name not in assigned:
            problems.append(f"exercise {k}: the solution never assigns {name}")
        if not re.search(rf"check_answer\(\s*{re.escape(label)},\s*{name}\b", check):
            problems.append(f"exercise {k}: the check does not test {label}, {name}")
    return problems


def free_names(source: str) -> set:
    """Names a cell reads that it does not bind itself (lambda arguments and the
    comprehensions' variables are its own)."""
    tree = ast.parse(source)
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    bound = {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    bound |= {
        n.id
        for c in ast.walk(tree)
        if isinstance(c, ast.comprehension)
        for n in ast.walk(c.target)
        if isinstance(n, ast.Name)
    }
    return read - bound - set(dir(builtins))


def defined_names(source: str) -> set:
    """Names a cell binds for later cells: assignments, imports, defs, for loops."""
    tree = ast.parse(source)
    names = {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    names |= {
        (a.asname or a.name).split(".")[0]
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in n.names
    }
    defs = (ast.FunctionDef, ast.ClassDef)
    return names | {n.name for n in ast.walk(tree) if isinstance(n, defs)}


def unknown_in_checks(cells: list) -> list:
    """Names a check cell reads that only a solution defines: a NameError in a copy."""
    known, problems = set(), []
    for i, cell in enumerate(c for c in cells if c["cell_type"] == "code"):
        source = source_of(cell)
        if is_check(cell):
            missing = sorted(free_names(source) - known)
            problems += [f"code cell {i}: the check reads {m}" for m in missing]
        if not is_solution(cell) and not source.lstrip().startswith(("%", "!")):
            known |= defined_names(source)
    return problems


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_every_exercise_has_a_check_that_a_student_copy_can_run(source):
    cells = json.loads(source.read_text())["cells"]
    problems = exercise_problems(cells, source.name[:2])
    assert not problems, f"{source.name}: {problems}"
    assert not unknown_in_checks(cells), f"{source.name}: {unknown_in_checks(cells)}"


def test_the_exercise_checks_fail_where_a_copy_would_break():
    starter = _cell("code", "bound = ...  # in dB\n# bound = 10 * ...", "starter")
    solution = _cell("code", "bound = 18.06", "solution")
    check = _cell(
        "code", 'tl.check_answer("01.1", bound, [("x", lambda b: b > 0)])', "check"
    )
    lesson = _cell("code", "import tutorial_lib as tl")
    assert exercise_problems([lesson, starter, solution, check], "01") == []
    assert unknown_in_checks([lesson, starter, solution, check]) == []
    assert exercise_problems([lesson, starter, solution], "01") == [
        "exercise 1: not starter, solution, check"
    ]
    assert exercise_problems([lesson, starter, solution, check], "02") == [
        'exercise 1: the check does not test "02.1", bound'
    ]
    other = _cell("code", "lowest = 18.06", "solution")
    assert exercise_problems([lesson, starter, other, check], "01") == [
        "exercise 1: the solution never assigns bound"
    ]
    # a check that reads what only the solution defined
    peek = _cell(
        "code", 'tl.check_answer("01.1", bound, [("x", lambda b: b < lowest)])', "check"
    )
    assert unknown_in_checks([lesson, starter, other, peek]) == [
        "code cell 3: the check reads lowest"
    ]
