"""Synthetic event graphs shaped like GDELT/ICEWS data, for the benchmarks.

What the data look like (per ``docs/design.md``):

- ~200 states from Dyad's actor registry (``dyid:state/XXX``, described in ``dyg:actors``) and a
  long tail of organizations and persons acting for them (``dy:actsFor``); who acts is drawn from
  a Zipf law, so a few states (USA, CHN, RUS, ...) are in many events and most actors in few;
- the nine event classes in GDELT-like proportions (statements and consultations common,
  summonses and deployments rare); denials are about earlier claims (``dy:about``);
- reports with factuality status: mostly reported, some alleged (with a claimant), unconfirmed
  or hypothetical; about a fifth of events are reported again by later sources;
- dates over ten years at mixed precision (mostly day, some ISO week, month or year, ~10%
  undated), never after the article that reports them;
- articles with ``dcterms:issued`` (time zone), title, creator, publisher, language, URL, and
  evidence quotes with character offsets.

The output is laid out as the store lays it out: one named graph per source (its metadata,
reports, evidence, ``prov:wasDerivedFrom``) and the shared descriptions (events, new actors) once
in ``dyg:entities``. Terms are written as N-Triples text directly (no rdflib objects) and streamed
to disk source by source; only a small record per event is kept (for repeat reports and the
summaries), so 1M events take ~75 s and 0.6 GB (7.3 GB of files). Deterministic from the seed.

Files written by :func:`generate` into ``out_dir``:

- ``sources.nq``: source graphs + ``dyg:entities`` (what Dyad bulk-loads; ``dyg:derived`` is the
  store's job, the ontology and registry come from ``gate.ensure_base``);
- ``baseline.nt``: the union of everything (ontology, registry, sources, entities and the
  summaries ``dyg:derived`` would hold, computed here independently) as one graph, which is what
  a plain rdflib user loads into ``rdflib.Graph``;
- ``derived.nt``: the summaries alone (to check the store's bulk computation against);
- ``events.csv``: the same events as a data engineer's flat table (DuckDB's input; see
  :data:`FLAT_COLUMNS`): one row per event x agent x target, with the summaries (status, report
  count, first source) and what the named queries ask for, computed here from the generator's own
  records, not from Dyad's store;
- ``meta.json``: counts, the actor and year the queries ask about, and the submission IRIs.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import json
import random
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from dyad.namespace import DY, ENTITIES_GRAPH, ID

SIZES = {"300": 300, "1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}

# GDELT-like shares of the nine classes (CAMEO roots 01/02 statements and appeals are the bulk,
# 04 consult next; 19x force and summonses are rare).
CLASS_SHARES = [
    (DY.Statement, 0.34), (DY.Consultation, 0.24), (DY.Demand, 0.08), (DY.Accusation, 0.08),
    (DY.Condemnation, 0.07), (DY.Agreement, 0.06), (DY.Denial, 0.06), (DY.Summons, 0.04),
    (DY.TroopDeployment, 0.03),
]
# status of a report: (status, share)
STATUS_SHARES = [(DY.Reported, 0.85), (DY.Alleged, 0.08), (DY.Unconfirmed, 0.04), (DY.Hypothetical, 0.03)]
RANK = {DY.Reported: 1, DY.Alleged: 2, DY.Unconfirmed: 3, DY.Hypothetical: 4}
# precision of an event's date
PRECISION_SHARES = [("day", 0.75), ("week", 0.05), ("month", 0.07), ("year", 0.03), (None, 0.10)]

# The states that dominate real event data first; the rest of the registry follows in code order.
TOP_STATES = (
    "USA CHN RUS GBR FRA DEU IND JPN KOR PRK IRN ISR UKR TUR PAK IDN AUS SAU EGY SYR IRQ AFG "
    "BRA CAN ITA ESP MEX NGA ZAF PHL VNM THA MYS SGP MMR BGD POL NLD BEL SWE NOR QAT ARE "
    "JOR LBN LBY SDN ETH KEN VEN COL ARG CHL CUB BLR KAZ GEO ARM AZE SRB HUN GRC"
).split()
N_STATES = 200
ZIPF_S = 1.1
START = date(2015, 1, 1)
DAYS = (date(2024, 12, 31) - START).days + 1
TIMEZONES = ["+00:00", "+07:00", "+01:00", "-05:00", "+09:00", "+03:00"]
PUBLISHERS = ["Reuters", "AP", "AFP", "Antara", "Kompas", "Yonhap", "BBC", "Al Jazeera"]
VERBS = {
    DY.Statement: "said", DY.Consultation: "held talks with", DY.Demand: "demanded that",
    DY.Accusation: "accused", DY.Condemnation: "condemned", DY.Agreement: "signed an agreement with",
    DY.Denial: "denied the claims of", DY.Summons: "summoned the envoy of",
    DY.TroopDeployment: "deployed troops to",
}
TOPICS = ["arms transfers", "election interference", "cyber attacks", "border incursions"]
XSD_DATE = str(XSD.date)


def nt_iri(iri: str) -> str:
    return f"<{iri}>"


def nt_lit(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{text}"@{lang}'
    if datatype:
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


T = {name: nt_iri(str(term)) for name, term in {
    "type": RDF.type, "label": RDFS.label, "agent": DY.agent, "target": DY.target, "about": DY.about,
    "topic": DY.topic, "troops": DY.troops, "date": DY.date, "precision": DY.precision,
    "start": DY.start, "end": DY.end, "Report": DY.Report, "reportOf": DY.reportOf,
    "source": DY.source, "status": DY.status, "claimant": DY.claimant, "evidence": DY.evidence,
    "Evidence": DY.Evidence, "quote": DY.quote, "begin": DY.beginIndex, "end_i": DY.endIndex,
    "derived_from": PROV.wasDerivedFrom, "Article": DY.Article, "title": DCTERMS.title,
    "creator": DCTERMS.creator, "publisher": DCTERMS.publisher, "issued": DCTERMS.issued,
    "language": DCTERMS.language, "url": URIRef("https://schema.org/url"),
    "Organization": DY.Organization, "Person": DY.Person, "actsFor": DY.actsFor,
    "reportCount": DY.reportCount, "firstSource": DY.firstSource, "agentCode": DY.agentCode, "targetCode": DY.targetCode,
    "yearKey": DY.yearKey, "actorYearKey": DY.actorYearKey, "claimKey": DY.claimKey,
    "eventCount": DY.eventCount, "dyadCount": DY.dyadCount, "dyadSpanCount": DY.dyadSpanCount,
    "Submission": DY.Submission, "generated": PROV.generatedAtTime,
    "attributed": PROV.wasAttributedTo, "Agent": PROV.Agent,
}.items()}
PRECISION_IRI = {"day": DY.Day, "week": DY.Week, "month": DY.Month, "year": DY.Year}
DATE_TYPE = {"day": XSD.date, "week": DY.isoWeek, "month": XSD.gYearMonth, "year": XSD.gYear}


class Zipf:
    """Draws indexes 0..n-1 with P(i) proportional to 1/(i+1)^s."""

    def __init__(self, n: int, rng: random.Random, s: float = ZIPF_S) -> None:
        total, self.cum = 0.0, []
        for i in range(n):
            total += 1.0 / (i + 1) ** s
            self.cum.append(total)
        self.total, self.rng = total, rng

    def draw(self) -> int:
        return bisect.bisect_left(self.cum, self.rng.random() * self.total)


# The flat event table (events.csv), one row per event x agent x target, as a data engineer
# holding GDELT-style events would lay it out for a columnar engine (benchmarks/sql/load.sql):
# codes rather than graph paths, the per-event summaries precomputed (as GDELT's NumSources and
# SOURCEURL are), dates as the text given plus the days they span. An empty field is NULL.
FLAT_COLUMNS = (
    "event",         # the event's IRI
    "type",          # its class's local name (Statement, Summons, ...)
    "agent",         # the agent's IRI
    "agent_code",    # its code: a state's own, else the state it acts for
    "target",        # the target's IRI (empty: none)
    "target_code",
    "date",          # as reported: 2020-03-04, 2020-W10, 2020-03 or 2020 (empty: undated)
    "precision",     # day, week, month, year
    "start_date",    # the first and last day the date spans
    "end_date",
    "status",        # across its reports, the strongest: reported > alleged > unconfirmed > hypothetical
    "reports",       # how many sources report it
    "first_source",  # the IRI of the source of its earliest report (by publication time)
    "evidence",      # the quote of that report's evidence
    "claimants",     # the codes of its reports' claimants, ";"-separated (empty: none)
    "about",         # a denial's denied event (its IRI)
    "place",         # where it happened (a code or a place name; the generator gives none)
)


def _choice(shares: list, rng: random.Random):  # noqa: ANN001
    x, acc = rng.random(), 0.0
    for value, share in shares:
        acc += share
        if x < acc:
            return value
    return shares[-1][0]


def _h(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


@dataclass
class Meta:
    events: int
    reports: int
    sources: int
    actors: int
    entity_triples: int
    source_triples: int
    derived_triples: int
    seed: int
    query_actor: str          # the actor code who-did-what and timeline ask about
    query_actor_events: int   # events in which it (or anyone acting for it) is agent or target
    query_from: str
    query_to: str
    generator: str = ""       # fingerprint(): which code and base graphs wrote the files


def fingerprint() -> str:
    """What the files depend on besides the size and seed: this generator, and the ontology and
    registry that baseline.nt embeds. Data cached by older code is stale (e.g. the summaries
    gained fields), and the runner regenerates it when this differs from meta.json's."""
    from dyad import gate

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(str(gate.base_version()).encode())
    return digest.hexdigest()[:16]


