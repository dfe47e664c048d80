"""The validation stage: one article's graph checked against the shapes in ``shapes/``.

pySHACL is the engine (the SHACL reference implementation in Python). The shapes and the ontology
are read once per process. Each call validates a small graph -- the data plus whatever it refers
to (``context``: the actor registry, events and sources already stored) -- never a whole store,
and reports only problems whose focus node is described in the data itself.

Inference is off (``"none"``). SHACL's ``sh:class`` and ``sh:targetClass`` already follow
``rdfs:subClassOf*`` in the data graph, so mixing in the ontology's subclass axioms is enough
for a ``dy:State`` to count as a ``dy:Actor``. RDFS inference would also apply the ontology's
ranges (``dy:agent`` has range ``dy:Actor``), making every agent an actor and the check vacuous;
it is also slower.

>>> from rdflib import Graph
>>> validate(Graph()).conforms
True
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.namespace import RDF, SH, NamespaceManager
from rdflib.term import Node

from dyad.errors import DyadError
from dyad.namespace import PREFIXES
from dyad.resources import resource

__all__ = ["Problem", "Severity", "ValidationReport", "validate", "shapes_graph", "ontology_graph"]

SHAPES_NS = "https://w3id.org/dyad/shapes#"
# Display only: dysh: names shapes in messages; it is not part of the data vocabulary.
_DISPLAY_PREFIXES = sorted({**PREFIXES, "dysh": SHAPES_NS}.items(), key=lambda kv: -len(kv[1]))


_NAMES = NamespaceManager(Graph(), bind_namespaces="none")
for _prefix, _ns in _DISPLAY_PREFIXES:
    _NAMES.bind(_prefix, _ns)


class Severity(Enum):
    """How bad a problem is; only violations make data non-conforming."""

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"


_SEVERITIES = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}
_ORDER = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Problem:
    """One SHACL result: which node, which property, what value, and what to do about it.

    ``focus`` and ``shape`` are full IRIs (``_:id`` for blank nodes); ``path`` is a prefixed
    SHACL path (``dy:target``, ``^dy:reportOf``); ``value`` is the offending term, literals in
    Turtle form (``"2024-02-30"^^xsd:date``).
    """

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: Severity
    shape: str


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`; ``report_graph`` is the SHACL report for the data's nodes."""

    problems: tuple[Problem, ...]
    report_graph: Graph

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings and infos do not block)."""
        return not any(p.severity is Severity.VIOLATION for p in self.problems)

    def format_text(self) -> str:
        """One line per problem, grouped by focus node, then a line with the counts."""
        lines = [
            f"{shorten(p.focus)}: {p.severity.value}: {p.path or '-'}: {p.message}"
            + (f" (value {_shorten_value(p.value)})" if p.value is not None else "")
            + f" [{shorten(p.shape)}]"
            for p in self.problems
        ]
        counts = Counter(p.severity for p in self.problems)
        summary = ", ".join(f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}" for s in Severity)
        lines.append(f"{'conforms' if self.conforms else 'does not conform'}: {summary}")
        return "\n".join(lines)


def shorten(iri: str) -> str:
    """``https://w3id.org/dyad/ontology#target`` as ``dy:target``; other IRIs unchanged."""
    for prefix, ns in _DISPLAY_PREFIXES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _shorten_value(value: str) -> str:
    return value if value.startswith('"') else shorten(value)


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """All shapes files in ``shapes/`` as one graph (read once per process)."""
    folder = resource("shapes")
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise DyadError(f"no SHACL shapes found in {folder}; the installation is incomplete")
    graph = Graph()
    for path in files:
        _parse(graph, path)
    return graph


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The ontology, whose subclass axioms let ``sh:class dy:Actor`` accept a ``dy:State``."""
    path = resource("ontology", "dyad.ttl")
    if not path.is_file():
        raise DyadError(f"{path} is missing; the installation is incomplete")
    return _parse(Graph(), path)


def _parse(graph: Graph, path: Path) -> Graph:
    try:
        return graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many parser-specific types
        raise DyadError(f"cannot read shipped file: {exc}", where=str(path)) from exc


def validate(data: Graph, *, context: Graph | None = None) -> ValidationReport:
    """Check ``data`` against Dyad's shapes.

    :param data: the graph to check, typically one article's events, reports and sources.
    :param context: what the data refers to but does not itself describe: the actor registry,
        events and sources already stored. Used to resolve references (is this agent a
        ``dy:Actor``? when was this source published?); its own nodes are not reported.
    :returns: the problems found for nodes the data describes.
    :raises DyadError: when the shipped shapes or ontology cannot be read, or pySHACL fails.
    """
    union = _QueryCachingGraph()
    for source in (data, ontology_graph(), context):
        if source is not None:
            _add_all(union, source)
    try:
        # inplace: `union` is ours and throwaway, so pySHACL need not copy it again.
        _, report_graph, _ = pyshacl.validate(
            union, shacl_graph=shapes_graph(), inference="none", inplace=True,
            advanced=False, allow_warnings=True, allow_infos=True,
        )
    except Exception as exc:  # pySHACL raises its own and rdflib's errors
        raise DyadError(f"SHACL validation failed to run: {exc}") from exc
    described = {s for s, _, _ in _triples(data)}
    return _read_report(report_graph, described)


class _QueryCachingGraph(Graph):
    """A graph that parses each distinct SPARQL text once per process.

    pySHACL runs every SPARQL constraint once per focus node, as the same text with ``$this``
    bound, and rdflib parses the text every time: ~50 ms each, 95% of the validation time for
    an article. Prepared queries are reusable across graphs and bindings.
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


