"""GDELT event files to Dyad's events, reports and places (``dyad import gdelt``; docs/gdelt.md).

A GDELT row is one machine-coded event: a CAMEO code, two actors, a day, a place and the URL of
the article it was read in. A row becomes a Dyad event when its code has a Dyad class and its
actors are states or international organizations (``data/gdelt/*.yaml`` says which); the
others are counted by reason. GDELT repeats one happening in many rows: rows of the same class,
agent, target and day are one event, with one report per article URL. The event IRIs are
the same as ingest's and submissions' (:mod:`dyad.iris`), so GDELT's account and Dyad's own extraction of
the same event meet in one node; the importer folds into stored events through
:mod:`dyad.identity` as loads do.

This module reads and maps; :mod:`dyad.importing` validates and writes.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from dyad import dates, gazetteer
from dyad.errors import InputError
from dyad.iris import article_iri, event_iri, report_iri
from dyad.namespace import DY, ID, PREFIXES, SCHEMA
from dyad.resources import resource, read_yaml

__all__ = ["CODER", "LAYOUTS", "Imported", "Layout", "columns", "map_file", "read_lines", "source_iri"]

CODER = ID["coder/gdelt"]  # the prov:SoftwareAgent every imported report is attributed to


@dataclass(frozen=True)
class Layout:
    """Where the columns a Dyad event needs sit in one kind of GDELT file (0-based)."""

    name: str
    columns: int
    geo_width: int          # columns per geography block (2.0 added ADM2Code)
    action_geo: int         # ActionGeo_Type
    date_added: int
    url: int | None         # SOURCEURL (GDELT 1.0 files before April 2013 have none)

    def lat_long_feature(self, row: list[str]) -> tuple[str, str, str]:
        first = self.action_geo + self.geo_width - 3
        return row[first], row[first + 1], row[first + 2]


LAYOUTS = {
    61: Layout("GDELT 2.0 event export", 61, 8, 51, 59, 60),
    58: Layout("GDELT 1.0 daily file", 58, 7, 49, 56, 57),
    57: Layout("GDELT 1.0 file without SOURCEURL", 57, 7, 49, 56, None),
}
def _actor_columns(n: int) -> tuple[str, ...]:
    return tuple(f"Actor{n}{c}" for c in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
        "Type1Code", "Type2Code", "Type3Code"))


def _geo_columns(who: str, adm2: bool) -> tuple[str, ...]:
    parts = ("Type", "FullName", "CountryCode", "ADM1Code", *(("ADM2Code",) if adm2 else ()), "Lat", "Long", "FeatureID")
    return tuple(f"{who}Geo_{c}" for c in parts)


def columns(layout: Layout) -> tuple[str, ...]:
    """The codebook's column names of a layout, in file order."""
    adm2 = layout.geo_width == 8
    names = (
        "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate", *_actor_columns(1), *_actor_columns(2),
        "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
        "NumMentions", "NumSources", "NumArticles", "AvgTone",
        *_geo_columns("Actor1", adm2), *_geo_columns("Actor2", adm2), *_geo_columns("Action", adm2), "DATEADDED",
        *(("SOURCEURL",) if layout.url is not None else ()),
    )
    assert len(names) == layout.columns
    return names


# the columns both versions share
ID_, SQLDATE, ACTOR1, ACTOR2, EVENT_CODE, GOLDSTEIN, TONE = 0, 1, 5, 15, 26, 30, 34
ACTOR_CODE, COUNTRY, GROUP, TYPE1 = 0, 2, 3, 7   # offsets in an actor block


@dataclass(frozen=True)
class Tables:
    """The data files: CAMEO codes to classes and actors, FIPS to ISO."""

    events: dict[str, URIRef]
    topics: dict[str, str]
    needs_target: frozenset[URIRef]
    state_types: frozenset[str]
    visitor_second: frozenset[str]
    countries: dict[str, str | None]
    regions: dict[str, str]
    groups: dict[str, str]
    fips: dict[str, str | None]

    def event_class(self, code: str) -> URIRef | None:
        for n in range(len(code), 0, -1):
            if code[:n] in self.events:
                return self.events[code[:n]]
        return None


@lru_cache(maxsize=1)
def tables() -> Tables:
    ev = read_yaml(resource("data", "gdelt", "cameo-events.yaml"))
    actors = read_yaml(resource("data", "gdelt", "cameo-actors.yaml"))
    fips = read_yaml(resource("data", "gdelt", "fips-countries.yaml"))
    return Tables(
        events={str(k): DY[v] for k, v in ev["events"].items()},
        topics={str(k): v for k, v in ev["topics"].items()},
        needs_target=frozenset(DY[c] for c in ev["needs_target"]),
        state_types=frozenset(ev["state_types"]),
        visitor_second=frozenset(str(c) for c in ev["visitor_second"]),
        countries={str(k): v for k, v in (actors.get("countries") or {}).items()},
        regions={str(k): v for k, v in (actors.get("regions") or {}).items()},
        groups={str(k): v for k, v in (actors.get("groups") or {}).items()},
        # GeoNames' country table, with what it lacks or Dyad reads otherwise
        fips={**gazetteer.fips_to_iso3(), **{str(k): v for k, v in fips["fips"].items()}},
    )


