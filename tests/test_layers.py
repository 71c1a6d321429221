"""The package's layers point one way: no import circle, and no stage imports a later one.

The import graph is read from the source with :mod:`ast` (nothing is imported):
an edge ``a -> b`` for every ``import``/``from ... import`` of an ``isic_nlp``
module in ``a``, at module level *or inside a function* (a lazy import is still
a dependency), relative imports resolved. ``from pkg import name`` is an edge to
``pkg.name`` when that is a module, else to ``pkg``. Not edges: imports under
``if TYPE_CHECKING:`` (they never run), and the implicit import of parent
packages (Python runs ``isic_nlp/__init__.py`` before any submodule, whatever
the graph says).

Stages, from the bottom; a module may import its own stage and the ones below:

0. base: ``isic_nlp._version``, ``errors``, ``output``, ``shipped``, ``models``
1. ``corpus``: reading corpora (records, decoding, hygiene, formats, LEGI,
   IRaMuTeQ/TXM, manifests, the ``readers`` dispatcher), legal units,
   descriptions and textometry exports
2. ``lexicons``: loading and validating lexicon files
3. ``components``: the spaCy components
4. ``pipeline``: building and loading pipelines
5. ``analysis`` and ``lexicon_usage``: docs to tables
6. ``classify``: the frame/mode classifier
7. ``reports``: trend and comparison reports
8. ``cli``: the command line
9. ``isic_nlp`` itself (the facade ``__init__``: ``load``, ``analyse``, ``Classifier``)

Inside ``corpus`` the reading modules are layered too (:data:`CORPUS_LAYERS`):
``records`` < ``decoding``, ``hygiene``, ``titles``, ``fetch`` < ``xmlsafe`` <
``legi``, ``versions``, ``tei`` < ``dila`` < ``xmlfiles`` < ``formats`` < ``textometry`` < ``manifest`` < ``readers`` < ``description``,
``export``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "isic_nlp"

#: Import circles that exist and are being removed elsewhere (issue 9, items 3-5):
#: each entry is the exact set of modules of one circle. Empty it when the circle
#: is gone (test_known_cycles_still_exist says when).
KNOWN_CYCLES: set[frozenset[str]] = set()

#: Stage of each module, by longest matching prefix (see the module docstring).
STAGES: dict[str, int] = {
    "isic_nlp._version": 0,
    "isic_nlp.errors": 0,
    "isic_nlp.output": 0,
    "isic_nlp.progress": 0,
    "isic_nlp.shipped": 0,
    "isic_nlp.models": 0,
    "isic_nlp.corpus": 1,
    "isic_nlp.lexicons": 2,
    "isic_nlp.components": 3,
    "isic_nlp.pipeline": 4,
    "isic_nlp.tables": 5,
    "isic_nlp.cache": 5,
    "isic_nlp.parallel": 5,
    "isic_nlp.dask_backend": 5,
    "isic_nlp.analysis": 5,
    "isic_nlp.lexicon_usage": 5,
    "isic_nlp.classify": 6,
    "isic_nlp.reports": 7,
    "isic_nlp.cli": 8,
    "isic_nlp": 9,
}

#: The reading layers of ``corpus``, from the bottom (``units`` is independent of them).
CORPUS_LAYERS: list[set[str]] = [
    {"records"},
    {"decoding", "hygiene", "titles", "fetch", "units"},
    {"xmlsafe"},
    {"legi", "versions", "tei"},
    {"dila"},
    {"xmlfiles"},
    {"formats"},
    {"textometry"},
    {"manifest"},
    {"readers"},
    {"description", "export", "__init__"},
]


# --------------------------------------------------------------------------- graph


def module_name(path: Path, root: Path) -> str:
    """``isic_nlp/corpus/readers.py`` -> ``isic_nlp.corpus.readers``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else None
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skipped.update(id(n) for n in ast.walk(child))
    return skipped


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Every module of the package under ``root`` with the package modules it imports."""
    files = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    top = root.name
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skipped = _type_checking_nodes(tree)
        edges: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
                edges.update(_known(t, files) for t in targets if t == top or t.startswith(top + "."))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    package = name.split(".") if is_package else name.split(".")[:-1]
                    package = package[: len(package) - (node.level - 1)]
                    base = ".".join(package + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                if base != top and not base.startswith(top + "."):
                    continue
                for alias in node.names:
                    child = f"{base}.{alias.name}"
                    edges.add(child if child in files else _known(base, files))
        edges.discard(name)
        graph[name] = edges
    return graph


def _known(name: str, files: dict[str, Path]) -> str:
    """The module itself, or its closest enclosing module (``a.b.c`` of a missing ``c`` -> ``a.b``)."""
    while name not in files and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import circle (strongly connected component of 2+ modules), as one path ``a -> ... -> a``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(start: str) -> None:  # Tarjan's algorithm, iterative
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
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
                    components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_path(graph, set(component)) for component in components]


def _cycle_path(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest circle through the first module of a strongly connected component."""
    start = min(component)
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & component):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return [start, *reversed(path[:-1]), start] if node != start else [start, start]
                if child not in parents:
                    parents[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"no circle in {sorted(component)}")  # pragma: no cover


