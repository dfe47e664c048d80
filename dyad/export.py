"""Exports: the store as Turtle, N-Triples, N-Quads, TriG or JSON-LD, streamed by pyoxigraph.

Turtle and N-Triples are graph formats: they get the union of all graphs, each triple once.
N-Quads and TriG keep one named graph per source, so a triple store receives sources it can
replace one by one. Turtle and TriG carry Dyad's prefixes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from dyad.errors import InputError
from dyad.namespace import PREFIXES
from dyad.store import Store

_GRAPH_FORMATS = {ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES}
_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def export_store(store: Store, fmt: ox.RdfFormat, output: Path | None, *, source: str | None = None) -> None:
    """Write the store (or one source graph) in ``fmt`` to ``output`` (stdout when None)."""
    if source is not None and not store.has_graph(URIRef(source)):
        raise InputError(f"no source graph {source} in the store")
    target = str(output) if output is not None else sys.stdout.buffer
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    if fmt in _GRAPH_FORMATS or fmt == ox.RdfFormat.JSON_LD:
        options: dict[str, object] = {"use_default_graph_as_union": source is None}
        if source is not None:
            options["default_graph"] = ox.NamedNode(source)
        triples = store.raw_query(_UNION, **options)
        ox.serialize(triples, target, fmt, prefixes=prefixes)
    elif source is not None:
        ox.serialize(
            (ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(source))
             for t in store.raw_query(_UNION, default_graph=ox.NamedNode(source))),
            target, fmt, prefixes=prefixes)
    else:
        store.dump(target, fmt, prefixes=prefixes)
    if output is None:
        sys.stdout.buffer.flush()