@dataclass(slots=True)
class _Event:
    iri: str
    cls: URIRef
    agent: int               # actor index
    target: int | None
    start: date | None
    sources: list[tuple[str, URIRef, datetime]]  # (source IRI, status, issued UTC)
    # for the flat table: the date's precision and last day, what a denial is about, the
    # claimants (actor indexes) its reports name
    precision: str | None = None
    end: date | None = None
    about: str | None = None
    claimants: list[int] | None = None


class Generator:
    """Streams sources in publication order; see the module docstring for the shape of the data."""

    def __init__(self, n_events: int, seed: int = 42) -> None:
        from dyad.registry import load_registry

        self.n, self.seed = n_events, seed
        self.rng = random.Random(seed)
        codes = sorted(load_registry().states)
        order = [c for c in TOP_STATES if c in codes] + [c for c in codes if c not in TOP_STATES]
        self.state_codes = order[:N_STATES]
        # long tail: organizations and persons, ~1 per 25 and 1 per 12 events (at least 50 each)
        n_orgs, n_persons = max(50, n_events // 25), max(50, n_events // 12)
        state_zipf = Zipf(len(self.state_codes), self.rng)
        self.actors: list[tuple[str, str, str | None]] = []  # (iri, kind, acts-for state code)
        for code in self.state_codes:
            self.actors.append((str(ID[f"state/{code}"]), "state", code))
        for i in range(n_orgs):
            code = self.state_codes[state_zipf.draw()]
            self.actors.append((str(ID[f"org/{code}-bench{i}"]), "org", code))
        for i in range(n_persons):
            code = self.state_codes[state_zipf.draw()]
            self.actors.append((str(ID[f"person/bench-person-{i}"]), "person", code))
        self.n_states, self.n_orgs = len(self.state_codes), n_orgs
        self.state_zipf = state_zipf
        self.org_zipf = Zipf(n_orgs, self.rng)
        self.person_zipf = Zipf(n_persons, self.rng)
        self.code_of = [a[2] for a in self.actors]
        self.events: list[_Event] = []
        self.recent_claims: list[int] = []
        self.entity_count = 0
        self.source_count = 0
        self.report_count = 0
        self.sources_written = 0

    def _actor(self) -> int:
        x = self.rng.random()
        if x < 0.5:
            return self.state_zipf.draw()
        if x < 0.75:
            return self.n_states + self.org_zipf.draw()
        return self.n_states + self.n_orgs + self.person_zipf.draw()

    def actor_lines(self) -> Iterator[str]:
        """Descriptions of the generated organizations and persons (dyg:entities)."""
        for iri, kind, code in self.actors:
            if kind == "state":
                continue
            s = nt_iri(iri)
            yield f"{s} {T['type']} {T['Organization' if kind == 'org' else 'Person']}"
            yield f"{s} {T['label']} {nt_lit(iri.rsplit('/', 1)[1].replace('-', ' ').title())}"
            yield f"{s} {T['actsFor']} {nt_iri(str(ID[f'state/{code}']))}"

    def label(self, i: int) -> str:
        iri, kind, code = self.actors[i]
        return code if kind == "state" else iri.rsplit("/", 1)[1]

    def _date(self, published: date) -> tuple[str, date, date] | None:
        precision = _choice(PRECISION_SHARES, self.rng)
        if precision is None:
            return None
        d = published - timedelta(days=self.rng.randint(0, 6))
        if precision == "day":
            return precision, d, d
        if precision == "week":
            y, w, _ = d.isocalendar()
            start = date.fromisocalendar(y, w, 1)
            return precision, start, start + timedelta(days=6)
        if precision == "month":
            start = d.replace(day=1)
            nxt = (start + timedelta(days=32)).replace(day=1)
            return precision, start, nxt - timedelta(days=1)
        return precision, date(d.year, 1, 1), date(d.year, 12, 31)

    def sources(self) -> Iterator[tuple[str, list[str], list[str]]]:
        """(source IRI, its own triples, new entity triples) per source, in publication order."""
        rng = self.rng
        made = 0
        n_sources_est = max(1, int(self.n / 2.6))
        k = 0
        while made < self.n:
            k += 1
            # publication time: spread evenly over ten years, a few minutes of jitter
            moment = datetime(START.year, 1, 1, tzinfo=timezone.utc) + timedelta(
                seconds=int((k + rng.random()) * DAYS * 86400 / (n_sources_est + 1)))
            src = str(ID[f"article/{_h(self.seed, 'a', k)}"])
            S = nt_iri(src)
            tz = rng.choice(TIMEZONES)
            sign = 1 if tz[0] == "+" else -1
            local = moment + sign * timedelta(hours=int(tz[1:3]))
            published_local_day = local.date()
            issued = local.strftime("%Y-%m-%dT%H:%M:%S") + tz
            own = [
                f"{S} {T['type']} {T['Article']}",
                f"{S} {T['title']} {nt_lit(f'Bench article {k}')}",
                f"{S} {T['creator']} {nt_lit(f'Reporter {k % 997}')}",
                f"{S} {T['publisher']} {nt_lit(PUBLISHERS[k % len(PUBLISHERS)])}",
                f"{S} {T['issued']} {nt_lit(issued, str(XSD.dateTime))}",
                f"{S} {T['language']} {nt_lit('en' if k % 3 else 'id')}",
                f"{S} {T['url']} {nt_lit(f'https://news.example/{k}', str(XSD.anyURI))}",
            ]
            ent: list[str] = []
            offset = 120
            n_here = min(self.n - made, rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5, 6)))
            for _ in range(n_here):
                offset = self._new_event(src, moment, published_local_day, own, ent, offset)
                made += 1
            # some earlier events reported again by this source (one event, many reports)
            if self.events and rng.random() < 0.35:
                for _ in range(rng.choice((1, 1, 2))):
                    idx = max(0, len(self.events) - 1 - int(rng.expovariate(1 / 300)))
                    ev = self.events[idx]
                    if any(s == src for s, _, _ in ev.sources):
                        continue
                    if ev.start is not None and ev.start > published_local_day:
                        continue
                    offset = self._report(src, moment, ev, own, offset, repeat=True)
            self.source_count += 1
            self.entity_count += len(ent)
            self.source_triples_count = getattr(self, "source_triples_count", 0) + len(own)
            yield src, own, ent

    def _new_event(self, src: str, moment: datetime, day: date, own: list[str], ent: list[str],
                   offset: int) -> int:
        rng = self.rng
        cls = _choice(CLASS_SHARES, rng)
        agent = self._actor()
        target = None
        if cls in (DY.Summons, DY.TroopDeployment, DY.Accusation, DY.Consultation, DY.Agreement) or rng.random() < 0.6:
            for _ in range(5):
                t = self._actor()
                if t != agent:
                    target = t
                    break
            else:
                target = (agent + 1) % self.n_states
        about = None
        if cls == DY.Denial and self.recent_claims and rng.random() < 0.7:
            about = self.events[self.recent_claims[-1 - min(len(self.recent_claims) - 1, int(rng.expovariate(1 / 20)))]]
            target = about.agent if about.agent != agent else None
        when = self._date(day)
        iri = str(ID[f"event/{_h(self.seed, 'e', len(self.events))}"])
        E = nt_iri(iri)
        ent.append(f"{E} {T['type']} {nt_iri(str(cls))}")
        ent.append(f"{E} {T['agent']} {nt_iri(self.actors[agent][0])}")
        if target is not None:
            ent.append(f"{E} {T['target']} {nt_iri(self.actors[target][0])}")
        if about is not None:
            ent.append(f"{E} {T['about']} {nt_iri(about.iri)}")
        elif cls == DY.Denial:
            ent.append(f"{E} {T['topic']} {nt_lit(rng.choice(TOPICS))}")
        if cls == DY.TroopDeployment and rng.random() < 0.6:
            ent.append(f"{E} {T['troops']} {nt_lit(str(rng.choice((200, 500, 1500, 3000, 10000))), str(XSD.integer))}")
        start = None
        precision = end = None
        if when is not None:
            precision, start, end = when
            text = _date_text(precision, start)
            ent.append(f"{E} {T['date']} {nt_lit(text, str(DATE_TYPE[precision]))}")
            ent.append(f"{E} {T['precision']} {nt_iri(str(PRECISION_IRI[precision]))}")
            ent.append(f"{E} {T['start']} {nt_lit(start.isoformat(), XSD_DATE)}")
            ent.append(f"{E} {T['end']} {nt_lit(end.isoformat(), XSD_DATE)}")
        ev = _Event(iri, cls, agent, target, start, [], precision, end, about.iri if about is not None else None)
        self.events.append(ev)
        return self._report(src, moment, ev, own, offset, repeat=False)

    def _report(self, src: str, moment: datetime, ev: _Event, own: list[str], offset: int,
                *, repeat: bool) -> int:
        rng = self.rng
        status = _choice(STATUS_SHARES, rng)
        if repeat and rng.random() < 0.5:
            status = DY.Reported  # later sources often confirm
        report = str(ID[f"report/{_h(ev.iri, src)}"])
        R = nt_iri(report)
        quote = self.quote(ev)
        begin, end = offset, offset + len(quote)
        evidence = nt_iri(f"{report}-e{begin}")
        own += [
            f"{R} {T['type']} {T['Report']}",
            f"{R} {T['reportOf']} {nt_iri(ev.iri)}",
            f"{R} {T['source']} {nt_iri(src)}",
            f"{R} {T['status']} {nt_iri(str(status))}",
            f"{R} {T['evidence']} {evidence}",
            f"{evidence} {T['quote']} {nt_lit(quote)}",
            f"{evidence} {T['begin']} {nt_lit(str(begin), str(XSD.integer))}",
            f"{evidence} {T['end_i']} {nt_lit(str(end), str(XSD.integer))}",
            f"{nt_iri(ev.iri)} {T['derived_from']} {nt_iri(src)}",
        ]
        if status == DY.Alleged or (status != DY.Reported and rng.random() < 0.5):
            claimant = self._actor()
            own.append(f"{R} {T['claimant']} {nt_iri(self.actors[claimant][0])}")
            if ev.claimants is None:
                ev.claimants = []
            ev.claimants.append(claimant)
        if status != DY.Reported and not ev.sources:
            self.recent_claims.append(len(self.events) - 1)  # a new event's first report
        ev.sources.append((src, status, moment))
        self.report_count += 1
        return end + rng.randint(20, 400)

    def quote(self, ev: _Event) -> str:
        """The evidence quote of each of the event's reports."""
        return f"{self.label(ev.agent)} {VERBS[ev.cls]} {self.label(ev.target) if ev.target is not None else 'the press'}"

    @staticmethod
    def summary(ev: _Event) -> tuple[URIRef, int, str]:
        """(status across its reports, how many sources report it, the source of the earliest report)."""
        best = min((st for _, st, _ in ev.sources), key=RANK.__getitem__)
        first = min(ev.sources, key=lambda s: (s[2], s[0]))[0]
        return best, len({s for s, _, _ in ev.sources}), first

    def derived_lines(self) -> Iterator[str]:
        """The summaries the store keeps in dyg:derived, computed independently of the store."""
        for ev in self.events:
            E = nt_iri(ev.iri)
            best, n_reports, first = self.summary(ev)
            yield f"{E} {T['status']} {nt_iri(str(best))}"
            yield f"{E} {T['reportCount']} {nt_lit(str(n_reports), str(XSD.integer))}"
            yield f"{E} {T['firstSource']} {nt_iri(first)}"
            # every generated actor has one code: a state its own, the others their state's
            yield f"{E} {T['agentCode']} {nt_lit(self.code_of[ev.agent])}"
            if ev.target is not None:
                yield f"{E} {T['targetCode']} {nt_lit(self.code_of[ev.target])}"
            codes = {self.code_of[ev.agent]} | ({self.code_of[ev.target]} if ev.target is not None else set())
            if best != DY.Reported:  # a claim: one key per code
                for code in sorted(codes):
                    yield f"{E} {T['claimKey']} {nt_lit(code)}"
            # index keys: every year the date spans, alone and with each code (undated: none)
            if ev.precision:
                for year in range(ev.start.year, ev.end.year + 1):
                    yield f"{E} {T['yearKey']} {nt_lit(str(year))}"
                    for code in sorted(codes):
                        yield f"{E} {T['actorYearKey']} {nt_lit(f'{code} {year}')}"
        yield from self.count_lines()

    def count_lines(self) -> Iterator[str]:
        """The count table (dyad/summary.py): events per status, class, agent code and target code,
        without years and, for dated events, with their first and last year."""
        cells: dict[tuple[str, str, str, str, str, str], int] = {}
        for ev in self.events:
            status = self.summary(ev)[0].rsplit("#", 1)[1]
            key = (status, ev.cls.rsplit("#", 1)[1], self.code_of[ev.agent],
                   self.code_of[ev.target] if ev.target is not None else "")
            cells[(*key, "None", "None")] = cells.get((*key, "None", "None"), 0) + 1
            if ev.precision:
                years = (str(ev.start.year), str(ev.end.year))
                cells[(*key, *years)] = cells.get((*key, *years), 0) + 1
        for cell, n in cells.items():
            status, cls, agent, target, first, last = cell
            node = nt_iri(str(ID["dyads/cell/" + hashlib.sha256("\x1f".join(cell).encode()).hexdigest()[:16]]))
            yield f"{node} {T['eventCount']} {nt_lit(str(n), str(XSD.integer))}"
            if first == "None":
                yield f"{nt_iri(str(ID[f'dyads/{status}/{cls}']))} {T['dyadCount']} {nt_lit(f'{n} {agent} {target}')}"
            elif first == last:
                yield f"{nt_iri(str(ID[f'dyads/{status}/{cls}/{first}']))} {T['dyadCount']} {nt_lit(f'{n} {agent} {target}')}"
            else:
                span = nt_lit(f"{n} {agent} {target} {first} {last} {status}")
                for y in range(int(first), int(last) + 1):
                    yield f"{nt_iri(str(ID[f'dyads/{status}/{cls}/{y}']))} {T['dyadSpanCount']} {span}"

    def flat_rows(self) -> Iterator[tuple[str, ...]]:
        """The flat event table's rows (:data:`FLAT_COLUMNS`), from the generator's own records:
        one per event (a generated event has one agent and at most one target)."""
        for ev in self.events:
            best, n_reports, first = self.summary(ev)
            target = ev.target
            yield (
                ev.iri, ev.cls.rsplit("#", 1)[1],
                self.actors[ev.agent][0], self.code_of[ev.agent],
                self.actors[target][0] if target is not None else "", self.code_of[target] if target is not None else "",
                _date_text(ev.precision, ev.start) if ev.precision else "", ev.precision or "",
                ev.start.isoformat() if ev.precision else "", ev.end.isoformat() if ev.end else "",
                best.rsplit("#", 1)[1].lower(), str(n_reports), first, self.quote(ev),
                ";".join(self.code_of[c] for c in ev.claimants) if ev.claimants else "",
                ev.about or "", "",
            )

    def query_actor(self) -> tuple[str, int]:
        """A mid-ranked state (10th most active): the 'one actor' the queries ask about."""
        code = self.state_codes[min(9, len(self.state_codes) - 1)]
        n = sum(1 for ev in self.events if self.code_of[ev.agent] == code
                or (ev.target is not None and self.code_of[ev.target] == code))
        return code, n


