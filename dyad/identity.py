"""Event identity: one event, many reports.

An event is the same event wherever it is told (an ingested article, a hand submission, a loaded
file) when it has the same type, the same agents, the same targets and compatible dates: both
undated, or dates that overlap ("2024-10-21" and "2024-W43"). What it is *about* does not split
it: each article mints its own node for the deployment a summons protests, so two reports of one
summons would otherwise never meet. The ``dy:about`` links of every report are kept on the event.

Ingest asks ``Store.find_events`` through ``ingest.mapping``; submissions and loads fold their
event nodes into the known ones here, before the SHACL gate sees them.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from dyad import dates
from dyad.namespace import DY
from dyad.store import KnownEvent, Store

__all__ = ["compatible", "event_nodes", "fold", "fold_graph", "known_match", "rename"]

# what an event node says of itself; a folded node takes the known event's instead (its `about`
# links stay: they are this report's)
_OWN = (RDF.type, DY.agent, DY.target, DY.topic, DY.place, DY.troops, DY.date, DY.precision, DY.start, DY.end)


def compatible(a: dates.DateValue | None, b: dates.DateValue | None) -> bool:
    """Two dates of one event: both unknown, or overlapping periods."""
    if a is None or b is None:
        return a is None and b is None
    return a.overlaps(b)


def event_nodes(g: Graph) -> list[URIRef]:
    """The events a graph reports (objects of dy:reportOf), in a stable order."""
    return sorted({o for o in g.objects(None, DY.reportOf) if isinstance(o, URIRef)})


def known_match(store: Store, g: Graph, ev: URIRef) -> KnownEvent | None:
    """The stored event ``ev`` is one of, by type, agents, targets and compatible date."""
    types = [t for t in g.objects(ev, RDF.type) if isinstance(t, URIRef)]
    agents = frozenset(_stands_for(g, o) for o in g.objects(ev, DY.agent) if isinstance(o, URIRef))
    targets = frozenset(_stands_for(g, o) for o in g.objects(ev, DY.target) if isinstance(o, URIRef))
    if not agents or not types:
        return None
    lit = g.value(ev, DY.date)
    try:
        date = dates.from_literal(lit) if isinstance(lit, Literal) else None
    except ValueError:
        return None  # the shapes name the bad date
    found = [k for t in types for k in store.find_events(t, agents, targets)]
    same = next((k for k in found if k.iri == ev), None)
    return same or next((k for k in found if compatible(k.date, date)), None)


def _stands_for(g: Graph, actor: URIRef) -> URIRef:
    """Whom an actor described in the graph itself acts for (a new person, a new organ); the
    store resolves the rest."""
    boss = g.value(actor, DY.actsFor)
    return boss if isinstance(boss, URIRef) and g.value(actor, DY.code) is None else actor


def fold(g: Graph, ev: URIRef, known: KnownEvent) -> URIRef:
    """Make ``ev`` in ``g`` the known event: its node renamed, its own description replaced by the
    stored one, its reports and `about` links kept. Returns the known IRI."""
    if known.iri != ev:
        for p in _OWN:
            g.remove((ev, p, None))
        rename(g, ev, known.iri)
    for t in known.core:
        if t[1] != DY.about:  # other reports' links live in their own sources' graphs
            g.add(t)
    return known.iri


def fold_graph(store: Store, g: Graph) -> int:
    """Fold every event of a graph to be loaded into the stored event it is; returns how many
    were known under another IRI."""
    n = 0
    for ev in event_nodes(g):
        k = known_match(store, g, ev)
        if k is not None:
            n += k.iri != ev
            fold(g, ev, k)
    return n


def rename(g: Graph, old: Node, new: Node) -> None:
    """Every triple of ``g`` that names ``old`` names ``new`` instead."""
    for s, p, o in list(g.triples((old, None, None))):
        g.remove((s, p, o))
        g.add((new, p, o))
    for s, p, o in list(g.triples((None, None, old))):
        g.remove((s, p, o))
        g.add((s, p, new))