def stage(module: str) -> int | None:
    for prefix in sorted(STAGES, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return STAGES[prefix]
    return None


def backward_edges(graph: dict[str, set[str]]) -> list[str]:
    """``a (stage) -> b (later stage)`` for each import of a later stage."""
    return [
        f"{a} (stage {stage(a)}) imports {b} (stage {stage(b)})"
        for a in sorted(graph)
        for b in sorted(graph[a])
        if stage(a) is not None and stage(b) is not None and stage(b) > stage(a)
    ]


# --------------------------------------------------------------------------- the package


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_graph_finds_known_imports(graph):
    """A builder that missed imports would pass every check below: it must see these."""
    assert "isic_nlp.analysis" in graph["isic_nlp.cli.analyse"]  # from ..analysis import (module level)
    assert "isic_nlp.cli.app" in graph["isic_nlp.cli.analyse"]  # from .app import app
    assert "isic_nlp.reports.trend" in graph["isic_nlp.cli.report"]  # from ..reports import trend, in a function
    assert "isic_nlp.pipeline" in graph["isic_nlp.classify.model"]  # from ..pipeline import load, in a method
    assert "isic_nlp.corpus.records" in graph["isic_nlp.corpus.legi"]  # from .records import
    assert "isic_nlp.errors" in graph["isic_nlp.corpus.formats"]  # from isic_nlp.errors import (absolute)
    assert "isic_nlp.cli.corpus" in graph["isic_nlp.cli"]  # from . import corpus, in a package __init__
    assert "isic_nlp.classify" in graph["isic_nlp"]  # from .classify import Classifier, in __getattr__
    assert len(graph) > 60 and sum(map(len, graph.values())) > 150


def test_every_module_has_a_stage(graph):
    assert [m for m in sorted(graph) if stage(m) is None] == []


def test_no_import_circle(graph):
    found = [path for path in cycles(graph) if frozenset(path) not in KNOWN_CYCLES]
    assert found == [], "import circles:\n" + "\n".join(" -> ".join(path) for path in found)


def test_known_cycles_still_exist(graph):
    """An allowance outlives its circle only by mistake: remove it from KNOWN_CYCLES."""
    present = {frozenset(path) for path in cycles(graph)}
    assert [sorted(c) for c in KNOWN_CYCLES if c not in present] == []


def test_no_stage_imports_a_later_one(graph):
    assert backward_edges(graph) == []


def test_corpus_reading_layers_point_down(graph):
    layer = {name: i for i, names in enumerate(CORPUS_LAYERS) for name in names}
    corpus = {m: m.removeprefix("isic_nlp.corpus").lstrip(".") or "__init__" for m in graph if stage(m) == 1}
    assert sorted(set(corpus.values()) - set(layer)) == [], "add new corpus modules to CORPUS_LAYERS"
    upward = [
        f"{a} imports {b}"
        for a, short in sorted(corpus.items())
        for b in sorted(graph[a])
        if b in corpus and layer[corpus[b]] > layer[short]
    ]
    assert upward == []


def test_analysis_has_no_source_reading_of_its_own(graph):
    """records_from_source lives in corpus: corpus imports nothing above it (issue 9)."""
    assert not [m for m in graph if stage(m) == 1 and "isic_nlp.analysis" in graph[m]]
    from isic_nlp.corpus import readers

    assert callable(readers.records_from_source)


# --------------------------------------------------------------------------- the checks themselves


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "isic_nlp"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_checks_catch_a_circle_and_a_backward_import(tmp_path):
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "errors.py": "def f():\n    from .cli import main\n",  # lazy, and backwards
            "corpus/__init__.py": "from .a import x\n",
            "corpus/a.py": "from isic_nlp.corpus import b\n",
            "corpus/b.py": "import isic_nlp.corpus.c\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..cli import y\n",
            "corpus/c.py": "from . import a\nfrom .. import errors\n",
            "cli/__init__.py": "from ..corpus.a import x as main\n",
        },
    )
    graph = import_graph(root)
    assert graph["isic_nlp.corpus.b"] == {"isic_nlp.corpus.c"}  # the TYPE_CHECKING import is left out
    assert graph["isic_nlp.corpus"] == {"isic_nlp.corpus.a"}
    assert cycles(graph) == [
        ["isic_nlp.cli", "isic_nlp.corpus.a", "isic_nlp.corpus.b", "isic_nlp.corpus.c", "isic_nlp.errors", "isic_nlp.cli"]
    ]
    assert backward_edges(graph) == ["isic_nlp.errors (stage 0) imports isic_nlp.cli (stage 8)"]


def test_cycle_path_of_a_two_module_circle():
    graph = {"p.a": {"p.b"}, "p.b": {"p.a", "p.c"}, "p.c": set()}
    assert cycles(graph) == [["p.a", "p.b", "p.a"]]
