"""The package's import graph: no cycles, and neither front-end imports the other.

Read statically from each module's top-level imports (`from pkg import sub` counts as an
import of `pkg.sub`), so a cycle fails here before it fails at some import order at run time.
"""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

ROOT = Path(str(resources.files("accords")))
FRONT_ENDS = ("accords.api", "accords.commands")


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(("accords", *parts[: -1 if parts[-1] == "__init__" else None]))


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("accords"):
            folder = ROOT.joinpath(*node.module.split(".")[1:])
            for alias in node.names:
                sub = folder / f"{alias.name}.py"
                found.add(f"{node.module}.{alias.name}" if sub.exists() else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("accords"))
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_name(p): p for p in ROOT.rglob("*.py")}
    return {m: {i for i in _imports(p) if i in modules and i != m} for m, p in modules.items()}


def test_no_module_imports_a_cycle_back_to_itself() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_neither_front_end_imports_the_other_and_the_report_imports_neither() -> None:
    for module, targets in _graph().items():
        if module.startswith("accords.report"):
            forbidden: tuple[str, ...] = FRONT_ENDS
        elif module.startswith(FRONT_ENDS):
            forbidden = tuple(f for f in FRONT_ENDS if not module.startswith(f))
        else:
            continue
        wrong = sorted(t for t in targets if t.startswith(forbidden))
        assert not wrong, f"{module} imports {wrong}"
