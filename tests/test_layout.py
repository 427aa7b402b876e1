"""The package keeps the shape docs/architecture.md describes: no import cycles,
the state layer free of Flask and of the areas, and modules a reader can take
in at once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fakegallery"
MAX_LINES = 330
#: Modules allowed past MAX_LINES, with the reason. errors.py is the one home of
#: every error code (docs/architecture.md): splitting it would make two.
LONGER = {"fakegallery.errors": 400}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(name: str) -> set[str]:
    """Package modules that `name` imports at its top level (imports inside
    functions and under TYPE_CHECKING are deferred, so they cannot cycle)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                full = f"{target}.{alias.name}"
                found.add(full if full in MODULES else target)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {m for m in found if m in MODULES and m != name}


def test_no_import_cycles() -> None:
    graph = {name: imports(name) for name in MODULES}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            cycle = [*visiting[visiting.index(name) :], name]
            pytest.fail("import cycle: " + " → ".join(cycle))
        visiting.append(name)
        for dep in sorted(graph[name]):
            visit(dep)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


@pytest.mark.parametrize("layer", ["fakegallery.state"])
def test_the_state_layer_uses_no_flask_and_no_area(layer: str) -> None:
    areas = ("gallery", "live", "control", "openapi", "seeding", "testing", "web")
    for name, path in MODULES.items():
        if not name.startswith(layer):
            continue
        source = path.read_text()
        assert "from flask" not in source, name
        assert "import flask" not in source, name
        for dep in imports(name):
            assert not dep.startswith(tuple(f"fakegallery.{a}" for a in areas)), (
                f"{name} imports {dep}"
            )


def test_modules_stay_readable() -> None:
    long = {
        name: lines
        for name, path in MODULES.items()
        if (lines := len(path.read_text().splitlines())) > LONGER.get(name, MAX_LINES)
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"
