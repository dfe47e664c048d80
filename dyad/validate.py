"""The validation stage: one article's graph checked against the shapes in ``shapes/``.

pySHACL is the engine (the SHACL reference implementation in Python); pyshacl-turbo, when it is
installed, is used instead as an accelerator with the same reports (:mod:`dyad.shacl` says how
one is chosen). The shapes and the ontology are read once per process. Each call validates a
small graph -- the data plus whatever it refers to (``context``: the actor registry, events and
sources already stored) -- never a whole store, and validates and reports only the nodes the
data itself describes.

Inference is off (``"none"``). SHACL's ``sh:class`` and ``sh:targetClass`` already follow
``rdfs:subClassOf*`` in the data graph, so mixing in the ontology's subclass axioms is enough
for a ``dy:State`` to count as a ``dy:Actor``. RDFS inference would also apply the ontology's
ranges (``dy:agent`` has range ``dy:Actor``), making every agent an actor and the check vacuous;
it is also slower.

Of the ontology and the context, only triples whose predicate the shapes can read go into the
validated graph (:func:`read_predicates`): SHACL reaches other nodes only through the paths,
targets and SPARQL patterns a shape names, and through ``rdf:type``/``rdfs:subClassOf`` for
classes, so nothing else can change a result. More than half of the ontology (definitions,
domains and ranges, OWL axioms) and the registry's names in every language stay out.

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
from typing import Any, Iterable, Iterator, Sequence

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, NamespaceManager
from rdflib.paths import NegatedPath, Path as PropertyPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from dyad.errors import DyadError
from dyad.namespace import PREFIXES
from dyad.resources import resource

__all__ = [
    "Problem", "Severity", "ValidationReport", "validate", "validate_triples", "validate_store_triples",
    "merge_reports", "shapes_graph", "ontology_graph", "ontology_subjects", "read_predicates",
]

Triple = tuple[Node, Node, Node]
OxTriple = tuple[Any, Any, Any]  # pyoxigraph subject, predicate, object

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


@lru_cache(maxsize=1)
def ontology_subjects() -> frozenset[Node]:
    """The ontology's own terms (classes, properties, individuals): never fetched as context."""
    return frozenset(ontology_graph().subjects())


@lru_cache(maxsize=1)
def read_predicates() -> frozenset[Node] | None:
    """Every predicate a shape can read, or None when some shape can read any predicate.

    A superset, read off the shapes rather than listed: every IRI the shapes graph has as an
    object (paths, ``sh:lessThan``, targets, classes...), every IRI in a SPARQL constraint, and
    ``rdf:type``, ``rdfs:subClassOf`` (SHACL's class membership). ``sh:closed``, or a SPARQL
    pattern with a variable or negated predicate, reads predicates it does not name: then None.
    """
    shapes = shapes_graph()
    if (None, SH.closed, None) in shapes:
        return None
    found: set[Node] = {RDF.type, RDFS.subClassOf}
    found.update(o for o in shapes.objects() if isinstance(o, URIRef))
    for text in (*shapes.objects(None, SH.select), *shapes.objects(None, SH.ask)):
        try:
            query = prepareQuery(str(text), initNs=_declared_prefixes())
        except Exception:  # a query pySHACL will reject by itself; assume the worst here
            return None
        if not _collect_iris(query.algebra, found):
            return None
    return frozenset(found)


def _declared_prefixes() -> dict[str, str]:
    shapes = shapes_graph()
    return {str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
            for d in shapes.objects(None, SH.declare)}


def _collect_iris(node: Any, found: set[Node]) -> bool:
    """Add the IRIs in a SPARQL algebra tree to ``found``; False if a predicate is open."""
    if isinstance(node, URIRef):
        found.add(node)
    elif isinstance(node, NegatedPath):
        return False
    elif isinstance(node, PropertyPath):
        for part in vars(node).values():
            if not _collect_iris(part, found):
                return False
    elif isinstance(node, CompValue):
        if node.name == "BGP" and any(isinstance(t[1], Variable) for t in node.triples):
            return False
        for value in node.values():
            if not _collect_iris(value, found):
                return False
    elif isinstance(node, (list, tuple, set, frozenset)):
        return all(_collect_iris(part, found) for part in node)
    elif isinstance(node, dict):
        return all(_collect_iris(part, found) for part in node.values())
    return True


@lru_cache(maxsize=1)
def ontology_part() -> tuple[Triple, ...]:
    """The ontology triples validation needs (:func:`read_predicates`), read once."""
    keep = read_predicates()
    return tuple(t for t in ontology_graph() if keep is None or t[1] in keep)


