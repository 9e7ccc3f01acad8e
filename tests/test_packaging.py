"""The set-up files agree: pyproject.toml and environment.yml list the same packages,
the README names the commands CI runs and maps every notebook.

The fast-mode switch (tutorial_lib.config): tests/test_config.py."""

import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> PyPI name


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0].lower()


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _conda_names() -> set[str]:
    text = (ROOT / "environment.yml").read_text()
    section = text.split("dependencies:", 1)[1]  # after the channels
    conda = set()
    for line in section.splitlines():
        # top-level entries, and the pip section's packages (not its "-e .")
        match = re.match(r"^(?:  |      )- ([A-Za-z][\w.-]*)", line)
        if match and match.group(1) not in ("python", "pip"):
            conda.add(CONDA_NAMES.get(match.group(1), match.group(1)).lower())
    return conda


def test_pyproject_and_environment_list_the_same_packages():
    assert _conda_names() == {_name(r) for r in _pyproject()["dependencies"]}


def test_the_test_tools_are_an_extra_that_binder_leaves_out():
    """A student's install and Binder's build carry no test or site tools; make test
    adds them."""
    extras = _pyproject()["optional-dependencies"]
    test_tools = {_name(r) for r in extras["test"] + extras["docs"]}
    assert {"pytest", "nbval", "ruff", "playwright", "sphinx", "myst-nb"} <= test_tools
    assert not test_tools & {_name(r) for r in _pyproject()["dependencies"]}
    assert not test_tools & _conda_names()
    makefile = (ROOT / "Makefile").read_text()
    assert 'pip install --quiet -e ".[test,docs]"' in makefile
    assert re.search(r"^test: install-test", makefile, re.M)


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    assert "bash benchmarks/binder_check.sh" in ci  # the course on Binder's set alone


def test_readme_maps_every_notebook_and_binder_opens_the_first():
    readme = (ROOT / "README.md").read_text()
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert f"| `{notebook.stem}` |" in readme, (
            f"{notebook.stem} missing from the map"
        )
    badge = re.search(r"mybinder\.org/v2/gh/\S+?urlpath=lab/tree/(\S+?\.ipynb)", readme)
    assert badge and (ROOT / badge.group(1)).is_file()
    assert "environment.yml" in readme and (ROOT / "environment.yml").is_file()