@dataclass
class Imported:
    """One file mapped: its graph and what became of its rows."""

    path: Path
    name: URIRef
    layout: Layout
    graph: Graph
    rows: int = 0
    mapped: int = 0
    skipped: Counter = field(default_factory=Counter)
    events: int = 0
    reports: int = 0


def source_iri(path: Path) -> URIRef:
    """The file's named graph: ``dyid:gdelt/<name>`` ("20150218230000.export"), so the same
    file imported again, plain or zipped, replaces itself."""
    name = path.name
    for suffix in (".zip", ".csv", ".CSV"):
        name = name.removesuffix(suffix)
    return ID["gdelt/" + name]


# -- reading ------------------------------------------------------------------------------------

def read_lines(path: Path) -> tuple[str, Layout, list[str]]:
    """The name of a GDELT file (inside its zip), its layout and its lines, each checked to have
    the layout's columns; or an InputError naming the line."""
    name, data = _bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not UTF-8 (byte 0x{data[exc.start]:02x}); GDELT files are UTF-8",
                         where=f"{path}:{line}") from None
    lines = text.split("\n")
    while lines and not lines[-1].strip("\r"):
        lines.pop()
    if not lines:
        raise InputError("empty file: no GDELT rows", where=str(path))
    if "\r" in text:
        lines = [line.rstrip("\r") for line in lines]
    layout = LAYOUTS.get(lines[0].count("\t") + 1)
    if layout is None:
        raise InputError(f"{lines[0].count(chr(9)) + 1} tab-separated columns; a GDELT 2.0 export has 61, a "
                         "GDELT 1.0 daily file 57 or 58", where=f"{path}:1")
    tabs = layout.columns - 1
    for n, line in enumerate(lines, 1):
        if line.count("\t") != tabs:
            raise InputError(f"{line.count(chr(9)) + 1} columns where the file's first row has {layout.columns} "
                             "(truncated or not a GDELT file?)", where=f"{path}:{n}")
    return name, layout, lines


def _bytes(path: Path) -> tuple[str, bytes]:
    try:
        if not zipfile.is_zipfile(path):
            if path.suffix.lower() == ".zip":
                raise InputError("not a readable zip file (truncated download?)", where=str(path))
            return path.name, path.read_bytes()
        with zipfile.ZipFile(path) as z:
            members = [m for m in z.namelist() if not m.endswith("/")]
            if len(members) != 1:
                raise InputError(f"a GDELT zip holds one file; this one holds {len(members)}", where=str(path))
            return Path(members[0]).name, z.read(members[0])
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InputError(f"not a readable zip file (truncated download?): {exc}", where=str(path)) from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), where=str(path)) from None


# -- mapping ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Row:
    line: int
    id: str
    etype: URIRef
    agent: URIRef
    target: URIRef | None
    day: date
    code: str
    url: str | None
    goldstein: Decimal | None
    tone: Decimal | None
    added: datetime | None
    place: tuple[URIRef, list[tuple]] | None  # place IRI and the triples describing it


def map_file(path: Path) -> Imported:
    """Read a GDELT file and map its rows to one graph for the file's named graph."""
    file_name, layout, lines = read_lines(path)
    name = source_iri(path)
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    result = Imported(path, name, layout, g, rows=len(lines))
    mapped: list[_Row] = []
    t = tables()
    no_class = "event code has no Dyad class"
    for n, line in enumerate(lines, 1):
        # most rows are skipped by their code: split the rest only
        if t.event_class(line.split("\t", EVENT_CODE + 1)[EVENT_CODE]) is None:
            result.skipped[no_class] += 1
            continue
        outcome = _map_row(line.split("\t"), n, layout, t, f"{path}:{n}")
        if isinstance(outcome, str):
            result.skipped[outcome] += 1
        else:
            mapped.append(outcome)
    result.mapped = len(mapped)
    _describe_source(g, name, file_name)
    result.events, result.reports = _emit(g, name, mapped, t)
    return result