def _add_all(target: Graph, source: Graph) -> None:
    for triple in _triples(source):
        target.add(triple)


def _triples(source: Graph) -> Iterator[tuple[Node, Node, Node]]:
    # A Dataset iterates its default graph only; a store's context arrives as named graphs.
    if isinstance(source, Dataset):
        for s, p, o, _ in source.quads((None, None, None, None)):
            yield s, p, o
    else:
        yield from source


def _read_report(report: Graph, described: set[Node]) -> ValidationReport:
    kept = Graph()
    for prefix, ns in _DISPLAY_PREFIXES:
        kept.bind(prefix, ns)
    report_node = BNode()
    kept.add((report_node, RDF.type, SH.ValidationReport))
    problems: list[Problem] = []
    seen: set[Problem] = set()
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        if focus not in described:
            continue
        problem = _problem(report, result, focus)
        # two components of one shape (sh:datatype and sh:minInclusive) can fail on one value
        # with one message; a person needs to read it once
        if problem in seen:
            continue
        seen.add(problem)
        _copy_tree(report, kept, result)
        kept.add((report_node, SH.result, result))
        problems.append(problem)
    problems.sort(key=lambda p: (p.focus, _ORDER[p.severity], p.path or "", p.shape, p.value or ""))
    conforms = not any(p.severity is Severity.VIOLATION for p in problems)
    kept.add((report_node, SH.conforms, Literal(conforms)))
    return ValidationReport(tuple(problems), kept)


def _problem(report: Graph, result: Node, focus: Node) -> Problem:
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    messages = sorted(report.objects(result, SH.resultMessage), key=lambda m: m.language != "en")
    constraint = report.value(result, SH.sourceConstraint)
    shape = constraint if isinstance(constraint, URIRef) else report.value(result, SH.sourceShape)
    severity = _SEVERITIES.get(report.value(result, SH.resultSeverity), Severity.VIOLATION)
    return Problem(
        focus=_term(focus),
        path=_path_text(report, path) if path is not None else None,
        # node-level SPARQL results repeat the focus node as the value; that says nothing
        value=_term(value) if value is not None and value != focus else None,
        message=str(messages[0]) if messages else "does not conform to the shape",
        severity=severity,
        shape=_term(shape),
    )


def _term(term: Node | None) -> str:
    if isinstance(term, Literal):
        return term.n3(_NAMES)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _path_text(g: Graph, path: Node) -> str:
    """A SHACL property path (SHACL §2.3.1) in SPARQL syntax with prefixed names."""
    if isinstance(path, URIRef):
        return shorten(str(path))
    if (g.value(path, RDF.first)) is not None:
        return "/".join(_path_text(g, p) for p in Collection(g, path))
    if (inner := g.value(path, SH.inversePath)) is not None:
        return f"^{_path_text(g, inner)}"
    if (inner := g.value(path, SH.alternativePath)) is not None:
        return "(" + "|".join(_path_text(g, p) for p in Collection(g, inner)) + ")"
    for prop, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        if (inner := g.value(path, prop)) is not None:
            return f"{_path_text(g, inner)}{suffix}"
    return _term(path)


def _copy_tree(src: Graph, dst: Graph, node: Node) -> None:
    # A result and the blank nodes under it (paths, nested details), as in a CBD.
    for p, o in src.predicate_objects(node):
        dst.add((node, p, o))
        if isinstance(o, BNode) and (o, None, None) not in dst:
            _copy_tree(src, dst, o)

