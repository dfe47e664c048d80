"""Event mentions to the article's named graph (docs/design.md, "Matching" and the IRI table).

Roles are written as the coded actor (``dyid:state/KOR``, ``dyid:org/NATO``): who-did-what is
counted by code, and two sources naming the ministry and the minister must give one event.
The mentioned actor (person, ministry) stays in the report's evidence and in its own triples.
No blank nodes: every node has a deterministic IRI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD
from rdflib.term import Node

from dyad import dates
from dyad.dates import DateValue
from dyad.iris import event_iri, report_iri
from dyad.namespace import DY, ID, PREFIXES, SCHEMA, STATUSES
from ingest.clauses import STATUS_RANK
from ingest.extract import EventMention

__all__ = ["KnownEvent", "KnownEvents", "to_graph", "event_iri", "role_iri"]


@dataclass(frozen=True)
class KnownEvent:
    iri: URIRef
    date: dates.DateValue | None
    core: tuple[tuple[URIRef, URIRef, Node], ...]  # the event's own triples as stored


KnownEvents = Callable[[URIRef, frozenset, frozenset], list[KnownEvent]]


def role_iri(m: Any) -> URIRef:
    """The coded actor a mention stands for (state or international organization)."""
    from dyad.registry import load_registry  # the registry knows which codes are organizations

    reg = load_registry()
    return reg.coded(m.code) if m.code in reg.states or m.code in reg.organizations else m.actor


def _compatible(a: dates.DateValue | None, b: dates.DateValue | None, same_article: bool) -> bool:
    if a is None or b is None:
        return (a is None and b is None) or same_article
    return a.overlaps(b)


@dataclass
class _Node:
    key: tuple
    date: dates.DateValue | None
    troops: int | None
    members: list[int]
    iri: URIRef | None = None
    known: KnownEvent | None = None


def to_graph(article: Any, events: list[EventMention], known: KnownEvents) -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    src = article.iri
    _source(g, article)
    roles = [(frozenset(map(role_iri, e.agents)), frozenset(map(role_iri, e.targets))) for e in events]
    # one node per distinct event in this article (about sets resolved after, in two rounds)
    nodes: list[_Node] = []
    node_of: dict[int, _Node] = {}
    # events others are about first, so their nodes exist when the about sets are read
    order = sorted(range(len(events)), key=lambda n: (events[n].about != [], events[n].date is None, n))
    for n in order:
        e = events[n]
        about = frozenset(id(node_of[a]) for a in e.about if a in node_of)
        key = (e.type, roles[n][0], roles[n][1], about)
        for node in nodes:
            # within one article a mention without `about` is the same event as one with it
            # a planned event and a past one of the same parties are two events, not one
            plan = {events[m].status == "hypothetical" for m in node.members}
            if node.key[:3] == key[:3] and (node.key[3] == key[3] or not key[3] or not node.key[3]) \
                    and _compatible(node.date, e.date, True) and (e.date is not None and node.date is not None
                                                                  or plan == {e.status == "hypothetical"}) and not (
                    node.troops and e.troops and node.troops != e.troops):
                node.members.append(n)
                node.key = node.key if node.key[3] else key
                node.date = node.date or e.date
                node.troops = node.troops or e.troops
                node_of[n] = node
                break
        else:
            node = _Node(key, e.date, e.troops, [n])
            nodes.append(node)
            node_of[n] = node
    claimed: set[URIRef] = set()
    for node in sorted(nodes, key=lambda x: any(events[m].about for m in x.members)):
        _emit(g, article, src, events, roles, node, node_of, known, claimed)
    for e in events:
        for m in e.agents + e.targets + e.claimants:
            for t in m.new_triples:
                g.add(t)
    return g


def _about_iris(node: _Node, events: list[EventMention], node_of: dict[int, _Node]) -> frozenset:
    return frozenset(node_of[a].iri for m in node.members for a in events[m].about
                     if a in node_of and node_of[a].iri is not None and node_of[a] is not node)


def _emit(g: Graph, article: Any, src: URIRef, events: list[EventMention], roles: list, node: _Node,
          node_of: dict[int, _Node], known: KnownEvents, claimed: set[URIRef]) -> None:
    first = events[node.members[0]]
    agents, targets = roles[node.members[0]]
    about = _about_iris(node, events, node_of)
    candidate = event_iri(first.type, agents, targets, about, node.date, src, first.sentence[0])
    if candidate in claimed and node.date is None:
        # two undated events of one sentence ("met ... and agreed to meet again"): one held, one
        # planned; the second is named by its trigger's offset, not merged into the first
        candidate = event_iri(first.type, agents, targets, about, None, src, first.trigger[0])
    # what it is about does not split an event: each article mints its own node for the
    # deployment a summons protests (dyad.identity)
    candidates = known(first.type, agents, targets) if known else []
    # The event this very mention minted before (ingesting again) comes first; then any other
    # compatible one not already taken by another event of this article, so that two events
    # of one article never collapse into one on a second pass.
    match = next((k for k in candidates if k.iri == candidate), None) or next(
        (k for k in candidates if k.iri not in claimed and _compatible(k.date, node.date, False)), None)
    if match is not None:
        node.iri = match.iri
        for t in match.core:
            if t[1] != DY.about:  # other reports' links live in their own sources' graphs
                g.add(t)
        for a in about:
            g.add((match.iri, DY.about, a))
    else:
        node.iri = candidate
        ev = node.iri
        g.add((ev, RDF.type, first.type))
        for a in agents:
            g.add((ev, DY.agent, a))
        for t in targets:
            g.add((ev, DY.target, t))
        for a in about:
            g.add((ev, DY.about, a))
        topic = next((events[m].topic for m in node.members if events[m].topic), None)
        if topic and not about:
            g.add((ev, DY.topic, Literal(topic)))
        if node.date is not None:
            for t in dates.triples(ev, node.date):
                g.add(t)
        if node.troops:
            g.add((ev, DY.troops, Literal(node.troops, datatype=XSD.integer)))
        place = next((events[m].place for m in node.members if events[m].place), None)
        if place:
            p = _place(g, place)
            g.add((ev, DY.place, p))
    ev = node.iri
    claimed.add(ev)
    g.add((ev, PROV.wasDerivedFrom, src))
    report = report_iri(ev, src)
    status = min((events[m].status for m in node.members), key=lambda s: STATUS_RANK[s])
    g.add((report, RDF.type, DY.Report))
    g.add((report, DY.reportOf, ev))
    g.add((report, DY.source, src))
    g.add((report, DY.status, STATUSES[status]))
    for m in node.members:
        if events[m].status == status:
            for c in events[m].claimants:
                g.add((report, DY.claimant, role_iri(c)))
    text = article.text
    for m in node.members:
        b, e = events[m].sentence
        evid = URIRef(f"{report}-e{b}")
        g.add((report, DY.evidence, evid))
        g.add((evid, RDF.type, DY.Evidence))
        g.add((evid, DY.quote, Literal(text[b:e])))
        g.add((evid, DY.beginIndex, Literal(b, datatype=XSD.integer)))
        g.add((evid, DY.endIndex, Literal(e, datatype=XSD.integer)))


def _place(g: Graph, name: str) -> URIRef:
    """A place the text names: the GeoNames city of that name, with its point, the node every
    source naming it shares (dyad/gazetteer.py); else a place of that name alone."""
    from dyad import gazetteer
    from dyad.registry import slug

    city = gazetteer.find(name)
    if city is None:
        p = ID["place/" + slug(name)]
        g.add((p, RDF.type, DY.Place))
        g.add((p, RDFS.label, Literal(name)))
        return p
    for t in gazetteer.city_triples(city):
        g.add(t)
    return city.iri


def _source(g: Graph, a: Any) -> None:
    s = a.iri
    g.add((s, RDF.type, DY.Article))
    if a.title:
        g.add((s, DCTERMS.title, Literal(a.title)))
    if a.author:
        g.add((s, DCTERMS.creator, Literal(a.author)))
    if getattr(a, "publisher", None):
        g.add((s, DCTERMS.publisher, Literal(a.publisher)))
    if isinstance(a.published, DateValue):  # only the month or year is known: xsd:gYearMonth / xsd:gYear
        g.add((s, DCTERMS.issued, a.published.literal()))
    elif a.published is not None:
        g.add((s, DCTERMS.issued, Literal(a.published.isoformat(), datatype=XSD.dateTime)))
    g.add((s, DCTERMS.language, Literal(a.language)))
    if a.url:
        g.add((s, SCHEMA.url, Literal(a.url, datatype=XSD.anyURI)))
    if a.dateline:
        g.add((s, DY.dateline, Literal(a.dateline)))
