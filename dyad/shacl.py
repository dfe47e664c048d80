"""The SHACL engines behind :mod:`dyad.validate`: pySHACL, and pyshacl-turbo when it is installed.

Both answer one question -- the SHACL validation results of given focus nodes of a data graph
(the given triples plus the part of the ontology validation reads), as a pySHACL report graph --
and must answer it identically: ``tests/test_engines.py`` runs every shape fixture and every
submission case through both and compares the reports.

Which engine runs is the environment variable ``DYAD_SHACL_ENGINE``:

- ``auto`` (the default): pyshacl-turbo when it can be imported, else pySHACL;
- ``pyshacl``: always pySHACL;
- ``turbo``: pyshacl-turbo, an error when it is not installed.

pyshacl-turbo (a Rust SHACL engine with pySHACL's API) is an optional accelerator only: it is
young and single-vendor, so Dyad does not depend on it (the ``test`` extra installs it, so that
the agreement test always runs) and behaves identically without it, only slower. pySHACL stays
the reference.

Why only given focus nodes: validation sees a source's data plus what it refers to (actors,
stored events and sources, the ontology) and reports only the data's own nodes; validating the
referred-to nodes as well cost about a quarter of the time for nothing. pySHACL's
``focus_nodes`` option cannot be used for this: it also filters the value nodes that ``sh:or``
validates, so those constraints pass vacuously. :class:`PySHACL` therefore drives pySHACL's
compiled shapes itself: each node shape's targets cut down to the focus nodes, then the shape's
node-level constraints and each of its property shapes, each once for all those focus nodes.
(pySHACL's ``sh:property`` validates a property shape once per focus node, building every
constraint, and parsing SPARQL prefixes, anew each time: most of its cost here.) A pySHACL
release whose internals differ gets plain ``pyshacl.validate`` instead: same reports, slower.
pyshacl-turbo's ``focus_nodes`` restricts the targets only, as it should.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any, Collection, Iterable, Protocol, Sequence, Union

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from dyad.errors import DyadError
from dyad.terms import to_ox, to_rdflib

__all__ = ["Engine", "PySHACL", "Turbo", "engine", "engine_named", "turbo_available"]

ENV = "DYAD_SHACL_ENGINE"

Triple = tuple[Node, Node, Node]
# The data: rdflib triples in parts (their union; literals exactly as written), or a pyoxigraph
# store (literals already in its canonical form; the engine may add to it).
Data = Union[Sequence[Iterable[Triple]], ox.Store]


class Engine(Protocol):
    name: str
    native_store: bool  # whether a pyoxigraph store is taken as it is (else it is converted)

    def run(self, data: Data, focus: Collection[Node]) -> Graph:
        """The report graph holding every result whose focus node is in ``focus`` (results of
        other nodes may be there too: the caller drops them), ``data`` and the ontology part
        (:func:`dyad.validate.ontology_part`) making up the data graph."""
        ...


class PySHACL:
    """pySHACL, run shape by shape over the focus nodes only (see the module docstring)."""

    name = "pyshacl"
    native_store = False

    def __init__(self, shapes: Graph) -> None:
        self._shapes = shapes
        self._lock = threading.Lock()  # pySHACL's shape objects are shared between calls
        self._compiled: Any = None
        self._plan: list[tuple[Any, list[Any]]] | None = None
        try:
            self._compiled, self._plan = _plan(shapes)
        except (ImportError, AttributeError, TypeError):  # a pySHACL whose internals differ
            self._plan = None

    def run(self, data: Data, focus: Collection[Node]) -> Graph:
        graph = _rdflib_graph(data)
        if self._plan is None:
            return self._whole(graph)
        from pyshacl.graph_abstraction import DataGraph
        from pyshacl.pytypes import SHACLExecutor
        from pyshacl.validator import Validator

        data_graph = DataGraph.from_rdflib(graph)
        executor = SHACLExecutor(allow_infos=True, allow_warnings=True)
        results: list[Any] = []
        with self._lock:
            for node_shape, property_shapes in self._plan:
                nodes = [n for n in node_shape.focus_nodes(data_graph) if n in focus]
                if not nodes:
                    continue
                for shape in (node_shape, *property_shapes):
                    _, found = shape.validate(executor, data_graph, focus=nodes)
                    results.extend(found)
            report, _ = Validator.create_validation_report(self._compiled, not results, results)
        return report

    def _whole(self, graph: Graph) -> Graph:
        import pyshacl

        _, report, _ = pyshacl.validate(
            graph, shacl_graph=self._shapes, inference="none", inplace=True,
            advanced=False, allow_warnings=True, allow_infos=True,
        )
        return report


def _plan(shapes: Graph) -> tuple[Any, list[tuple[Any, list[Any]]]]:
    """pySHACL's compiled shapes, and for each targeted node shape: itself without
    ``sh:property`` (its targets and node-level constraints) and its property shapes (from the
    full shapes graph, where the shapes nested in them are)."""
    from pyshacl.shapes_graph import ShapesGraph

    full = ShapesGraph(shapes)
    _ = full.shapes  # builds the lookup table of every shape, property shapes included
    stripped_graph = Graph()
    for t in shapes:
        if t[1] != SH.property:
            stripped_graph.add(t)
    stripped = ShapesGraph(stripped_graph)
    referenced = {o for _, p, o in shapes if p not in (SH.property, RDF.type)}
    plan = []
    for shape in stripped.shapes:
        if not _targeted(shape):
            continue
        if shape.is_property_shape or shape.node in referenced or shape.deactivated:
            # a targeted property shape, a node shape also used inside another (it would lose
            # its properties there), a deactivated one (its properties must not run): plain
            # pySHACL handles those
            raise TypeError(f"cannot plan around {shape.node}")
        properties = [full.lookup_shape_from_node(p) for p in shapes.objects(shape.node, SH.property)]
        plan.append((shape, properties))
    return full, plan


def _targeted(shape: Any) -> bool:
    return any(any(True for _ in part) for part in shape.target())


class Turbo:
    """pyshacl-turbo with the shapes compiled once."""

    name = "turbo"
    native_store = True

    def __init__(self, shapes: Graph) -> None:
        import pyshacl_turbo

        # compiled from a copy with no prefixes bound: pyshacl-turbo binds every prefix of the
        # shapes graph into every report graph (rdflib binds ~30 by default), a tenth of the
        # time of an article's check; Dyad reads reports by IRI, never by prefix
        bare = Graph(bind_namespaces="none")
        for t in shapes:
            bare.add(t)
        self._program = pyshacl_turbo.compile_shapes(bare)
        self._prefixes = {p for p, _ in bare.namespaces()}

    def run(self, data: Data, focus: Collection[Node]) -> Graph:
        if not focus:
            return Graph()
        names: list[str] | None = [str(n) for n in focus]
        # pyshacl-turbo takes focus nodes as IRI strings and expands "prefix:local" ones; a
        # blank node, or an IRI whose scheme is a bound prefix, is validated the long way
        if any(not isinstance(n, URIRef) or str(n).partition(":")[0] in self._prefixes for n in focus):
            names = None
        if isinstance(data, ox.Store):
            data.extend(_ontology_quads())
            _, report, _ = self._program.validate(data, allow_infos=True, allow_warnings=True, focus_nodes=names)
            return _plain_strings(report)
        source = _turbo_input(data)
        _, report, _ = self._program.validate(source, allow_infos=True, allow_warnings=True, focus_nodes=names)
        return report


def _plain_strings(report: Graph) -> Graph:
    """A store knows no difference between "x" and "x"^^xsd:string (RDF 1.1); read from a store,
    Dyad's terms are plain literals (:func:`dyad.terms.to_rdflib`), which pyshacl-turbo reports
    as typed ones. Make them what pySHACL reports for the same terms."""
    typed = [(s, p, o) for s, p, o in report if isinstance(o, Literal) and o.datatype == XSD.string]
    for s, p, o in typed:
        report.remove((s, p, o))
        report.add((s, p, Literal(str(o))))
    return report


# The pyshacl-turbo releases whose internal transfer form _turbo_input was written against.
_TURBO_TRANSFER = ("0.6.",)


def _turbo_input(parts: Sequence[Iterable[Triple]]) -> Any:
    """rdflib triples in pyshacl-turbo's own transfer form, which it would otherwise build by
    walking an rdflib graph made first (half the time of a 100-event submission's check, most
    of it the ontology, which is converted once here). That form is internal to
    pyshacl-turbo: other releases get the rdflib graph."""
    template = _ontology_batch() if _turbo_version().startswith(_TURBO_TRANSFER) else None
    if template is None:
        return _rdflib_graph(parts)
    from pyshacl_turbo.rdf import Input

    batch = type(template)(dict(template.nodes))
    batch.records, batch.quads, batch.indices = list(template.records), list(template.quads), dict(template.indices)
    append = batch.append
    for part in parts:
        for s, p, o in part:
            append(s, p, o)
    return Input((batch.records, batch.quads), "terms", None, batch.nodes, {})


@lru_cache(maxsize=1)
def _ontology_batch() -> Any:
    """The ontology part in transfer form, copied into every call's batch."""
    try:
        from pyshacl_turbo.rdf import Input  # noqa: F401  (needed later; checked here)
        from pyshacl_turbo.term_input import _TermBatch
    except ImportError:
        return None
    from dyad.validate import ontology_part

    batch = _TermBatch({})
    for s, p, o in ontology_part():
        batch.append(s, p, o)
    return batch