def _date_text(precision: str, start: date) -> str:
    """A date as the event gives it (dy:date's lexical form) at ``precision`` from its first day."""
    if precision == "day":
        return start.isoformat()
    if precision == "week":
        y, w, _ = start.isocalendar()
        return f"{y:04d}-W{w:02d}"
    if precision == "month":
        return start.strftime("%Y-%m")
    return f"{start.year:04d}"


def _graph_nt(g: Graph) -> Iterator[str]:
    for s, p, o in g:
        yield f"{s.n3()} {p.n3()} {o.n3()}"


def generate(n_events: int, out_dir: Path, *, seed: int = 42) -> Meta:
    """Write sources.nq, baseline.nt, derived.nt, events.csv and meta.json for ``n_events`` events."""
    from dyad import gate

    out_dir.mkdir(parents=True, exist_ok=True)
    gen = Generator(n_events, seed)
    ent_g, src_lines = nt_iri(str(ENTITIES_GRAPH)), 0
    with open(out_dir / "sources.nq", "w", encoding="utf-8") as nq, \
            open(out_dir / "baseline.nt", "w", encoding="utf-8") as nt:
        for line in gen.actor_lines():
            nq.write(f"{line} {ent_g} .\n")
            nt.write(f"{line} .\n")
        actor_lines = sum(1 for _ in gen.actor_lines())
        for src, own, ent in gen.sources():
            g = nt_iri(src)
            nq.write("".join(f"{line} {g} .\n" for line in own))
            nq.write("".join(f"{line} {ent_g} .\n" for line in ent))
            nt.write("".join(f"{line} .\n" for line in own))
            nt.write("".join(f"{line} .\n" for line in ent))
            src_lines += len(own)
        derived = 0
        with open(out_dir / "derived.nt", "w", encoding="utf-8") as dv:
            for line in gen.derived_lines():
                dv.write(f"{line} .\n")
                nt.write(f"{line} .\n")
                derived += 1
        # what the store's base graphs hold, so the baseline answers the same queries
        for line in _graph_nt(gate.ontology()):
            nt.write(f"{line} .\n")
        for line in _graph_nt(gate.registry()):
            nt.write(f"{line} .\n")
    with open(out_dir / "events.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(FLAT_COLUMNS)
        w.writerows(gen.flat_rows())
    code, n = gen.query_actor()
    meta = Meta(
        events=len(gen.events), reports=gen.report_count, sources=gen.source_count,
        actors=len(gen.actors), entity_triples=gen.entity_count + actor_lines,
        source_triples=src_lines, derived_triples=derived, seed=seed,
        query_actor=code, query_actor_events=n, query_from="2020-01-01", query_to="2020-12-31",
        generator=fingerprint(),
    )
    (out_dir / "meta.json").write_text(json.dumps(asdict(meta), indent=2), encoding="utf-8")
    return meta


def sample_graph(n_events: int = 200, *, seed: int = 7) -> Graph:
    """A generated graph as one rdflib Graph (sources and entities), for validating in tests."""
    gen = Generator(n_events, seed)
    lines = list(gen.actor_lines())
    for _, own, ent in gen.sources():
        lines += own + ent
    return Graph().parse(data="".join(f"{line} .\n" for line in lines), format="nt")


def submission(meta_dir: Path, *, n_events: int = 100, seed: int = 99) -> Graph:
    """A 100-event hand submission about stored actors and events, with two deliberate mistakes.

    Its events refer to generated actors and (one in ten) to stored events via ``dy:about``, so
    validating it needs the store's descriptions of those: what gate.neighbourhood fetches. One
    event has its agent as target, one alleged report has no claimant: the reports are not empty.
    """
    stored = [line.split(" ", 1)[0][1:-1] for line in _head_events(meta_dir / "sources.nq", 2000)]
    meta = json.loads((meta_dir / "meta.json").read_text())
    gen = Generator(meta["events"], meta["seed"])  # the same actor population as the store
    rng = random.Random(seed)
    g = Graph()
    sub = ID[f"submission/{_h('bench-submission', seed)}"]
    now = Literal("2025-01-15T10:00:00+00:00", datatype=XSD.dateTime)
    submitter = ID["submitter/bench"]
    g.add((sub, RDF.type, DY.Submission))
    g.add((sub, PROV.generatedAtTime, now))
    g.add((sub, DCTERMS.issued, now))
    g.add((sub, PROV.wasAttributedTo, submitter))
    g.add((submitter, RDF.type, PROV.Agent))
    g.add((submitter, RDFS.label, Literal("Benchmark")))
    for i in range(n_events):
        cls = _choice(CLASS_SHARES, rng)
        e = ID[f"event/{_h('sub', seed, i)}"]
        agent = URIRef(gen.actors[gen._actor()][0])
        target = URIRef(gen.actors[gen._actor()][0])
        if i == 3:
            target = agent  # mistake 1: acts on itself
        g.add((e, RDF.type, cls))
        g.add((e, DY.agent, agent))
        if target != agent or i == 3:
            g.add((e, DY.target, target))
        if cls == DY.Denial or i % 10 == 0:
            g.add((e, DY.about, URIRef(stored[rng.randrange(len(stored))])))
        d = date(2024, 1, 1) + timedelta(days=rng.randrange(300))
        g.add((e, DY.date, Literal(d.isoformat(), datatype=XSD.date)))
        g.add((e, DY.precision, DY.Day))
        g.add((e, DY.start, Literal(d.isoformat(), datatype=XSD.date)))
        g.add((e, DY.end, Literal(d.isoformat(), datatype=XSD.date)))
        g.add((e, PROV.wasDerivedFrom, sub))
        r = ID[f"report/{_h(e, sub)}"]
        g.add((r, RDF.type, DY.Report))
        g.add((r, DY.reportOf, e))
        g.add((r, DY.source, sub))
        status = DY.Alleged if i in (5, 6) else DY.Reported
        g.add((r, DY.status, status))
        if i == 6:
            g.add((r, DY.claimant, URIRef(gen.actors[0][0])))  # i == 5: mistake 2, no claimant
        ev = URIRef(f"{r}-e0")
        g.add((r, DY.evidence, ev))
        g.add((ev, DY.quote, Literal(f"Submitted event {i}")))
    return g


def _head_events(path: Path, n: int) -> list[str]:
    out = []
    marker = f" {T['type']} "
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(f"<{ID}event/") and marker in line:
                out.append(line)
                if len(out) >= n:
                    break
    return out


def main() -> None:  # python -m benchmarks.generate 10k OUT_DIR
    import sys

    size, out = sys.argv[1], Path(sys.argv[2])
    print(generate(SIZES.get(size) or int(size), out))


if __name__ == "__main__":
    main()
