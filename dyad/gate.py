"""The gate into the graph: every source graph is validated before it is written.

Used by ``dyad load``, ``dyad ingest`` and ``dyad submit`` alike. Validation sees the source graph
plus the neighbourhood it refers to (the ontology, the actor registry, and what the store knows
about the IRIs it mentions) — never the whole store, so its cost does not grow with the store.
All graphs of one call are validated before any is written; each is then written in one
transaction.

:func:`check_store` validates what is already stored the same way, many sources per engine
call: each source as it was written (its graph plus its events' descriptions) with its
neighbourhood.

The neighbourhood leaves out ``dyg:derived``: those are the store's own summaries of the
sources (status, report counts, first source, actor codes), which no shape reads, and which
the store rewrites on every write.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from dyad.errors import NotConformingError
from dyad.namespace import ACTORS_GRAPH, DERIVED_GRAPH, DY, ENTITIES_GRAPH, ONTOLOGY_GRAPH
from dyad.parse import SourceGraph
from dyad.resources import resource
from dyad.store import Store, WriteResult
from dyad.terms import to_ox, to_rdflib
from dyad.validate import (
    ValidationReport, merge_reports, ontology_graph, ontology_subjects, read_predicates, triples_of,
    validate_store_triples, validate_triples,
)

Triple = tuple[Node, Node, Node]
OxTriple = tuple[Any, Any, Any]  # pyoxigraph subject, predicate, object
# Sources per engine call in check_store: pyshacl-turbo's cost per source is lowest around 100
# to 250 (it grows slowly with the call's size), pySHACL's hardly depends on it.
STORE_CHUNK = 200


def ontology() -> Graph:
    """The ontology, read once per process (the validation stage's copy; never mutate it)."""
    return ontology_graph()


@lru_cache(maxsize=1)
def registry() -> Graph:
    from dyad.registry import registry_graph  # built from data/actors and CLDR

    return registry_graph()


@lru_cache(maxsize=1)
def base_version() -> Literal:
    """A fingerprint of the ontology and registry sources, so unchanged ones are not rewritten."""
    import babel

    digest = hashlib.sha256()
    files = [resource("ontology", "dyad.ttl"), *sorted(resource("data", "actors").glob("*.yaml"))]
    for f in files:
        digest.update(f.read_bytes())
    digest.update(f"babel {babel.__version__} pycountry {importlib.metadata.version('pycountry')}".encode())
    return Literal(digest.hexdigest())


def ensure_base(store: Store) -> None:
    """Put the ontology and the actor registry in their graphs, unless they are there already.

    Their blank nodes (OWL restrictions) are new on every parse, so graphs are compared by a
    fingerprint of the files they come from (``dcterms:identifier`` of the ontology graph).
    """
    version = base_version()
    if store.has((ONTOLOGY_GRAPH, DCTERMS.identifier, version), ONTOLOGY_GRAPH):
        return
    store.replace_graph(ACTORS_GRAPH, registry())
    # a registry change may change any event's agent and target codes; done before the
    # fingerprint is written, so an interrupted refresh is redone next time
    store.refresh_derived()
    store.replace_graph(ONTOLOGY_GRAPH, {*ontology(), (ONTOLOGY_GRAPH, DCTERMS.identifier, version)})


def neighbourhood(store: Store, g: Graph) -> Graph:
    """What validating ``g`` needs to know from outside it: the description of each IRI it
    mentions but does not describe (the ontology's own terms aside), from the actor registry
    or the store, in the predicates the shapes read (:func:`dyad.validate.read_predicates`).
    Only those: the whole registry would cost more than the article. The ontology itself is
    not copied in: ``validate`` adds it."""
    triples = list(triples_of(g))
    context = Graph()
    for t in _context(store, triples, {s for s, _, _ in triples}):
        context.add(t)
    return context


def _context(store: Store, triples: Sequence[Triple], described: set[Node], also: Graph | None = None) -> Iterator[Triple]:
    mentioned = {o for _, _, o in triples if isinstance(o, URIRef)} - described - ontology_subjects()
    for s, p, o in _described_elsewhere(store, [to_ox(m) for m in mentioned]):
        yield to_rdflib(s), to_rdflib(p), to_rdflib(o)
    if also is not None:  # descriptions arriving in the same call (a store's export being restored)
        keep = read_predicates()
        for m in mentioned:
            for p, o in also.predicate_objects(m):
                if keep is None or p in keep:
                    yield m, p, o


def _described_elsewhere(store: Store, mentioned: Iterable[Any]) -> list[OxTriple]:
    """What the registry (first) or else the store says of ``mentioned`` (pyoxigraph named
    nodes), in the predicates validation reads: the neighbourhood of a submission and of stored
    sources alike."""
    actors = _registry_index_ox()
    context: list[OxTriple] = []
    elsewhere = []
    for m in mentioned:
        if m in actors:
            context.extend(actors[m])
        else:
            elsewhere.append(m)
    context.extend(_describe(store, elsewhere))
    return context


@lru_cache(maxsize=1)
def _registry_index() -> dict[Node, tuple[Triple, ...]]:
    """Each registry actor's triples that validation can read (all its names in every language
    are not among them)."""
    keep = read_predicates()
    index: dict[Node, list[Triple]] = {}
    for t in registry():
        if keep is None or t[1] in keep:
            index.setdefault(t[0], []).append(t)
    for s in registry().subjects():  # an actor described only by unread triples is still known
        index.setdefault(s, [])
    return {s: tuple(ts) for s, ts in index.items()}


@lru_cache(maxsize=1)
def _registry_index_ox() -> dict[Any, tuple[OxTriple, ...]]:
    return {to_ox(s): tuple((to_ox(a), to_ox(b), to_ox(c)) for a, b, c in ts)
            for s, ts in _registry_index().items()}


_DESCRIBE = """SELECT ?s ?p ?o WHERE {{
    VALUES ?s {{ {subjects} }}
    {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {derived}) }}
}}"""


def _describe(store: Store, subjects: Sequence[Any]) -> list[OxTriple]:
    """The stored triples about ``subjects`` (pyoxigraph named nodes), in any graph but
    ``dyg:derived``, restricted to what the shapes read, as pyoxigraph terms."""
    if not subjects:
        return []
    keep = read_predicates()
    keep_iris = None if keep is None else {str(p) for p in keep}
    query = _DESCRIBE.format(subjects=" ".join(map(str, subjects)), derived=to_ox(DERIVED_GRAPH))
    rows = store.raw_query(query)
    return [(r[0], r[1], r[2]) for r in rows  # type: ignore[attr-defined]
            if keep_iris is None or r[1].value in keep_iris]


@dataclass(frozen=True)
class Checked:
    source: SourceGraph
    report: ValidationReport
    # the triples validated, read from the graph once: what commit writes (a big graph is
    # slow to iterate twice)
    triples: Sequence[Triple]


def check(store: Store, sources: list[SourceGraph], also: Graph | None = None) -> list[Checked]:
    """Validate each source graph against the shapes, with its neighbourhood (in the store, and
    in ``also``: descriptions written in the same call)."""
    out = []
    for source in sources:
        triples = list(triples_of(source.graph))
        described = {s for s, _, _ in triples}
        context = _context(store, triples, described, also)
        out.append(Checked(source, validate_triples(triples, context=context, described=described), triples))
    return out


def check_store(store: Store, *, chunk: int = STORE_CHUNK, jobs: int = 1) -> ValidationReport:
    """Validate every source already stored, as :func:`check` did when it was written: its own
    graph and the descriptions of the events it reports, with their neighbourhood, ``chunk``
    sources per engine call. The chunks do not change the problems found unless one source's
    graph describes another source's own nodes (its reports, evidence or itself), which Dyad's
    writes never do. ``jobs`` > 1 checks the chunks in that many processes (a store on disk only)."""
    return merge_reports(report for _, report in iter_check_store(store, chunk=chunk, jobs=jobs))


def iter_check_store(store: Store, *, chunk: int = STORE_CHUNK,
                     jobs: int = 1) -> Iterator[tuple[list[URIRef], ValidationReport]]:
    """:func:`check_store` one chunk at a time, in order: each chunk's sources and their report.

    The engines run in Python and hold the GIL, so more cores need processes: each opens the store
    read-only once and checks the chunks it is handed; the chunks are independent (see above)."""
    names = store.sources()
    parts = [names[i:i + chunk] for i in range(0, len(names), chunk)]
    if jobs <= 1 or store.path is None or len(parts) < 2:
        for part in parts:
            yield part, check_sources(store, part)
        return
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # never fork a process that holds a RocksDB handle
    with ctx.Pool(min(jobs, len(parts)), initializer=_open_for_checks, initargs=(str(store.path),)) as pool:
        yield from zip(parts, pool.imap(_check_part, parts))


_CHECKED: Store | None = None  # the worker process's read-only store (iter_check_store)


def _open_for_checks(path: str) -> None:
    global _CHECKED
    _CHECKED = Store(path, read_only=True, recover=False)


def _check_part(names: list[URIRef]) -> ValidationReport:
    assert _CHECKED is not None
    return check_sources(_CHECKED, names)


def check_sources(store: Store, names: Iterable[URIRef]) -> ValidationReport:
    """Validate stored sources together, in one engine call (see :func:`check_store`)."""
    data, context = _gather(store, list(names))
    return validate_store_triples(data, context=context)


_SOURCES = """SELECT DISTINCT ?s ?p ?o WHERE {{
    VALUES ?g {{ {graphs} }}
    {{ GRAPH ?g {{ ?s ?p ?o }} }}
    UNION
    {{ GRAPH ?g {{ ?report {report_of} ?s }} GRAPH {entities} {{ ?s ?p ?o }} }}
}}"""


def _gather(store: Store, names: Sequence[URIRef]) -> tuple[list[OxTriple], list[OxTriple]]:
    """The sources' triples as written (their graphs and their events' descriptions) and their
    neighbourhood, as pyoxigraph terms."""
    if not names:
        return [], []
    graphs = " ".join(str(to_ox(n)) for n in names)
    query = _SOURCES.format(graphs=graphs, report_of=to_ox(DY.reportOf), entities=to_ox(ENTITIES_GRAPH))
    data = [(r[0], r[1], r[2]) for r in store.raw_query(query)]  # type: ignore[attr-defined]
    described = {s for s, _, _ in data}
    mentioned = {o for _, _, o in data if isinstance(o, ox.NamedNode)} - described - _ontology_subjects_ox()
    return data, _described_elsewhere(store, mentioned)


@lru_cache(maxsize=1)
def _ontology_subjects_ox() -> frozenset[Any]:
    return frozenset(to_ox(t) for t in ontology_subjects() if isinstance(t, URIRef))


def admit(store: Store, sources: list[SourceGraph], also: Graph | None = None) -> list[WriteResult]:
    """Validate all, then write all; nothing is written if any graph has a violation."""
    return commit(store, check(store, sources, also))


def commit(store: Store, checked: list[Checked]) -> list[WriteResult]:
    """Write graphs already checked; nothing is written if any has a violation."""
    failed = [c for c in checked if not c.report.conforms]
    if failed:
        raise NotConformingError(
            "\n".join(f"{c.source.origin}:\n{c.report.format_text()}" for c in failed)
            + "\nnothing was written"
        )
    ensure_base(store)
    return [store.write_source(c.source.name, c.triples) for c in checked]
