"""The per-event summaries the store keeps in ``dyg:derived``, computed from the quads about events.

Why summaries: the named queries ask, for every event, things that depend on several reports
(the strongest status any source gives it, how many sources report it, which reported it first)
and on the actors' descriptions (the codes of its agents and targets: an actor's own ``dy:code``,
else the codes of whom it acts for). Computed per query, they made every query scan the whole
graph; kept on write, they are one indexed triple each.

One aggregation, fed two ways: :class:`Summariser` takes quads one at a time, whether they come
from the file a bulk load streams into the store or from what the store holds about the events
one write touches plus that write's new content. Terms are pyoxigraph terms throughout.

An event's summary:
- ``dy:status``: the best status over its reports, by rank (reported > alleged > unconfirmed >
  hypothetical);
- ``dy:reportCount``: how many distinct sources report it;
- ``dy:firstSource``: the source of its earliest report, by publication time (UTC), then IRI;
- ``dy:agentCode`` / ``dy:targetCode``: the codes of its agents / targets, each once;
- ``dy:placeName``: where it happened, as one string (a state's code, else a place's English or
  untagged name; the least in code-point order when there are several), so that a query shows a
  place without a row per place or per name;
- ``dy:yearKey`` / ``dy:actorYearKey``: index keys, one per calendar year its time span touches
  ("2020") and per code of its agents and targets and such year ("PRK 2020"). An analyst asks for
  one actor in one year far more often than for anything else; without a key the engine visits
  every event of the actor (ten years of them) before the date filter drops nine in ten.
  Undated events have none (a date range leaves them out anyway).
- ``dy:claimKey``: an index key of claims, one per code of its agents and targets ("PRK") when its
  status is a claim's (not reported). Claims are about one event in seven, spread over all years;
  the claims of one actor would otherwise be found among all of its events.

Besides the per-event summaries, a count table: how many events each cell holds, a cell being a
status, an event class, an agent code and a target code ("" when none), with or without the
event's first and last year. It answers the dyads query (how many events per dyad and type) from
the cells instead of from every event: at a million events the whole graph's dyads are ~86,000
cells against a million events of four lookups each. In ``dyg:derived``:
- ``<cell> dy:eventCount N``, on a node named by a hash of the cell (a write finds a cell's count
  there and adjusts it by the events that leave and enter it);
- the cell as a string on its bucket, so that a query reads a bucket's cells with one index scan.
  A bucket holds one status and one class, and either every date and none
  (``dyid:dyads/Reported/Summons``) or one year (``dyid:dyads/Reported/Summons/2020``). A cell of
  one bucket is ``dy:dyadCount "N AGENT TARGET"``: at most 15 bytes for states' codes, which
  Oxigraph keeps inside its index keys (a longer string is one more lookup per cell, 5 us on a
  store larger than the page cache). A cell of events spanning years hangs on each year's
  bucket as ``dy:dyadSpanCount "N AGENT TARGET FIRST LAST Status"``, one string, which a query
  over several years reads once (DISTINCT). A code is one string without spaces (the shapes:
  ``dysh:Actor-code``), so the strings split at spaces.
An event counts once in each cell of its status x classes x agent codes x target codes (each code
once, as in ``dy:agentCode``), exactly what ``COUNT(DISTINCT ?event)`` per dyad and type counts;
events without a status (no report) or one of Dyad's event classes count nowhere (an event of a
class a source declares itself is counted by ``dyads.rq`` from the events, not by the table).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Collection, Iterable, Iterator

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from dyad.iris import short_hash
from dyad.namespace import DY, EVENT_CLASSES, ID, STATUSES

_N = ox.NamedNode
RANK = {_N(str(DY.Reported)): 1, _N(str(DY.Alleged)): 2, _N(str(DY.Unconfirmed)): 3, _N(str(DY.Hypothetical)): 4}
assert {n.value for n in RANK} == {str(s) for s in STATUSES.values()}

REPORT_OF, STATUS, SOURCE, ISSUED = (_N(str(p)) for p in (DY.reportOf, DY.status, DY.source, DCTERMS.issued))
AGENT, TARGET, CODE, ACTS_FOR = (_N(str(p)) for p in (DY.agent, DY.target, DY.code, DY.actsFor))
REPORT_COUNT, FIRST_SOURCE, AGENT_CODE, TARGET_CODE, PLACE_NAME = (
    _N(str(p)) for p in (DY.reportCount, DY.firstSource, DY.agentCode, DY.targetCode, DY.placeName))
PLACE, LABEL = _N(str(DY.place)), _N(str(RDFS.label))
START, END, YEAR_KEY, ACTOR_YEAR_KEY, CLAIM_KEY = (
    _N(str(p)) for p in (DY.start, DY.end, DY.yearKey, DY.actorYearKey, DY.claimKey))
TYPE, EVENT_COUNT, DYAD_COUNT, DYAD_SPAN_COUNT = (
    _N(str(p)) for p in (RDF.type, DY.eventCount, DY.dyadCount, DY.dyadSpanCount))
_EVENT_CLASSES = frozenset(_N(str(c)) for c in EVENT_CLASSES)
#: what the summaries are made of (a write's quads with other predicates cannot change them)
INPUTS = frozenset({REPORT_OF, STATUS, SOURCE, ISSUED, AGENT, TARGET, CODE, ACTS_FOR, PLACE, LABEL, START, END,
                    TYPE})
#: what they are made into
OUTPUTS = frozenset({STATUS, REPORT_COUNT, FIRST_SOURCE, AGENT_CODE, TARGET_CODE, PLACE_NAME,
                     YEAR_KEY, ACTOR_YEAR_KEY, CLAIM_KEY})
_INTEGER = _N(str(XSD.integer))
_REPORTED = _N(str(DY.Reported))

Term = ox.NamedNode | ox.BlankNode | ox.Literal
#: a cell of the count table: status and class (local names), agent and target code, and the
#: first and last year (both None: the cell of every date and none)
Cell = tuple[str, str, str, str, int | None, int | None]
#: what a table of several terms per key holds: one term, or a set of two or more
Held = Term | set[Term]


class Summariser:
    """Collects the quads summaries are made of; :meth:`each_summary` gives every event's summary.

    Its tables are most of a bulk load's memory (a million events: a few million entries), so
    they hold as little as they can: every term kept is one object, whichever quad brought it
    (:meth:`_keep`; the parser makes a new object per occurrence, and a report would otherwise be
    held by three, an event by five); a role, code or place held once is the term itself, a set
    only from the second (:func:`terms_of` reads either). A million sets of one would be 0.2 GB.
    """

    def __init__(self) -> None:
        self._terms: dict[Term, Term] = {}
        self.report_event: dict[Term, Term] = {}
        self.report_status: dict[Term, Term] = {}
        self.report_source: dict[Term, Term] = {}
        self.issued: dict[Term, str] = {}
        self.agents: dict[Term, Held] = {}
        self.targets: dict[Term, Held] = {}
        self.codes: dict[Term, Held] = {}
        self.acts_for: dict[Term, Held] = {}
        self.places: dict[Term, Held] = {}
        #: events' classes (other types are not kept: every node has one)
        self.classes: dict[Term, Held] = {}
        #: English or untagged names (the others never name a place in a summary)
        self.labels: dict[Term, set[str]] = {}
        #: an event's calendar years: first and last (of its earliest start and latest end)
        self.first_year: dict[Term, int] = {}
        self.last_year: dict[Term, int] = {}
        self._years: dict[str, int | None] = {}
        self._utc: dict[str, str] = {}

    def _keep(self, term: Term) -> Term:
        """The one object this summariser holds for ``term``."""
        return self._terms.setdefault(term, term)

    def add(self, s: Term, p: ox.NamedNode, o: Term) -> None:
        """Take one statement (any predicate; the ones summaries do not use are ignored)."""
        if p not in INPUTS:
            return
        if p == TYPE:  # every node has a type: only events' are held (and only they are kept)
            if o in _EVENT_CLASSES:
                _hold(self.classes, self._keep(s), self._keep(o))
            return
        s = self._keep(s)
        if p == REPORT_OF:
            self.report_event[s] = self._keep(o)
        elif p == STATUS:
            held = self.report_status.get(s)
            if held is None or RANK.get(o, 99) < RANK.get(held, 99):
                self.report_status[s] = self._keep(o)
        elif p == SOURCE:
            self.report_source[s] = self._keep(o)
        elif p == ISSUED:
            self.issued[s] = o.value
        elif p == AGENT:
            _hold(self.agents, s, self._keep(o))
        elif p == TARGET:
            _hold(self.targets, s, self._keep(o))
        elif p == CODE:
            _hold(self.codes, s, self._keep(o))
        elif p == ACTS_FOR:
            _hold(self.acts_for, s, self._keep(o))
        elif p == PLACE:
            _hold(self.places, s, self._keep(o))
        elif p == START or p == END:
            year = self._year(o.value)
            if year is None:
                return
            if p == START:
                if year < self.first_year.get(s, year + 1):
                    self.first_year[s] = year
            elif year > self.last_year.get(s, year - 1):
                self.last_year[s] = year
        elif isinstance(o, ox.Literal) and _english_or_untagged(o.language):
            self.labels.setdefault(s, set()).add(o.value)

    def add_all(self, statements: Iterable[tuple[Term, ox.NamedNode, Term]]) -> None:
        for s, p, o in statements:
            self.add(s, p, o)

    def actors(self) -> set[Term]:
        """Every actor the events' roles name, and whom they act for (whose codes count)."""
        named = {a for roles in (self.agents, self.targets) for held in roles.values() for a in terms_of(held)}
        return named | {x for a in named for x in terms_of(self.acts_for.get(a))}

    def all_places(self) -> set[Term]:
        """Every place the events name."""
        return {x for held in self.places.values() for x in terms_of(held)}

    def events(self) -> set[Term]:
        """The events at least one report is about."""
        return set(self.report_event.values())

    def code_of(self, actor: Term) -> set[Term]:
        """An actor's own codes, else the codes of those it acts for (``dy:code|dy:actsFor/dy:code``
        as the queries once followed it, with the actor's own code first, as COALESCE did)."""
        own = terms_of(self.codes.get(actor))
        if own:
            return set(own)
        return {c for x in terms_of(self.acts_for.get(actor)) for c in terms_of(self.codes.get(x))}

    def summaries(self) -> dict[Term, list[tuple[ox.NamedNode, Term]]]:
        """Every event's summary: (predicate, object) pairs. Events with no report have none."""
        return dict(self.each_summary())

    def each_summary(self) -> Iterator[tuple[Term, list[tuple[ox.NamedNode, Term]]]]:
        """:meth:`summaries` one event at a time, for a caller that writes them as they come (a
        bulk load: a million events' summaries at once would be 1.3 GB)."""
        by_event: dict[Term, Held] = {}
        for report, event in self.report_event.items():
            _hold(by_event, event, report)
        # memoised per call: actors and counts repeat across events (a few actors take part in
        # most events), and this runs once per event of a bulk load
        codes: dict[Term, list[Term]] = {}
        counts: dict[int, ox.Literal] = {}
        for event, reports in by_event.items():
            yield event, self._summary(event, terms_of(reports), codes, counts)

    def _summary(self, event: Term, reports: Collection[Term], codes: dict[Term, list[Term]],
                 counts: dict[int, ox.Literal]) -> list[tuple[ox.NamedNode, Term]]:
        out: list[tuple[ox.NamedNode, Term]] = []
        statuses = [self.report_status[r] for r in reports if r in self.report_status]
        sources = {self.report_source[r] for r in reports if r in self.report_source}
        status = None
        if statuses:
            status = statuses[0] if len(statuses) == 1 else min(statuses, key=lambda st: RANK.get(st, 99))
            out.append((STATUS, status))
        if sources:
            n = len(sources)
            if n not in counts:
                counts[n] = ox.Literal(str(n), datatype=_INTEGER)
            out.append((REPORT_COUNT, counts[n]))
            first = next(iter(sources)) if n == 1 else min(sources, key=lambda src: (self._when(src), src.value))
            out.append((FIRST_SOURCE, first))
        coded: set[str] = set()
        for role, code_p in ((self.agents, AGENT_CODE), (self.targets, TARGET_CODE)):
            actors = terms_of(role.get(event))
            if not actors:
                continue
            found: set[Term] = set()
            for actor in actors:
                if actor not in codes:
                    codes[actor] = sorted(self.code_of(actor), key=lambda c: c.value)
                found.update(codes[actor])
            out.extend((code_p, c) for c in (sorted(found, key=lambda c: c.value) if len(found) > 1 else found))
            coded.update(c.value for c in found)
        ordered = sorted(coded)
        if status is not None and status != _REPORTED:
            out.extend((CLAIM_KEY, ox.Literal(code)) for code in ordered)
        if name := self.place_name(event):
            out.append((PLACE_NAME, ox.Literal(name)))
        first, last = self.first_year.get(event), self.last_year.get(event)
        if first is not None and last is not None:
            for year in range(first, last + 1):
                out.append((YEAR_KEY, ox.Literal(str(year))))
                out.extend((ACTOR_YEAR_KEY, ox.Literal(actor_year_key(code, year))) for code in ordered)
        return out

    def cells_of(self, event: Term, pairs: Iterable[tuple[ox.NamedNode, Term]]) -> list[Cell]:
        """The count table's cells ``event`` counts in, given its summary."""
        return cells(terms_of(self.classes.get(event)), pairs)

    def place_name(self, event: Term) -> str | None:
        """Where ``event`` happened, as one string: per place its code, else its names; the least."""
        names: list[str] = []
        for place in terms_of(self.places.get(event)):
            codes = terms_of(self.codes.get(place))
            names.extend([c.value for c in codes] if codes else self.labels.get(place, ()))
        return min(names) if names else None

    def _when(self, source: Term) -> str:
        stamp = self.issued.get(source)
        if stamp is None:
            return "~"
        if stamp not in self._utc:
            self._utc[stamp] = utc(stamp)
        return self._utc[stamp]

    def _year(self, day: str) -> int | None:
        # memoised: one int object per date (a new one per event would be 28 bytes each)
        if day not in self._years:
            self._years[day] = _year(day)
        return self._years[day]


