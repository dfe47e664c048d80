"""The gate into the graph: every source graph is validated before it is written.

Used by ``dyad load``, ``dyad ingest`` and ``dyad submit`` alike. Validation sees the source graph
plus the neighbourhood it refers to (the ontology, the actor registry, and what the store knows
about the IRIs it mentions) — never the whole store, so its cost does not grow with the store.
All graphs of one call are validated before any is written; each is then written in one
transaction.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from dyad.errors import NotConformingError
from dyad.namespace import ACTORS_GRAPH, ONTOLOGY_GRAPH
from dyad.parse import SourceGraph
from dyad.resources import resource
from dyad.store import Store, WriteResult
from dyad.validate import ValidationReport, ontology_graph, validate


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
    store.replace_graph(ONTOLOGY_GRAPH, {*ontology(), (ONTOLOGY_GRAPH, DCTERMS.identifier, version)})


def neighbourhood(store: Store, g: Graph) -> Graph:
    """What validating ``g`` needs to know from outside it: the description of each IRI it
    mentions but does not describe (the ontology's own terms aside). Only those:
    pySHACL's cost grows with every targeted node in the context, so the whole registry would
    cost more than the article. The ontology itself is not copied in: ``validate`` adds it."""
    context = Graph()
    described = set(g.subjects())
    mentioned = {o for o in g.objects() if isinstance(o, URIRef)} - described - set(ontology().subjects())
    actors = registry()
    for m in mentioned:
        for t in actors.triples((m, None, None)):
            context.add(t)
    for t in store.describe({m for m in mentioned if (m, None, None) not in actors}):
        context.add(t)
    return context


@dataclass(frozen=True)
class Checked:
    source: SourceGraph
    report: ValidationReport


def check(store: Store, sources: list[SourceGraph]) -> list[Checked]:
    """Validate each source graph against the shapes, with its neighbourhood."""
    return [Checked(s, validate(s.graph, context=neighbourhood(store, s.graph))) for s in sources]


def admit(store: Store, sources: list[SourceGraph]) -> list[WriteResult]:
    """Validate all, then write all; nothing is written if any graph has a violation."""
    return commit(store, check(store, sources))


def commit(store: Store, checked: list[Checked]) -> list[WriteResult]:
    """Write graphs already checked; nothing is written if any has a violation."""
    failed = [c for c in checked if not c.report.conforms]
    if failed:
        raise NotConformingError(
            "\n".join(f"{c.source.origin}:\n{c.report.format_text()}" for c in failed)
            + "\nnothing was written"
        )
    ensure_base(store)
    return [store.write_source(c.source.name, c.source.graph) for c in checked]
