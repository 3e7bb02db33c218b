"""The import graph has layers and no cycles, read from the source (function-level imports included).

    core (yamlio, model, loader, answers, intake, embedded, ...)
      < engine (pia.assess, pia.diff)
      < report (pia.report)
      < front ends (pia.cli, pia.ui, pia.__main__)

A module may import its own layer or a lower one. Importing upward, or any
cycle between modules, fails here with the offending edges named, so a lazy
import inside a function cannot hide one.
"""

from __future__ import annotations

import ast
from pathlib import Path

PIA = Path(__file__).resolve().parents[1] / "pia"
LAYERS = ("core", "engine", "report", "front")


def modules() -> dict[str, Path]:
    out = {}
    for path in PIA.rglob("*.py"):
        parts = path.relative_to(PIA.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def layer(name: str) -> str:
    if name in ("pia.cli", "pia.__main__") or name.startswith("pia.ui"):
        return "front"
    if name.startswith("pia.report"):
        return "report"
    if name.startswith("pia.assess") or name == "pia.diff":
        return "engine"
    return "core"


def edges() -> set[tuple[str, str]]:
    """(importer, imported) for every import of a pia module anywhere in a file."""
    mods = modules()
    found = set()
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in mods]
                targets = subs if len(subs) == len(node.names) else [target, *subs]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            found |= {(name, t) for t in targets if t in mods and t != name}
    return found


def test_every_relative_import_resolves():
    """A module moved between packages keeps no stale `..` import (it would fail only when that line runs)."""
    mods = modules()
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                depth = len(package.split("."))
                assert node.level <= depth, f"{path}:{node.lineno}: relative import beyond the pia package"


def test_no_module_imports_a_higher_layer():
    upward = sorted(f"{a} ({layer(a)}) -> {b} ({layer(b)})" for a, b in edges()
                    if LAYERS.index(layer(b)) > LAYERS.index(layer(a)))
    assert not upward, "imports that point upward:\n" + "\n".join(upward)


def test_no_import_cycles():
    graph: dict[str, set[str]] = {}
    for a, b in edges():
        graph.setdefault(a, set()).add(b)
    # Tarjan's strongly connected components, iteratively.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))
    assert not cycles, f"import cycles: {cycles}"


def test_only_the_ui_imports_streamlit():
    for name, path in modules().items():
        if layer(name) == "front" and name != "pia.cli":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] == "streamlit" for n in names), f"{path}:{node.lineno} imports streamlit"


def test_the_checker_sees_function_level_and_relative_imports():
    """The graph must include imports inside functions, or a lazy import could hide an upward edge."""
    found = edges()
    assert ("pia.intake", "pia.embedded") in found        # imported inside a function
    assert ("pia.report.docx", "pia.embedded") in found   # `from ..embedded import embed`
    assert layer("pia.diff") == "engine" and ("pia.diff", "pia.assess") in found