def _hold(table: dict[Term, Held], key: Term, value: Term) -> None:
    """Add ``value`` to what ``table`` holds for ``key``: the term itself, a set from the second."""
    held = table.get(key)
    if held is None:
        table[key] = value
    elif isinstance(held, set):
        held.add(value)
    elif held != value:
        table[key] = {held, value}


def terms_of(held: Held | None) -> Collection[Term]:
    """What a :class:`Summariser` table holds for a key, as a collection (empty when nothing)."""
    if held is None:
        return ()
    return held if isinstance(held, set) else (held,)


def cells(classes: Collection[Term], pairs: Iterable[tuple[ox.NamedNode, Term]]) -> list[Cell]:
    """The cells of the count table an event with these classes and this summary counts in: per
    class, agent code and target code, one without years and, when it is dated, one with them."""
    status: Term | None = None
    agents: list[str] = []
    targets: list[str] = []
    years: list[int] = []
    for p, o in pairs:
        if p == STATUS:
            status = o
        elif p == AGENT_CODE:
            agents.append(o.value)
        elif p == TARGET_CODE:
            targets.append(o.value)
        elif p == YEAR_KEY:
            years.append(int(o.value))
    classes = [c for c in classes if c in _EVENT_CLASSES]
    if status is None or not classes:
        return []
    st = local_name(status)
    first, last = (min(years), max(years)) if years else (None, None)
    out: list[Cell] = []
    for cls in classes:
        name = local_name(cls)
        for a in agents or [""]:
            for t in targets or [""]:
                out.append((st, name, a, t, None, None))
                if years:
                    out.append((st, name, a, t, first, last))
    return out


