"""The package's shape: its modules import one another one way only (no circle)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tutorial_lib"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path) -> set[str]:
    """The package's modules that ``path`` imports when it is imported: statements at
    module level (imports inside functions run later and cannot make a circle at
    import time, but they are counted too: a deferred import is a circle put off)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            found.add(target)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "tutorial_lib"
        ):
            found.add(node.module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for target in top_level_imports(path):
            while target not in modules and "." in target:
                target = target.rpartition(".")[0]  # a name inside a module
            if target in modules and target != name and target != "tutorial_lib":
                targets.add(target)
        graph[name] = targets
    return graph


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle a -> b -> ... -> a of the graph, or None (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                circle = visit(nxt, path + [nxt])
                if circle:
                    return circle
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            circle = visit(start, [start])
            if circle:
                return circle
    return None


def test_find_circle_finds_a_planted_one():
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_package_imports_run_one_way():
    graph = import_graph()
    assert "tutorial_lib.blending" in graph["tutorial_lib.operators"]
    circle = find_circle(graph)
    assert circle is None, " -> ".join(circle)


MAX_LINES = 80  # a function longer than this hides its steps (docstring included)


def long_functions(source: str) -> list[tuple[str, int]]:
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_LINES
    ]


def test_long_functions_finds_a_planted_one():
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_LINES))
    assert long_functions(f"def f():\n{body}") == [("f", MAX_LINES + 1)]


def test_no_function_in_the_package_is_longer_than_80_lines():
    found = {
        f"{path.relative_to(PACKAGE.parent)}: {name}": lines
        for path in PACKAGE.rglob("*.py")
        for name, lines in long_functions(path.read_text())
    }
    assert found == {}, found
