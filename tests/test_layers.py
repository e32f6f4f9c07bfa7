"""The packages import downward only, and no module imports itself back through others.

Layers, bottom first: a package may import only the packages before it. `demo` and `bench` sit
on top, outside the product: no product package imports them (nor `tests`).
"""

import ast
import collections
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["dossiers", "permissions", "accounts", "workflows", "ui", "documents", "reports", "imports", "api", "exports", "web", "ops", "config"]
OUTSIDE = {"demo", "bench", "builders", "tests"}


def modules() -> dict[str, Path]:
    found = {}
    for package in LAYERS:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imported_names(module: str, path: Path):
    """Every module named by an import anywhere in the file, function bodies included: an import
    put off into a function to dodge a cycle is still the cycle."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)


def graph() -> dict[str, set[str]]:
    known = modules()
    edges = collections.defaultdict(set)
    for module, path in known.items():
        for name in imported_names(module, path):
            while name and name not in known and name.split(".")[0] not in OUTSIDE:
                name = name.rpartition(".")[0]
            if name and name != module and not module.startswith(name + "."):
                edges[module].add(name)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


def test_each_package_imports_only_the_layers_below_it():
    upward = []
    for module, targets in graph().items():
        here = LAYERS.index(module.split(".")[0])
        for target in targets:
            top = target.split(".")[0]
            if top in OUTSIDE or (top in LAYERS and LAYERS.index(top) > here):
                upward.append(f"{module} imports {target}")
    assert not upward, "\n".join(sorted(upward))


def test_no_module_imports_itself_back_through_others():
    assert cycles(graph()) == []


def test_the_checks_catch_a_cycle_and_an_upward_import():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert LAYERS.index("dossiers") < LAYERS.index("web")