def _map_row(row: list[str], line: int, layout: Layout, t: Tables, where: str) -> _Row | str:
    code = row[EVENT_CODE]
    etype = t.event_class(code)
    if etype is None:
        return "event code has no Dyad class"
    agent = _actor(row, ACTOR1, t)
    if not isinstance(agent, URIRef):
        return f"Actor1 {agent}"
    target: URIRef | str | None = _actor(row, ACTOR2, t) if row[ACTOR2 + ACTOR_CODE] else None
    if target is not None and not isinstance(target, URIRef):
        return f"Actor2 {target}"
    if target is None and etype in t.needs_target:
        return "consultation or agreement without a second actor"
    if target == agent:
        return "Actor1 and Actor2 are the same actor"
    if target is not None and code[:3] in t.visitor_second:
        agent, target = target, agent
    return _Row(
        line=line, id=_id(row[ID_], where), etype=etype, agent=agent, target=target,
        day=_day(row[SQLDATE], where, "SQLDATE"), code=code,
        url=row[layout.url].strip() if layout.url is not None else None,
        goldstein=_decimal(row[GOLDSTEIN], where, "GoldsteinScale"),
        tone=_decimal(row[TONE], where, "AvgTone"),
        added=_added(row[layout.date_added], where),
        place=_place(row, layout, t, where),
    )


def _actor(row: list[str], block: int, t: Tables) -> URIRef | str:
    """A row's actor as a coded Dyad actor, or why it is none (the skip reason's tail)."""
    from dyad.registry import load_registry

    reg = load_registry()
    group = row[block + GROUP]
    if group:
        key = t.groups.get(group)
        if key is None or key not in reg.organizations:
            return f"is an organization Dyad does not list ({group})"
        return reg.coded(key)
    country = row[block + COUNTRY]
    if not country:
        return "has no country or organization code"
    if country in t.regions:
        return "is a region, not a state"
    kind = row[block + TYPE1]
    if kind and kind not in t.state_types:
        return "is not the state (a business, the media, civilians, rebels, ...)"
    iso = t.countries.get(country, country)
    if iso is None:
        return f"has a country code of no state today ({country})"
    if iso not in reg.states:
        return f"has a country code Dyad does not know ({country})"
    return reg.coded(iso)


def _place(row: list[str], layout: Layout, t: Tables, where: str) -> tuple[URIRef, list[tuple]] | None:
    """Where GDELT places the action: a state (country-level) or a named point."""
    from dyad.registry import load_registry, slug

    kind, name, fips = row[layout.action_geo:layout.action_geo + 3]
    if not kind or kind == "0" or not name:
        return None
    iso = t.fips.get(fips)
    state = load_registry().coded(iso) if iso and iso in load_registry().states else None
    if kind == "1":
        return (state, []) if state is not None else None
    lat, lon, feature = layout.lat_long_feature(row)
    if not lat or not lon:
        return None
    y, x = _decimal(lat, where, "ActionGeo_Lat"), _decimal(lon, where, "ActionGeo_Long")
    if y is None or x is None or not (-90 <= y <= 90 and -180 <= x <= 180):
        raise InputError(f"ActionGeo_Lat/Long {lat!r}, {lon!r} is not a point on Earth", where=where)
    if kind in _CITY_KINDS:  # a city GeoNames knows is the node every source shares (dyad/gazetteer.py)
        # only where GDELT puts it: "Jamestown, North Carolina" is not the Jamestown GeoNames knows
        city = gazetteer.find(name.split(",")[0], iso, near=(float(y), float(x)))
        if city is not None:
            return city.iri, gazetteer.city_triples(city)
    # GDELT's own place, by its name and feature id: one FullName at two points is two places
    place = ID["place/" + slug(f"{name} {feature}" if feature else name)]
    return place, gazetteer.point_triples(place, name, float(y), float(x), state, identifier=feature or None)


# ActionGeo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1)
_CITY_KINDS = {"3", "4"}


def _emit(g: Graph, name: URIRef, rows: list[_Row], t: Tables) -> tuple[int, int]:
    """One event per (class, agent, target, day), one report per (event, article)."""
    by_event: dict[URIRef, list[_Row]] = {}
    for r in rows:
        day = dates.DateValue.day(r.day)
        targets = frozenset({r.target}) if r.target is not None else frozenset()
        ev = event_iri(r.etype, frozenset({r.agent}), targets, frozenset(), day, name, 0)
        by_event.setdefault(ev, []).append(r)
    reports = 0
    for ev, members in by_event.items():
        members.sort(key=lambda r: int(r.id))
        first = members[0]
        g.add((ev, RDF.type, first.etype))
        g.add((ev, DY.agent, first.agent))
        if first.target is not None:
            g.add((ev, DY.target, first.target))
        for triple in dates.triples(ev, dates.DateValue.day(first.day)):
            g.add(triple)
        if first.code[:3] in t.topics:
            g.add((ev, DY.topic, Literal(t.topics[first.code[:3]])))
        place = next((r.place for r in members if r.place is not None), None)
        if place is not None:
            g.add((ev, DY.place, place[0]))
            for triple in place[1]:
                g.add(triple)
        by_source: dict[URIRef, list[_Row]] = {}
        for r in members:
            web = r.url is not None and _WEB.match(r.url) is not None
            by_source.setdefault(_article(g, r.url) if web else name, []).append(r)
        for src, told in by_source.items():
            _report(g, ev, src, told)
            reports += 1
    return len(by_event), reports


