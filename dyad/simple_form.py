"""The simple submission form: events as YAML (a list) or CSV (a row each), for people who do not
write RDF. Each event has the keys of :data:`FIELDS`; values are plain text:

- ``type``: an event class (``Summons``, ``troop deployment``; any case);
- ``agent``, ``target``, ``claimant``: one value or a list (CSV: ``;``-separated), each an ISO
  code (``KOR``, ``NATO``), a registry name in English or Indonesian (any case: ``south korea``,
  ``Korea Selatan``, ``Kremlin``) or an IRI (``dyid:state/KOR``, full IRIs). Like ``dyad ingest``,
  roles are recorded as the coded actor (the state or international organization an actor acts
  for), so a summons by "Foreign Ministry of South Korea" and one by "KOR" are one event;
- ``date``: ISO 8601 at the precision meant (``2024-10-21``, ``2024-W42``, ``2024-06``, ``2024``);
- ``status``: reported (default), alleged, unconfirmed or hypothetical;
- ``troops`` (a whole number), ``place`` (a name), ``topic`` (what a denial denies, in words),
  ``source`` (the http(s) URL of what reports it), ``evidence`` (the sentence quoted).

The file becomes one ``dy:Submission`` graph (docs/design.md, "Sources"): the submission
``dyid:submission/<16 hex of sha256 of the file bytes>``, its submitter, one event per row minted
as ingest mints them, and one ``dy:Report`` per event. Problems in a row (an unknown actor, an
impossible date) are returned with the row's line; a row with a violation is left out of the
graph, so the shapes do not repeat its mistake in other words.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from dyad import dates, identity
from dyad.errors import InputError
from dyad.iris import event_iri, report_iri
from dyad.namespace import DY, EVENT_CLASSES, ID, PREFIXES, SCHEMA, STATUSES
from dyad.parse import SourceGraph
from dyad.validate import Severity

__all__ = ["FIELDS", "ActorIndex", "RowProblem", "SimpleSource", "read_simple"]

FIELDS = ("type", "agent", "target", "date", "status", "claimant", "troops", "place", "topic",
          "source", "evidence")
LIST_FIELDS = {"agent", "target", "claimant"}
SHAPES = "https://w3id.org/dyad/shapes#"
# Checks done here and in dyad.submit rather than in shapes/: they need the registry, the store
# or the file's rows. Named like shapes so every problem has a stable IRI.
CHECK_FIELD = SHAPES + "Submission-field"
CHECK_ACTOR = SHAPES + "Submission-known-actor"
CHECK_DATE = SHAPES + "Submission-date"
CHECK_DUPLICATE = SHAPES + "Submission-duplicate-event"
CHECK_REPEAT = SHAPES + "Submission-repeated-row"
_ACTOR_CLASSES = (DY.State, DY.Organization, DY.InternationalOrganization, DY.Person, DY.Actor)


@dataclass(frozen=True)
class RowProblem:
    """A problem found in the file before the shapes run: where, which field, what is wrong."""

    line: int
    row: int  # event number in the file (0: the CSV header)
    field: str | None
    value: str | None
    message: str
    severity: Severity
    check: str
    focus: URIRef | None = None  # the event, when it was built
    kind: str | None = None  # the row's type as written, for messages


@dataclass
class SimpleSource(SourceGraph):
    """A simple-form file as a source graph, with the problems found reading it and the line
    of each event (for messages)."""

    problems: list[RowProblem] = field(default_factory=list)
    lines: dict[URIRef, int] = field(default_factory=dict)
    rows: dict[URIRef, int] = field(default_factory=dict)
    # the fields of each event already found wrong here: the shapes' findings on them repeat it
    reported: dict[URIRef, set[str]] = field(default_factory=dict)


@dataclass
class _Row:
    number: int
    line: int
    values: dict[str, list[str]]
    lines: dict[str, int]


Known = Callable[[URIRef, frozenset, frozenset], list]


def resubmitted_in(store: object | None, source: URIRef) -> Callable[[URIRef, URIRef], bool]:
    """Whether the store already has ``report`` of ``event`` from this very source (the same
    file submitted again), which is no duplicate worth a warning."""
    def check(event: URIRef, report: URIRef) -> bool:
        return store is not None and store.has((report, DY.reportOf, event), source)  # type: ignore[attr-defined]
    return check


# ---- reading ---------------------------------------------------------------------------------


def read_simple(path: Path, data: bytes | None = None, *, submitter: str = "anonymous",
                now: datetime | None = None, known: Known | None = None,
                actors: ActorIndex | None = None, form: str | None = None) -> SimpleSource:
    """Read a YAML or CSV submission (already checked to be non-empty UTF-8 text) into a graph.

    :param data: the file's bytes, when already read (and checked: non-empty UTF-8 text).
    :param submitter: who submits (``--by``); becomes ``dyid:submitter/<slug>``.
    :param known: ``Store.find_events``; an event the store has (same type, agents, targets,
        date) keeps its stored IRI and gets a warning, so the submission adds a report to it.
    :raises InputError: a syntax error (with line and column) or a file that is not a list of
        events.
    """
    path = Path(path)
    data = path.read_bytes() if data is None else data
    text = data.decode("utf-8-sig")
    where = str(path)
    csv_form = (form or path.suffix.lower().lstrip(".")) == "csv"
    rows, problems = _csv_rows(text, where) if csv_form else _yaml_rows(text, where)
    if not rows:
        raise InputError("no events in the file", where=where)
    src = ID["submission/" + hashlib.sha256(data).hexdigest()[:16]]
    out = SimpleSource(src, Graph(), where, problems)
    _describe_submission(out.graph, src, path.name, submitter, now)
    actors = actors or ActorIndex()
    seen: dict[URIRef, int] = {}
    resubmitted = resubmitted_in(actors.store, src)
    for row in rows:
        _add_row(out, row, actors, known, seen, resubmitted)
    return out


def _describe_submission(g: Graph, src: URIRef, name: str, submitter: str, now: datetime | None) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for t in submission_triples(src, name, submitter, now):
        g.add(t)


def submission_triples(src: URIRef, name: str, submitter: str, now: datetime | None = None) -> list:
    """The provenance of a submission: who (``prov:wasAttributedTo``), when, which file."""
    from dyad.registry import slug

    stamp = Literal((now or datetime.now(timezone.utc)).isoformat(timespec="seconds"), datatype=XSD.dateTime)
    who = ID["submitter/" + (slug(submitter) or "anonymous")]
    return [
        (src, RDF.type, DY.Submission), (src, PROV.wasAttributedTo, who),
        (src, PROV.generatedAtTime, stamp), (src, DCTERMS.issued, stamp),
        (src, DY.fileName, Literal(name)),
        (who, RDF.type, PROV.Agent), (who, RDFS.label, Literal(submitter)),
    ]


def _yaml_rows(text: str, where: str) -> tuple[list[_Row], list[RowProblem]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else where
        raise InputError(f"YAML syntax error: {exc.problem or exc.context}", where=at) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML syntax error: {exc}", where=where) from None
    if root is None:
        raise InputError("no events in the file (only comments)", where=where)
    if not isinstance(root, yaml.SequenceNode):
        raise InputError("expected a list of events, each starting with '- type: ...'",
                         where=f"{where}:{root.start_mark.line + 1}")
    rows, problems = [], []
    for n, item in enumerate(root.value, 1):
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise InputError(f"event {n} is not a set of 'key: value' lines (type, agent, target, ...)",
                             where=f"{where}:{line}")
        row = _Row(n, line, {}, {})
        for key_node, value_node in item.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("a key must be a plain word such as 'agent'", where=f"{where}:{key_line}")
            values = _yaml_values(value_node, where)
            _put(row, key_node.value.strip().lower(), values, key_line, problems)
        rows.append(row)
    return rows, problems


def _yaml_values(node: yaml.Node, where: str) -> list[str]:
    # Scalars are taken as written: YAML would read 2024-10-21 as a date and NO as false.
    if isinstance(node, yaml.ScalarNode):
        return [node.value] if node.value.strip() and node.tag != "tag:yaml.org,2002:null" else []
    if isinstance(node, yaml.SequenceNode) and all(isinstance(v, yaml.ScalarNode) for v in node.value):
        return [v.value for v in node.value if v.value.strip()]
    raise InputError("a value must be text or a list of texts", where=f"{where}:{node.start_mark.line + 1}")


def _csv_rows(text: str, where: str) -> tuple[list[_Row], list[RowProblem]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[_Row] = []
    problems: list[RowProblem] = []
    try:
        header = [h.strip().lower() for h in next(reader)]
        if "type" not in header:
            raise InputError(f"the first row must name the columns ({', '.join(FIELDS)}); "
                             "it has no 'type' column", where=f"{where}:1")
        for name in header:
            if name and name not in FIELDS:
                problems.append(_unknown_field(name, 1, 0))
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(c.strip() for c in cells):
                continue
            number += 1
            line = reader.line_num
            if len(cells) > len(header):
                raise InputError(f"row has {len(cells)} cells but the header names {len(header)} columns",
                                 where=f"{where}:{line}")
            row = _Row(number, line, {}, {})
            for name, cell in zip(header, cells):
                if name in FIELDS:
                    _put(row, name, [cell] if cell.strip() else [], line, problems, known_only=True)
            rows.append(row)
    except csv.Error as exc:
        raise InputError(f"CSV syntax error: {exc}", where=f"{where}:{reader.line_num}") from None
    return rows, problems


def _put(row: _Row, key: str, values: list[str], line: int, problems: list[RowProblem],
         known_only: bool = False) -> None:
    if key not in FIELDS:
        if not known_only:
            problems.append(_unknown_field(key, line, row.number))
        return
    if key in row.values:
        problems.append(RowProblem(line, row.number, key, None, f"'{key}' is given twice; give it once",
                                   Severity.VIOLATION, CHECK_FIELD))
        return
    if key in LIST_FIELDS:
        values = [v.strip() for value in values for v in value.split(";") if v.strip()]
    elif len(values) > 1:
        problems.append(RowProblem(line, row.number, key, "; ".join(values),
                                   f"'{key}' takes one value, not a list", Severity.VIOLATION, CHECK_FIELD))
        return
    row.values[key] = [v.strip() for v in values]
    row.lines[key] = line


def _unknown_field(name: str, line: int, row: int) -> RowProblem:
    close = difflib.get_close_matches(name, FIELDS, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return RowProblem(line, row, name, None,
                      f"unknown field '{name}'; {hint}the fields are {', '.join(FIELDS)}",
                      Severity.VIOLATION, CHECK_FIELD)


# ---- resolving names -------------------------------------------------------------------------


class ActorIndex:
    """Actor names, codes and IRIs from the registry (and the store), for resolving what a
    submission names and suggesting the closest known names when it names no known actor."""

    def __init__(self, store: object | None = None) -> None:
        from dyad import gate
        from dyad.registry import load_registry

        self.registry = load_registry()
        self.store = store
        graph = gate.registry()
        actors = {s for cls in _ACTOR_CLASSES for s in graph.subjects(RDF.type, cls)}
        self.names: dict[str, set[URIRef]] = {}
        self.spelling: dict[str, str] = {}
        for p in (DY.code, SKOS.prefLabel, RDFS.label, SKOS.altLabel, FOAF.name):
            for s, o in graph.subject_objects(p):
                if s in actors:
                    key = str(o).casefold()
                    self.names.setdefault(key, set()).add(s)  # type: ignore[arg-type]
                    self.spelling.setdefault(key, str(o))
        self.known_iris = actors
        self.codes = {str(o).casefold() for s, o in graph.subject_objects(DY.code) if s in actors}

    def is_known(self, iri: URIRef, described: Graph | None = None) -> bool:
        if iri in self.known_iris:
            return True
        if described is not None and any(described.triples((iri, RDF.type, None))):
            return True
        return self.store is not None and any(
            p == RDF.type for _, p, _ in self.store.describe([iri]))  # type: ignore[attr-defined]

    def resolve(self, value: str) -> tuple[URIRef | None, str | None]:
        """An IRI for what ``value`` names, or None and the reason (with suggestions)."""
        iri = as_iri(value)
        if iri is not None:
            if self.is_known(iri):
                return iri, None
            return None, f"{value} is no known actor; {self.suggest(str(iri).rsplit('/', 1)[-1])}"
        found = self.names.get(value.strip().casefold(), set())
        if len(found) == 1:
            return next(iter(found)), None
        if len(found) > 1:
            options = ", ".join(sorted(_short(i) for i in found))
            return None, f"'{value}' is ambiguous: it names {options}; give the code or IRI"
        return None, f"'{value}' names no known actor; {self.suggest(value)}"

    def suggest(self, value: str) -> str:
        # a code-like value (KRO) is compared with codes, not with every name
        pool = self.codes if re.fullmatch(r"[A-Z][A-Z0-9-]{1,7}", value.strip()) else self.names
        close = difflib.get_close_matches(value.strip().casefold(), pool, n=3, cutoff=0.6)
        if not close:
            return ("give an ISO code (KOR), a registry name (South Korea, Korea Selatan) or the "
                    "IRI of an actor in the store")
        shown = [f"'{self.spelling[c]}' ({', '.join(sorted(_short(i) for i in self.names[c]))})" for c in close]
        return "did you mean " + " or ".join(shown) + "?"

    def coded(self, iri: URIRef) -> URIRef:
        """The state or international organization an actor acts for (itself if coded)."""
        reg = self.registry
        actor = reg.actor(iri)
        if actor is not None:
            if actor.kind == "state" or actor.international or not actor.code:
                return iri
            if actor.code in reg.states or actor.code in reg.organizations:
                return reg.coded(actor.code)
            return iri
        if self.store is not None:
            desc = self.store.describe([iri])  # type: ignore[attr-defined]
            if (iri, DY.code, None) not in desc:
                target = desc.value(iri, DY.actsFor)
                if isinstance(target, URIRef):
                    return target
        return iri


def as_iri(value: str) -> URIRef | None:
    """A full IRI, or a prefixed name with one of Dyad's prefixes (``dyid:state/KOR``)."""
    value = value.strip()
    if re.match(r"^https?://\S+$", value):
        return URIRef(value)
    prefix, sep, rest = value.partition(":")
    if sep and prefix in PREFIXES and rest and not rest.startswith("//"):
        return URIRef(PREFIXES[prefix] + rest)
    return None


