"""Student copies of the notebooks: the exercises without their solutions.

A lecturer hands out the notebooks with the cells tagged ``solution`` removed and the
outputs cleared, so that students run each cell themselves:

    python -m tutorial_lib handout --out student/     # or: make student

After the first solution of a notebook come only solutions and starter cells that hold
nothing but comments, so removing the solutions cannot break a later cell;
tests/test_handout.py checks that and runs a copy.
"""

from __future__ import annotations

import json
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KEPT_METADATA = ("kernelspec", "jupytext")


def is_solution(cell: dict) -> bool:
    """A cell tagged "solution" (in its metadata's tags).

    >>> is_solution({"metadata": {"tags": ["solution"]}}), is_solution({"metadata": {}})
    (True, False)
    """
    return "solution" in cell.get("metadata", {}).get("tags", [])


def student_copy(notebook: dict) -> dict:
    """The notebook (nbformat JSON) without solution cells, outputs or widget state.

    Only the kernelspec and the jupytext settings of the notebook's metadata are kept
    (a lecturer's saved run can leave widget state, pictures included, there).

    >>> nb = {"cells": [
    ...     {"cell_type": "code", "metadata": {}, "outputs": [1], "execution_count": 3},
    ...     {"cell_type": "code", "metadata": {"tags": ["solution"]}, "outputs": []},
    ... ], "metadata": {}}
    >>> copy = student_copy(nb)
    >>> cell = copy["cells"][0]
    >>> len(copy["cells"]), cell["outputs"], cell["execution_count"]
    (1, [], None)
    """
    cells = []
    for cell in notebook["cells"]:
        if is_solution(cell):
            continue
        cell = dict(cell)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    kept = {k: v for k, v in notebook["metadata"].items() if k in KEPT_METADATA}
    return {**notebook, "metadata": kept, "cells": cells}


def write_handout(out: Path, source: Path = NOTEBOOKS, force: bool = False) -> list:
    """Write a student copy of every ``NN_*.ipynb`` of ``source`` into ``out``.

    Refuses (FileExistsError, naming the first file) to write over a notebook already
    in ``out`` unless ``force``: a student's work there is never overwritten.
    Returns the paths written.
    """
    notebooks = sorted(Path(source).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no NN_*.ipynb notebooks in {source}")
    out = Path(out)
    targets = [out / nb.name for nb in notebooks]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise FileExistsError(
            f"{existing[0]} exists{more}: choose another --out or pass --force to "
            "replace the copies"
        )
    out.mkdir(parents=True, exist_ok=True)
    for nb, target in zip(notebooks, targets):
        copy = student_copy(json.loads(nb.read_text()))
        target.write_text(json.dumps(copy, indent=1, ensure_ascii=False) + "\n")
    return targets