def cell_changes(before: Iterable[Cell], after: Iterable[Cell]) -> dict[Cell, int]:
    """How many events each cell gains (or, negative, loses) when events counting in ``before``
    come to count in ``after``; cells that do not change are left out."""
    delta: Counter[Cell] = Counter(after)
    delta.subtract(Counter(before))
    return {cell: d for cell, d in delta.items() if d}


def bucket_iri(status: str, name: str, year: int | None = None) -> ox.NamedNode:
    """Where the cells of a status and an event class (local names: ``Reported``, ``Summons``)
    hang: of every date and none, or of one year."""
    return _N(str(ID[f"dyads/{status}/{name}" + ("" if year is None else f"/{year}")]))


def cell_iri(cell: Cell) -> ox.NamedNode:
    """The node a cell's ``dy:eventCount`` is kept on."""
    return _N(str(ID["dyads/cell/" + short_hash(*(str(part) for part in cell))]))


def cell_quads(cell: Cell, n: int, graph: ox.NamedNode) -> list[ox.Quad]:
    """The quads that say a cell holds ``n`` events: its count and its string in its buckets."""
    status, name, agent, target, first, last = cell
    count = ox.Quad(cell_iri(cell), EVENT_COUNT, ox.Literal(str(n), datatype=_INTEGER), graph)
    if first == last:  # undated (both None: the bucket of every date and none) or one year
        return [count, ox.Quad(bucket_iri(status, name, first), DYAD_COUNT, ox.Literal(f"{n} {agent} {target}"), graph)]
    assert first is not None and last is not None
    span = ox.Literal(f"{n} {agent} {target} {first} {last} {status}")
    return [count, *(ox.Quad(bucket_iri(status, name, y), DYAD_SPAN_COUNT, span, graph) for y in range(first, last + 1))]