def validate(data: Graph, *, context: Graph | Iterable[Triple] | None = None) -> ValidationReport:
    """Check ``data`` against Dyad's shapes.

    :param data: the graph to check, typically one article's events, reports and sources.
    :param context: what the data refers to but does not itself describe: the actor registry,
        events and sources already stored (a graph, a dataset or triples). Used to resolve
        references (is this agent a ``dy:Actor``? when was this source published?); its own
        nodes are neither validated nor reported.
    :returns: the problems found for nodes the data describes.
    :raises DyadError: when the shipped shapes or ontology cannot be read, or SHACL fails.
    """
    extra = () if context is None else _triples(context) if isinstance(context, Graph) else context
    return validate_triples(list(_triples(data)), context=extra)


def validate_triples(
    data: Sequence[Triple], *, context: Iterable[Triple] = (), described: set[Node] | None = None
) -> ValidationReport:
    """:func:`validate` for triples: ``data`` as it was given (literals exactly as written),
    ``context`` as in :func:`validate`; ``described`` is the subjects of ``data`` when given."""
    if described is None:
        described = {s for s, _, _ in data}
    keep = read_predicates()
    extra = context if keep is None else (t for t in context if t[1] in keep)
    return _read_report(_run([data, extra], described), described)


def validate_store_triples(data: Sequence[OxTriple], *, context: Iterable[OxTriple] = ()) -> ValidationReport:
    """:func:`validate_triples` for pyoxigraph terms, as read from a store (whose literals are
    already in canonical form, so nothing is lost handing them to an engine natively)."""
    from dyad.shacl import engine
    from dyad.terms import to_rdflib

    described = {to_rdflib(s) for s in {s for s, _, _ in data}}
    keep = read_predicates()
    keep_ox = None if keep is None else {str(p) for p in keep}
    context = [t for t in context if keep_ox is None or t[1].value in keep_ox]
    if engine().native_store:
        store = ox.Store()
        store.extend(ox.Quad(s, p, o) for s, p, o in (*data, *context))
        return _read_report(_run(store, described), described)
    converted = [(to_rdflib(s), to_rdflib(p), to_rdflib(o)) for s, p, o in (*data, *context)]
    return _read_report(_run([converted], described), described)


def _run(data: Any, focus: set[Node]) -> Graph:
    from dyad.shacl import engine

    try:
        return engine().run(data, focus)
    except DyadError:
        raise
    except Exception as exc:  # pySHACL and pyshacl-turbo raise their own and rdflib's errors
        raise DyadError(f"SHACL validation failed to run: {exc}") from exc


def query_caching_graph() -> Graph:
    """An empty graph whose SPARQL texts are parsed once per process (see below)."""
    return _QueryCachingGraph()


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


def triples_of(source: Graph) -> Iterator[Triple]:
    """The triples of a graph, or of every graph of a dataset (a store's context arrives as
    named graphs; a Dataset iterates its default graph only)."""
    return _triples(source)


def _triples(source: Graph) -> Iterator[Triple]:
    if isinstance(source, Dataset):
        for s, p, o, _ in source.quads((None, None, None, None)):
            yield s, p, o
    else:
        yield from source


def merge_reports(reports: Iterable[ValidationReport]) -> ValidationReport:
    """One report holding the problems (and their results) of several, each problem once."""
    kept = _report_graph()
    report_node = next(kept.subjects(RDF.type, SH.ValidationReport))
    seen: set[Problem] = set()
    for r in reports:
        g = r.report_graph
        for result in g.objects(None, SH.result):
            problem = _problem(g, result, g.value(result, SH.focusNode))
            if problem not in seen:
                seen.add(problem)
                kept.add((report_node, SH.result, result))
                _copy_tree(g, kept, result)
    problems = sorted(seen, key=_sort_key)
    kept.add((report_node, SH.conforms, Literal(not any(p.severity is Severity.VIOLATION for p in problems))))
    return ValidationReport(tuple(problems), kept)


def _report_graph() -> Graph:
    kept = Graph()
    for prefix, ns in _DISPLAY_PREFIXES:
        kept.bind(prefix, ns)
    kept.add((BNode(), RDF.type, SH.ValidationReport))
    return kept


def _sort_key(p: Problem) -> tuple[str, int, str, str, str]:
    return (p.focus, _ORDER[p.severity], p.path or "", p.shape, p.value or "")


def _read_report(report: Graph, described: set[Node]) -> ValidationReport:
    kept = _report_graph()
    report_node = next(kept.subjects(RDF.type, SH.ValidationReport))
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
    problems.sort(key=_sort_key)
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