@lru_cache(maxsize=1)
def _ontology_quads() -> tuple[ox.Quad, ...]:
    from dyad.validate import ontology_part

    return tuple(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in ontology_part())


@lru_cache(maxsize=1)
def _turbo_version() -> str:
    import importlib.metadata

    return importlib.metadata.version("pyshacl-turbo")


def _rdflib_graph(data: Data) -> Graph:
    from dyad.validate import ontology_part, query_caching_graph

    graph = query_caching_graph()
    add = graph.add
    if isinstance(data, ox.Store):
        for q in data:
            add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    else:
        for part in data:
            for t in part:
                add(t)
    for t in ontology_part():
        add(t)
    return graph


def turbo_available() -> bool:
    """Whether pyshacl-turbo can be imported."""
    try:
        import pyshacl_turbo  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=None)
def engine_named(name: str) -> Engine:
    """The engine called ``name`` ("pyshacl", "turbo" or "auto"), built once per process."""
    from dyad.validate import shapes_graph

    if name == "auto":
        name = "turbo" if turbo_available() else "pyshacl"
    if name == "pyshacl":
        return PySHACL(shapes_graph())
    if name == "turbo":
        if not turbo_available():
            raise DyadError(f"{ENV}=turbo, but pyshacl-turbo is not installed (pip install pyshacl-turbo)")
        return Turbo(shapes_graph())
    raise DyadError(f"{ENV} must be auto, pyshacl or turbo, not {name!r}")


def engine() -> Engine:
    """The engine ``DYAD_SHACL_ENGINE`` selects (read on every call, so a test can switch)."""
    return engine_named(os.environ.get(ENV, "auto").strip().lower() or "auto")