def _report(g: Graph, ev: URIRef, src: URIRef, rows: list[_Row]) -> None:
    report = report_iri(ev, src)
    first = rows[0]
    add = g.add
    add((ev, PROV.wasDerivedFrom, src))
    add((report, RDF.type, _REPORT))
    add((report, _REPORT_OF, ev))
    add((report, _SOURCE, src))
    add((report, _STATUS, _REPORTED))
    add((report, PROV.wasAttributedTo, CODER))
    for r in rows:
        add((report, _CAMEO, Literal(r.code)))
        add((report, _EVENT_ID, Literal(r.id)))
    # the row GDELT saw first speaks for the report (its rows share the article, so the tone)
    if first.goldstein is not None:
        add((report, DY.goldstein, _decimal_literal(first.goldstein)))
    if first.tone is not None:
        add((report, DY.tone, _decimal_literal(first.tone)))
    for r in rows:  # GDELT writes some sources as a citation, not an address
        if r.url and _WEB.match(r.url) is None:
            add((report, DCTERMS.bibliographicCitation, Literal(r.url)))
    added = min((r.added for r in rows if r.added is not None), default=None)
    if added is not None:
        add((report, PROV.generatedAtTime, _time_literal(added)))


# a web address, as schema:url's xsd:anyURI needs it (no spaces; GDELT's BBC Monitoring rows
# carry "as listed in Russian/BBC Monitoring/(c) BBC" in SOURCEURL)
_WEB = re.compile(r"https?://[^\s<>\"{}|\\^`]+$")
# read once: a DefinedNamespace attribute is a lookup each time
_REPORT, _REPORT_OF, _SOURCE, _STATUS, _REPORTED = DY.Report, DY.reportOf, DY.source, DY.status, DY.Reported
_CAMEO, _EVENT_ID = DY.cameoCode, DY.sourceEventId


def _article(g: Graph, url: str) -> URIRef:
    """The page a row was read in: ingest's IRI for its URL (:func:`dyad.iris.article_iri`), so a
    page Dyad also ingests is the same node. GDELT says no more of it than its address, so it is
    a plain ``dy:Source``; Dyad's ingest makes it a ``dy:Article`` with its language and title."""
    iri = article_iri(url)
    g.add((iri, RDF.type, DY.Source))
    g.add((iri, SCHEMA.url, Literal(url, datatype=XSD.anyURI)))
    return iri


def _describe_source(g: Graph, name: URIRef, file_name: str) -> None:
    g.add((name, RDF.type, DY.Dataset))
    g.add((name, DY.fileName, Literal(file_name)))  # the zip's member: zipped or not, one file
    g.add((name, PROV.wasAttributedTo, CODER))
    g.add((CODER, RDF.type, PROV.SoftwareAgent))
    g.add((CODER, RDFS.label, Literal("GDELT (machine-coded, CAMEO)")))


# -- fields -------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _decimal_literal(value: Decimal) -> Literal:
    """In the store's canonical form ("-2", not "-2.0"), so importing again changes nothing.
    Cached: a file has a few Goldstein values, and rdflib parses every typed literal it makes."""
    return Literal(format(value.normalize(), "f"), datatype=XSD.decimal)


@lru_cache(maxsize=256)
def _time_literal(value: datetime) -> Literal:
    return Literal(value.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)


def _id(text: str, where: str) -> str:
    if not text.isdigit():
        raise InputError(f"GLOBALEVENTID {text!r} is not a number", where=where)
    return text


def _day(text: str, where: str, column: str) -> date:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise InputError(f"{column} {text!r} is not a day (YYYYMMDD)", where=where) from None


def _added(text: str, where: str) -> datetime | None:
    """DATEADDED: a 15-minute slot (YYYYMMDDHHMMSS, UTC) in 2.0, a day (YYYYMMDD) in 1.0."""
    if not text:
        return None
    for form in ("%Y%m%d%H%M%S", "%Y%m%d"):
        try:
            return datetime.strptime(text, form).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    raise InputError(f"DATEADDED {text!r} is neither YYYYMMDDHHMMSS nor YYYYMMDD", where=where)


def _decimal(text: str, where: str, column: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError(f"{column} {text!r} is not a number", where=where) from None
    if not value.is_finite():
        raise InputError(f"{column} {text!r} is not a number", where=where)
    return value