def _short(iri: URIRef) -> str:
    from dyad.validate import shorten

    text = str(iri)
    return "dyid:" + text[len(str(ID)):] if text.startswith(str(ID)) else shorten(text)


def _event_class(value: str) -> URIRef | None:
    wanted = re.sub(r"[\s_-]+", "", value).casefold()
    for cls in EVENT_CLASSES:
        if str(cls).rsplit("#", 1)[-1].casefold() == wanted:
            return cls
    return None


# ---- building --------------------------------------------------------------------------------


def _add_row(out: SimpleSource, row: _Row, actors: ActorIndex, known: Known | None,
             seen: dict[URIRef, int], resubmitted: Callable[[URIRef, URIRef], bool]) -> None:
    problems: list[RowProblem] = []

    def problem(key: str | None, value: str | None, message: str, check: str = CHECK_FIELD) -> None:
        problems.append(RowProblem(row.lines.get(key or "", row.line), row.number, key, value, message,
                                   Severity.VIOLATION, check, kind=one("type")))

    def one(key: str) -> str | None:
        return row.values.get(key, [None])[0] if row.values.get(key) else None

    etype = None
    if (t := one("type")) is None:
        problem("type", None, "every event needs a type: one of " + ", ".join(_local(c) for c in EVENT_CLASSES))
    elif (etype := _event_class(t)) is None:
        close = difflib.get_close_matches(t, [_local(c) for c in EVENT_CLASSES], n=1, cutoff=0.5)
        hint = f"did you mean {close[0]}? " if close else ""
        problem("type", t, f"unknown event type '{t}'; {hint}the types are "
                + ", ".join(_local(c) for c in EVENT_CLASSES))
    roles: dict[str, list[URIRef]] = {}
    for key in ("agent", "target", "claimant"):
        roles[key] = []
        for value in row.values.get(key, []):
            iri, why = actors.resolve(value)
            if iri is None:
                problem(key, value, why or "", CHECK_ACTOR)
            else:
                roles[key].append(actors.coded(iri))
    date = None
    if (d := one("date")) is not None:
        try:
            date = dates.parse(d)
        except ValueError as exc:
            problem("date", d, str(exc), CHECK_DATE)
    status = STATUSES["reported"]
    if (s := one("status")) is not None:
        if s.strip().lower() not in STATUSES:
            problem("status", s, f"unknown status '{s}'; use one of {', '.join(STATUSES)}")
        else:
            status = STATUSES[s.strip().lower()]
    troops = None
    if (n := one("troops")) is not None:
        try:
            troops = int(n.replace(",", "").replace("_", ""))
        except ValueError:
            problem("troops", n, "troops must be a whole number such as 1500")
    url = one("source")
    if url is not None and not re.match(r"^https?://[^\s/]+\S*$", url):
        problem("source", url, "source must be the http(s) URL of what reports the event")
    out.problems.extend(problems)
    if etype is None:
        return
    # a row with a bad field is still checked whole (without that field), so that one run shows
    # every problem of the file: "troops: many" and the claimant an alleged event lacks

    src = out.name
    agents, targets = frozenset(roles["agent"]), frozenset(roles["target"])
    # a row with a bad field is checked, never written: its own IRI, so it never merges with
    # another row's event (nor hides that row's own problems)
    ev = event_iri(etype, agents, targets, frozenset(), None if problems else date, src, row.number)
    g = out.graph
    folded = False
    for k in known(etype, agents, targets) if known and agents and not problems else []:
        if identity.compatible(k.date, date):  # one event, many reports: the stored description wins
            ev, folded = identity.fold(g, ev, k), True
            if resubmitted(ev, report_iri(ev, src)):
                break
            out.problems.append(RowProblem(
                row.line, row.number, None, None,
                f"the store already has this event ({_short(ev)}); this submission adds its report to it",
                Severity.WARNING, CHECK_DUPLICATE, ev))
            break
    if ev in seen and not problems:
        out.problems.append(RowProblem(row.line, row.number, None, None,
                                       f"repeats the event of the row at line {seen[ev]}; both go into one report",
                                       Severity.WARNING, CHECK_REPEAT, ev))
    if problems:
        out.reported.setdefault(ev, set()).update(p.field for p in problems if p.field)
    if not problems:
        seen.setdefault(ev, row.line)
    out.lines.setdefault(ev, row.line)
    out.rows.setdefault(ev, row.number)
    g.add((ev, RDF.type, etype))
    for a in agents:
        g.add((ev, DY.agent, a))
    for a in targets:
        g.add((ev, DY.target, a))
    if date is not None and not folded:
        for t in dates.triples(ev, date):
            g.add(t)
    if troops is not None and not folded:
        g.add((ev, DY.troops, Literal(troops, datatype=XSD.integer)))
    if (topic := one("topic")) is not None and not folded:
        g.add((ev, DY.topic, Literal(topic)))
    if (place := one("place")) is not None and not folded:
        from dyad.registry import slug

        p = as_iri(place) or ID["place/" + slug(place)]
        g.add((ev, DY.place, p))
        if as_iri(place) is None:
            g.add((p, RDF.type, DY.Place))
            g.add((p, RDFS.label, Literal(place)))
    g.add((ev, PROV.wasDerivedFrom, src))
    report = report_iri(ev, src)
    g.add((report, RDF.type, DY.Report))
    g.add((report, DY.reportOf, ev))
    g.add((report, DY.source, src))
    g.add((report, DY.status, status))
    for c in roles["claimant"]:
        g.add((report, DY.claimant, c))
    if url is not None:
        g.add((report, SCHEMA.url, Literal(url, datatype=XSD.anyURI)))
    if (quote := one("evidence")) is not None:
        evidence = URIRef(f"{report}-evidence")
        g.add((report, DY.evidence, evidence))
        g.add((evidence, RDF.type, DY.Evidence))
        g.add((evidence, DY.quote, Literal(quote)))


def _local(cls: URIRef) -> str:
    return str(cls).rsplit("#", 1)[-1]