def count_quads(tally: Counter[Cell], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """The whole count table's quads."""
    for cell, n in tally.items():
        if n > 0:
            yield from cell_quads(cell, n, graph)


def local_name(term: Term) -> str:
    """What follows the ``#`` of a term's IRI: a class's or a status's name (``Summons``)."""
    return term.value.rsplit("#", 1)[-1]


def actor_year_key(code: str, year: int) -> str:
    """The ``dy:actorYearKey`` of an actor code in a year: ``"PRK 2020"``."""
    return f"{code} {year}"


def _year(day: str) -> int | None:
    # an xsd:date's year ("2020-03-04"; a year before 1 or after 9999 is not a key)
    head = day[:4]
    return int(head) if len(day) >= 4 and head.isdigit() else None


def _english_or_untagged(language: str | None) -> bool:
    # as SPARQL's LANG(?l) = "" || LANGMATCHES(LANG(?l), "en")
    return not language or language.lower() == "en" or language.lower().startswith("en-")


def quads(summaries: Iterable[tuple[Term, list[tuple[ox.NamedNode, Term]]]], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """The quads of (event, summary) pairs (``summaries().items()``, or ``each_summary()``)."""
    for event, pairs in summaries:
        for p, o in pairs:
            yield ox.Quad(event, p, o, graph)


def derived_quads(summariser: Summariser, graph: ox.NamedNode, events: list[int] | None = None) -> Iterator[ox.Quad]:
    """Everything ``dyg:derived`` holds for the summariser's events: each event's summary as it is
    computed (a caller may write them as they come), then the count table. ``events``, when
    given, gets the number of events summarised appended once they are all through."""
    tally: Counter[Cell] = Counter()
    n = 0
    for event, pairs in summariser.each_summary():
        n += 1
        tally.update(summariser.cells_of(event, pairs))
        for p, o in pairs:
            yield ox.Quad(event, p, o, graph)
    if events is not None:
        events.append(n)
    yield from count_quads(tally, graph)


def utc(stamp: str | None) -> str:
    """A publication time as a sortable UTC string ("~" sorts unknown times last)."""
    if not stamp:
        return "~"
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return "~"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()
