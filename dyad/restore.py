"""A store's own export read back: backup, restore, moving a store (``dyad load``, ``dyad check``).

``dyad export --format trig`` (or ``nquads``) writes every graph of the store: the source graphs,
and Dyad's own ones, which no source may write:

- ``dyg:ontology`` and ``dyg:actors`` are the installed ontology and actor registry. An export's
  copies are compared with the installed ones, triple by triple: the same and they are skipped; different, and the load stops
  with the first difference named. They are never merged into the installed ones.
- ``dyg:entities`` holds what sources report about shared things (events, new persons, places),
  once for all. Each source graph of the export gets back the part it refers to, so it is
  validated and written exactly as it was first written; what it only points to (an event
  another source reports) is validated against the export's copy, as it was against the store.
- ``dyg:derived`` holds summaries the store computes from the rest; they are computed again
  (``dyad load`` says when the export's copy differs from the recomputed one).
"""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, RDF

from dyad.errors import InputError
from dyad.namespace import ACTORS_GRAPH, DY, EVENT_CLASSES, ONTOLOGY_GRAPH
from dyad.parse import DERIVED_ONLY, SourceGraph

__all__ = ["attach_entities", "check_base", "is_export", "strip_base"]


def _installed(name: URIRef) -> Graph:
    """The installed ontology or registry as a store holds it (Oxigraph keeps the integer types
    derived from xsd:integer as xsd:integer), for comparison with an export."""
    import pyoxigraph as ox

    from dyad import gate
    from dyad.terms import quads, to_rdflib

    source = gate.ontology() if name == ONTOLOGY_GRAPH else gate.registry()
    held = ox.Store()
    held.extend(quads(source, name))
    g = Graph()
    for q in held:
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g


def check_base(own: dict[URIRef, Graph], origin: str) -> None:
    """The export's ontology and registry are the installed ones, or an InputError naming the
    first difference."""
    for name, what in ((ONTOLOGY_GRAPH, "ontology"), (ACTORS_GRAPH, "actor registry")):
        if name not in own:
            continue
        theirs, ours = own[name], _installed(name)
        if name == ONTOLOGY_GRAPH:  # the fingerprint differs by definition; the content may not
            theirs.remove((ONTOLOGY_GRAPH, DCTERMS.identifier, None))
            ours.remove((ONTOLOGY_GRAPH, DCTERMS.identifier, None))
        # the fingerprint of the files they were built from is not enough: an export can be edited
        plain = not any(isinstance(t, BNode) for g in (theirs, ours) for triple in g for t in triple)
        # a selection's export (--actor, --from) holds part of the registry: a subset is the same
        if (set(theirs) <= set(ours)) if plain else isomorphic(theirs, ours):
            continue
        _, only_theirs, only_ours = graph_diff(to_isomorphic(theirs), to_isomorphic(ours))
        example = next(iter(sorted(only_theirs, key=str)), None) or next(iter(sorted(only_ours, key=str)))
        side = "has" if (example in only_theirs) else "lacks"
        raise InputError(
            f"graph {name} differs from the installed {what} ({len(only_theirs)} triple(s) only in the file, "
            f"{len(only_ours)} only installed; the file {side} {' '.join(t.n3() for t in example)}): it was "
            "exported by another version of Dyad or of its data; load its source graphs from a file "
            "without Dyad's own graphs, or upgrade to the version that wrote it", where=origin)


def attach_entities(sources: list[SourceGraph], entities: Graph) -> None:
    """Give each source graph the shared descriptions it refers to (its events, their actors,
    places and what they are about), as it held them when it was first written."""
    if not len(entities) or not sources:
        return
    events = _events(entities)
    given: set[URIRef] = set()
    for source in sources:
        reported = set(source.graph.objects(None, DY.reportOf))
        seen: set[URIRef] = set()
        todo = [t for triple in source.graph for t in (triple[0], triple[2]) if isinstance(t, URIRef)]
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            if node in events and node not in reported:
                continue  # an event this source only points to ("about"): another source's to describe
            given.add(node)
            for p, o in entities.predicate_objects(node):
                source.graph.add((node, p, o))
                if isinstance(o, URIRef) and o not in seen:
                    todo.append(o)
    # descriptions no source refers to any more (an organ named in passing): kept, with the first
    # source, so that the store holds what it held (shared triples are stored once, whoever gives them)
    for node in set(entities.subjects()) - given:
        for p, o in entities.predicate_objects(node):
            sources[0].graph.add((node, p, o))


def _events(entities: Graph) -> set[URIRef]:
    """The events described in ``entities``: things typed with one of the event classes."""
    classes = {DY.Event, *EVENT_CLASSES}
    return {s for s, o in entities.subject_objects(RDF.type) if o in classes and isinstance(s, URIRef)}


def is_export(g: Graph) -> bool:
    """A whole store written in one graph: it holds the ontology's fingerprint."""
    return (ONTOLOGY_GRAPH, DCTERMS.identifier, None) in g


def strip_base(g: Graph, origin: str) -> Graph:
    """A whole-store export in one graph (Turtle, JSON-LD ...), less what is the installed
    ontology and registry, for ``dyad check``; a changed ontology term is an InputError."""
    from dyad import gate

    base = set(gate.ontology()) | set(gate.registry())
    out = Graph()
    for s, p, o in g:
        if (s, p, o) in base or isinstance(s, BNode) or isinstance(o, BNode) or (
                s == ONTOLOGY_GRAPH and p == DCTERMS.identifier) or p in DERIVED_ONLY:
            continue  # the installed triples, the ontology's restrictions (a store's only blank nodes), the summaries
        if isinstance(s, URIRef) and str(s).startswith(str(DY._NS)):
            raise InputError(f"redefines the ontology term {s} ({p.n3()} {o.n3()} is not in the installed "
                             "ontology); the ontology is changed in ontology/dyad.ttl, not by loading data",
                             where=origin)
        out.add((s, p, o))
    return out

