"""Exports: the store as Turtle, N-Triples, N-Quads, TriG or JSON-LD, streamed by pyoxigraph.

Turtle and N-Triples are graph formats: they get the union of all graphs, each triple once.
N-Quads and TriG keep one named graph per source, so a triple store receives sources it can
replace one by one. Turtle and TriG carry Dyad's prefixes.

A selection (an actor, a date range) exports only the matching events with what describes them:
the named CONSTRUCT ``queries/export-selection.rq`` with its parameters bound. Its triples keep
their named graphs in N-Quads and TriG (each triple goes to the graphs that hold it in the store).
Full exports stream from the store with flat memory; nothing is collected in Python.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
from rdflib import URIRef

from dyad import queries
from dyad.errors import InputError, UsageError
from dyad.namespace import PREFIXES
from dyad.store import Store

_GRAPH_FORMATS = {ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES}
_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def export_store(store: Store, fmt: ox.RdfFormat, output: Path | None, *, source: str | None = None,
                 actor: str | None = None, date_from: str | None = None, date_to: str | None = None) -> None:
    """Write the store (or one source graph, or a selection) in ``fmt`` to ``output`` (stdout when None).

    ``actor`` (a code or an IRI), ``date_from`` and ``date_to`` (ISO 8601 at any precision)
    select events as the named queries do; they cannot be combined with ``source``.
    Raises :class:`UsageError` for a bad selection, :class:`InputError` for an unknown source.
    """
    if source is not None and not store.has_graph(URIRef(source)):
        raise InputError(f"no source graph {source} in the store")
    target = str(output) if output is not None else sys.stdout.buffer
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    values = {k: v for k, v in (("actor", actor), ("from", date_from), ("to", date_to)) if v is not None}
    if values and source is not None:
        raise UsageError("--source exports one graph whole; it cannot be combined with --actor/--from/--to")
    if fmt == ox.RdfFormat.JSON_LD:
        _export_jsonld(store, target, source, values)
    elif values:
        _export_selection(store, fmt, target, values, prefixes)
    elif source is not None:
        quads = _source_quads(store, source)
        if fmt in _GRAPH_FORMATS:
            ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), target, fmt, prefixes=prefixes)
        else:
            ox.serialize(quads, target, fmt, prefixes=prefixes)
    elif fmt in _GRAPH_FORMATS:
        ox.serialize(store.raw_query(_UNION, use_default_graph_as_union=True), target, fmt, prefixes=prefixes)
    else:
        store.dump(target, fmt, prefixes=prefixes)
    if output is None:
        sys.stdout.buffer.flush()


def _source_quads(store: Store, source: str) -> Iterator[ox.Quad]:
    """One source as it was written: its own graph and the shared descriptions it refers to (in
    dyg:entities, where the store keeps them once for every source)."""
    return itertools.chain(store.quads_in(URIRef(source)), store.entities_of(URIRef(source)))


def _export_selection(store: Store, fmt: ox.RdfFormat, target: object, values: dict[str, str],
                      prefixes: dict[str, str] | None) -> None:
    """The selected events and their neighbourhood, as the named CONSTRUCT gives them."""
    triples = store.raw_query(_selection(values), use_default_graph_as_union=True)
    if fmt in _GRAPH_FORMATS:
        ox.serialize(triples, target, fmt, prefixes=prefixes)
    else:  # each triple in the graphs that hold it, so sources stay replaceable one by one
        ox.serialize((q for t in triples for q in store.quads_of(t)), target, fmt, prefixes=prefixes)


def _selection(values: dict[str, str]) -> str:
    """The named CONSTRUCT ``export-selection`` with the selection bound."""
    try:
        return queries.bind(queries.load("export-selection"), values)
    except UsageError as exc:  # say the export's option, not the query parameter
        raise UsageError(str(exc).replace("--param ", "--", 1)) from None


def _export_jsonld(store: Store, target: object, source: str | None, values: dict[str, str]) -> None:
    """JSON-LD compacted with Dyad's context (inline, so any JSON-LD reader expands it without
    fetching), one ``@graph`` per named graph as in TriG. rdflib compacts it, in memory: for a
    large store N-Quads or TriG stream."""
    from rdflib import Dataset

    from dyad.jsonld import local_context
    from dyad.terms import to_rdflib

    if values:
        quads = (q for t in store.raw_query(_selection(values), use_default_graph_as_union=True)
                 for q in store.quads_of(t))
    elif source is not None:
        quads = _source_quads(store, source)
    else:
        quads = store.quads_in()
    ds = Dataset()
    for q in quads:
        ds.graph(to_rdflib(q.graph_name)).add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    doc = _ordered(json.loads(ds.serialize(format="json-ld", context=local_context(), auto_compact=True)))
    data = json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    if isinstance(target, str):
        Path(target).write_bytes(data)
    else:
        target.write(data)  # type: ignore[attr-defined]


def _ordered(node: object) -> object:
    """The same store, the same file: rdflib writes nodes and values in set order, so every JSON
    array is sorted, by node id first - except an ``@list``, an RDF collection whose order is its
    meaning (the ontology's ``owl:unionOf`` and ``owl:members``)."""
    if isinstance(node, dict):
        return {k: (v if k == "@context" else [_ordered(x) for x in v] if k == "@list" and isinstance(v, list)
                    else _ordered(v)) for k, v in node.items()}
    if isinstance(node, list):
        items = [_ordered(v) for v in node]
        return sorted(items, key=lambda v: (str(v.get("id", v.get("@id", ""))) if isinstance(v, dict) else "",
                                             json.dumps(v, sort_keys=True, ensure_ascii=False)))
    return node
