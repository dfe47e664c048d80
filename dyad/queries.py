"""Named SPARQL queries: ``queries/*.rq`` files with grlc-style ``#+`` metadata.

A query file declares its parameters (``#+ param NAME: KIND, optional|required|default X. Doc``)
and its columns, and holds one parameter block, ``VALUES (?p_NAME ...) { (...) }``, as the first
thing in its WHERE (or in the group that opens it, when a lookup must follow that group's
FILTERs: who-did-what, timeline). Binding replaces that block's row with RDF terms made from the
parameter values (IRIs checked, literals escaped by the RDF library), ``UNDEF`` where a parameter
is not given. Values are never pasted into the query text as text; the file stays valid SPARQL
that runs as it is with its defaults.

Parameter-dependent lines: a line of the query body of the form ``#+when NAME: PATTERN`` is a
comment as the file stands (so the file is still valid SPARQL and still runs with its defaults);
:func:`bind` turns it into ``PATTERN`` (same indentation) when parameter ``NAME`` has a value
(given, or its default), and drops it otherwise. ``PATTERN`` is fixed query text from the file and
may refer to the parameter only as ``?p_NAME``, whose value still comes only through the
``VALUES`` block. Such lines hold patterns that *narrow* the solutions to ones the query's own
filters keep anyway (an index-driven start: the events an actor takes part in), so that the
engine need not scan every event; they must never change the rows (tests/test_queries.py runs
every case with and without them). A line may name several conditions, each a parameter that must
have a value or, after ``!``, one that must not (``#+when actor !actor_year:``).

Index keys: besides the declared parameters, :func:`bind` gives two that the store's index keys
(``dy:yearKey``, ``dy:actorYearKey`` in ``dyg:derived``; dyad/summary.py) are looked up by, when
a query's lines name them and both ends of a date range are given (at most
:data:`MAX_KEY_YEARS` years): ``actor_year``, the years of the range with a coded actor
(``"PRK 2020"``; an actor bound by IRI has none), else ``year``, the years alone (``"2020"``). They
are one more column of the same ``VALUES`` block, one row per year: still bound, never pasted.
A query whose lines name ``actor_claim`` gets it for an actor bound by code, whatever the dates:
the code itself, as the store's ``dy:claimKey`` holds it on the events that are claims.

Counted form: a query may name a second file (``#+ counts: counts/dyads.rq``) that gives the
same rows from the store's count table (dyad/summary.py) instead of from every event. It declares
the same parameters and columns; :func:`bind` returns it in place of the query when its
parameters let the counts answer (:func:`buckets`), with two more ``VALUES`` columns:
``?p_bucket``, the count table's buckets to read, one row each, and ``?p_bucket_type``, the name
of its events' class. ``when=False`` never uses it (the tests check both give the same rows).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib.namespace import XSD

from dyad import dates
from dyad.errors import InputError, UsageError
from dyad.namespace import EVENT_CLASSES, PREFIXES, STATUSES
from dyad.resources import root
from dyad.summary import actor_year_key, bucket_iri, local_name

if TYPE_CHECKING:
    from dyad.store import Store

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PARAM = re.compile(
    r"^(?P<name>[a-z_]+):\s*(?P<kind>[a-z-]+),\s*(?P<need>optional|required|default\s+(?P<default>[^\s.,]+))\.?\s*(?P<doc>.*)$"
)
_WHEN = re.compile(r"^(?P<indent>[ \t]*)#\+when (?P<name>!?[a-z_]+(?: !?[a-z_]+)*):[ \t]?(?P<text>.*)$", re.MULTILINE)
#: the parameters bind() derives for the store's index keys (see the module's doc)
INDEX_KEYS = ("year", "actor_year", "actor_claim")
#: a date range over more years than this is not looked up by index keys (one VALUES row a year)
MAX_KEY_YEARS = 25
_VALUES = re.compile(r"VALUES\s*\((?P<vars>[^)]*)\)\s*\{\s*\((?P<row>[^)]*)\)\s*\}")
KINDS = ("actor", "event-type", "event-iri", "date-from", "date-to", "status", "claim-status")
_IRI = re.compile(r"^(https?|urn):[^\s<>\"{}|\\^`]+$")
HTTP_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")  # an http(s) IRI; the server checks with it too


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool
    default: str | None
    doc: str


@dataclass(frozen=True)
class NamedQuery:
    """A parsed ``.rq`` file."""

    name: str
    path: Path
    summary: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str = field(repr=False)
    #: the same question answered from the store's count table (``#+ counts:``), if any
    counts: NamedQuery | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Result:
    """A SELECT answer: column names and rows of pyoxigraph terms (None where unbound)."""

    columns: list[str]
    rows: list[list[ox.NamedNode | ox.Literal | ox.BlankNode | None]]


def available() -> list[NamedQuery]:
    """Every named query shipped with Dyad, by name."""
    return [parse(p) for p in sorted(root("queries").glob("*.rq"))]


def load(name_or_path: str) -> NamedQuery:
    """A shipped query by name (``who-did-what``) or any ``.rq`` file by path.

    Names are looked up only inside the shipped queries folder, so a name cannot walk the file
    system (``../../etc/passwd`` is refused).
    """
    if name_or_path.endswith(".rq"):
        path = Path(name_or_path)
        if not path.is_file():
            raise InputError(f"no query file {name_or_path}")
        return parse(path)
    if not _NAME.match(name_or_path):
        raise UsageError(f"{name_or_path!r} is not a query name (letters, digits and '-' only); "
                         "'dyad query --list' lists them")
    path = root("queries") / f"{name_or_path}.rq"
    if not path.is_file():
        names = ", ".join(q.name for q in available())
        raise UsageError(f"no query named {name_or_path!r}; known: {names}")
    return parse(path)


def parse(path: Path) -> NamedQuery:
    """Read a ``.rq`` file and its ``#+`` metadata."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read query: {exc}", where=str(path)) from None
    meta: dict[str, list[str]] = {}
    params: list[Param] = []
    key = None
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            if not line.startswith("#"):
                break
            continue
        body = line[2:].rstrip()
        if body.startswith("   ") and key:  # continuation of the previous key
            meta[key][-1] += " " + body.strip()
            continue
        key, _, value = body.strip().partition(":")
        if key.startswith("param "):
            m = _PARAM.match(key[6:] + ":" + value)
            if not m or m["kind"] not in KINDS:
                raise InputError(f"malformed parameter line: {line!r}", where=f"{path}:{lineno}")
            params.append(Param(m["name"], m["kind"], m["need"] == "required", m["default"], m["doc"].strip()))
            key = None
            continue
        meta.setdefault(key, []).append(value.strip())
    block = _VALUES.search(text)
    declared = tuple(f"p_{p.name}" for p in params)
    if params and (not block or tuple(v.lstrip("?") for v in block["vars"].split()) != declared):
        raise InputError(f"the VALUES block must bind exactly {', '.join('?' + d for d in declared)} "
                         "in that order", where=str(path))
    names = {p.name for p in params} | set(INDEX_KEYS)
    for m in _WHEN.finditer(text):
        unknown = [c for c in m["name"].split() if c.lstrip("!") not in names]
        if unknown:
            lineno = text.count("\n", 0, m.start()) + 1
            raise InputError(f"'#+when {m['name']}:' names no declared parameter or index key: {unknown[0]}",
                             where=f"{path}:{lineno}")
    columns = tuple(c.strip() for c in " ".join(meta.get("columns", [""])).split(",") if c.strip())
    counts = parse(path.parent / meta["counts"][0]) if meta.get("counts") else None
    # the same parameters, whatever their docs say
    if counts is not None and (counts.columns != columns
                               or [replace(p, doc="") for p in counts.params] != [replace(p, doc="") for p in params]):
        raise InputError(f"the counted form {meta['counts'][0]} must declare this query's parameters "
                         "and columns", where=str(path))
    return NamedQuery(
        counts=counts,
        name=path.stem, path=path,
        summary=" ".join(meta.get("summary", [""])),
        description=" ".join(meta.get("description", [""])),
        params=tuple(params),
        columns=columns,
        text=text,
    )


def term_for(param: Param, value: str) -> ox.NamedNode | ox.Literal | None:
    """The RDF term a parameter value stands for (None: leave it unbound)."""
    value = value.strip()
    if param.kind == "actor":
        return _actor_term(param, value)
    if param.kind == "event-iri":
        if not HTTP_IRI.match(value):
            raise UsageError(f"--param {param.name}={value!r}: expected an event IRI (http or https)")
        return ox.NamedNode(value)
    if param.kind == "event-type":
        # spelled as submissions spell it: "TroopDeployment", "troop deployment", "troop_deployment"
        by_name = {str(c).rsplit("#", 1)[1].lower(): c for c in EVENT_CLASSES}
        cls = by_name.get(re.sub(r"[\s_-]+", "", value).lower())
        if cls is None:
            raise UsageError(f"--param {param.name}={value!r}: expected one of "
                             + ", ".join(str(c).rsplit("#", 1)[1] for c in EVENT_CLASSES))
        return ox.NamedNode(str(cls))
    if param.kind in ("date-from", "date-to"):
        try:
            period = dates.parse(value)
        except ValueError as exc:
            raise UsageError(f"--param {param.name}: {exc}") from None
        day = period.start if param.kind == "date-from" else period.end
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode(str(XSD.date)))
    if param.kind in ("status", "claim-status"):
        allowed = dict(STATUSES)
        if param.kind == "claim-status":
            allowed.pop("reported")
        if value.lower() in ("any", "all"):
            return None  # every status; in claims every claim status (the query keeps to claims)
        if value.lower() not in allowed:
            why = " (a reported event is no claim)" if value.lower() == "reported" else ""
            raise UsageError(f"--param {param.name}={value!r}: expected one of "
                             + ", ".join([*allowed, "any"]) + why)
        return ox.NamedNode(str(allowed[value.lower()]))
    raise UsageError(f"unknown parameter kind {param.kind}")


def _actor_term(param: Param, value: str) -> ox.NamedNode | ox.Literal:
    """An actor as submissions name it: a code (KOR, NATO), a name in English or Indonesian
    (Japan, Jepang), an IRI or a CURIE (dyid:state/JPN). A coded actor is bound by its code, so
    that its ministries and officials count too; an actor the registry does not know (a person
    found in an article) by its IRI. An unknown name is an error with the closest names."""
    from dyad.registry import load_registry
    from dyad.simple_form import as_iri

    registry = load_registry()
    if value.upper() in registry.states or value.upper() in registry.organizations:
        return ox.Literal(value.upper())
    iri = as_iri(value)
    if iri is None and _IRI.match(value):
        raise UsageError(f"--param {param.name}={value!r}: an actor IRI is http(s)")
    if iri is not None:
        if not _IRI.match(str(iri)):
            raise UsageError(f"--param {param.name}={value!r}: not an IRI (spaces, quotes or brackets in it)")
        return _coded_term(registry.actor(iri), iri)
    found, why = _actor_index().resolve(value)
    if found is None:
        raise UsageError(f"--param {param.name}={value!r}: {why}")
    return _coded_term(registry.actor(found), found)


def _coded_term(actor: Any, iri: Any) -> ox.NamedNode | ox.Literal:
    # a state or an organization by its code (its organs count with it); a person by the IRI:
    # a person's registry code is whom they act for, and Mark Rutte is not all of NATO
    if actor is not None and actor.code and actor.kind in ("state", "organization"):
        return ox.Literal(actor.code)
    return ox.NamedNode(str(iri))


@functools.lru_cache(maxsize=1)
def _actor_index() -> Any:
    from dyad.simple_form import ActorIndex

    return ActorIndex()


def bind(query: NamedQuery, values: dict[str, str], *, when: bool = True, counts: bool = True) -> str:
    """The query text with its parameter block holding ``values`` as RDF terms (a parameter not
    given is left out of the block), and its ``#+when NAME:`` lines kept for the parameters that
    have a value and dropped for the others. ``when=False`` drops them all and never uses the
    counted form (the query as it would run without them; the tests check both give the same
    rows); ``counts=False`` leaves out only the counted form (a store without the count table)."""
    known = {p.name for p in query.params}
    for name in values:
        if name not in known:
            raise UsageError(f"query {query.name} has no parameter {name!r}; it takes: "
                             + (", ".join(sorted(known)) or "none"))
    if not query.params:
        return query.text
    bound: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in query.params:
        given = values.get(p.name, p.default)
        if given is None and p.required:
            raise UsageError(f"query {query.name} needs --param {p.name}=... ({p.doc})")
        term = term_for(p, given) if given is not None else None
        if term is not None:
            bound[p.name] = term
    extra: dict[str | tuple[str, ...], Any]
    if when and counts and query.counts is not None and (cells := buckets(bound)) is not None:
        query, extra = query.counts, {("bucket", "bucket_type"): cells}
    else:
        extra = dict(_index_keys(query.text, bound)) if when else {}
    block = _VALUES.search(query.text)
    assert block is not None  # parse() checked it
    columns: dict[str | tuple[str, ...], Any] = {**bound, **extra}
    # one row per combination of the columns' values; a tuple of names takes tuples of values
    names: list[str] = []
    rows: list[list[str]] = [[]]
    for key, value in columns.items():
        keys = key if isinstance(key, tuple) else (key,)
        names += keys
        values = value if isinstance(value, list) else [value]
        rows = [[*row, *(str(t) for t in (v if isinstance(v, tuple) else (v,)))] for row in rows for v in values]
    # Parameters left unbound are left out of the block rather than written UNDEF: the queries
    # test them with BOUND(), and some engines (Virtuoso 7) join UNDEF rows wrongly.
    new_block = (f"VALUES ({' '.join('?p_' + name for name in names)}) "
                 f"{{ {' '.join('(' + ' '.join(row) + ')' for row in rows)} }}" if columns else "")
    text = query.text[: block.start()] + new_block + query.text[block.end():]
    given = set(names) if when else set()
    return _WHEN.sub(lambda m: m["indent"] + m["text"] if _holds(m["name"], given) else "", text)


def _holds(conditions: str, given: set[str]) -> bool:
    return all((c[1:] not in given) if c.startswith("!") else (c in given) for c in conditions.split())


def buckets(bound: dict[str, ox.NamedNode | ox.Literal]) -> list[tuple[ox.NamedNode, ox.Literal]] | None:
    """The count table's buckets that hold the answer for these bound parameters, each with the
    name of its event class (dyad/summary.py), or None when the counts cannot answer: an actor
    bound by IRI (matched per event, not per code), or dates other than none or a range of whole
    years (at most :data:`MAX_KEY_YEARS`)."""
    if isinstance(bound.get("actor"), ox.NamedNode):
        return None
    low, high = bound.get("from"), bound.get("to")
    years: list[int | None]
    if low is None and high is None:
        years = [None]
    elif low is not None and high is not None and low.value[4:] == "-01-01" and high.value[4:] == "-12-31":
        first, last = int(low.value[:4]), int(high.value[:4])
        if not 0 <= last - first < MAX_KEY_YEARS:
            return None
        years = list(range(first, last + 1))
    else:
        return None
    status, kind = bound.get("status"), bound.get("type")
    statuses = [local_name(status)] if status is not None else [local_name(ox.NamedNode(str(s))) for s in STATUSES.values()]
    names = [local_name(kind)] if kind is not None else [local_name(ox.NamedNode(str(c))) for c in EVENT_CLASSES]
    return [(bucket_iri(st, name, y), ox.Literal(name)) for st in statuses for name in names for y in years]


def _index_keys(text: str, bound: dict[str, ox.NamedNode | ox.Literal]) -> dict[str, list[ox.Literal]]:
    """The index-key parameters a query's ``#+when`` lines use, for the date range and actor
    bound (see the module's doc): one literal per year."""
    wanted = {name for m in _WHEN.finditer(text) for name in m["name"].split() if name in INDEX_KEYS}
    actor = bound.get("actor")
    if "actor_claim" in wanted and isinstance(actor, ox.Literal):
        return {"actor_claim": [actor]}
    low, high = bound.get("from"), bound.get("to")
    if not wanted or low is None or high is None:
        return {}
    first, last = int(low.value[:4]), int(high.value[:4])
    if not 0 <= last - first < MAX_KEY_YEARS:
        return {}
    years = range(first, last + 1)
    # one kind of key at most: two would multiply the rows
    if "actor_year" in wanted and isinstance(actor, ox.Literal):
        return {"actor_year": [ox.Literal(actor_year_key(actor.value, y)) for y in years]}
    if "year" in wanted:
        return {"year": [ox.Literal(str(y)) for y in years]}
    return {}


def solutions(store: Store, query: NamedQuery, values: dict[str, str] | None = None) -> ox.QuerySolutions:
    """Run a named query on the local store; the live pyoxigraph answer (serialise it as is)."""
    answer = store.raw_query(bind(query, values or {}, counts=store.keeps_counts()), use_default_graph_as_union=True)
    if not isinstance(answer, ox.QuerySolutions):
        raise UsageError(f"query {query.name} is not a SELECT query")
    return answer


def run(store: Store, query: NamedQuery, values: dict[str, str] | None = None) -> Result:
    """Run a named query on the local store and collect its rows."""
    answer = solutions(store, query, values)
    columns = [v.value for v in answer.variables]
    return Result(columns, [[sol[c] for c in columns] for sol in answer])


def table(answer: ox.QuerySolutions) -> str:
    """A SELECT answer as a text table for people: IRIs shortened by Dyad's prefixes, cells cut at
    60 characters, a row count at the end. The local and the remote ``dyad query`` print this."""
    columns = [v.value for v in answer.variables]
    rows = [[_cell(sol[c]) for c in columns] for sol in answer]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    widths = [min(w, 60) for w in widths]
    line = lambda cells: "  ".join(c[:w].ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(columns), line(["-" * w for w in widths]), *map(line, rows),
                      f"({len(rows)} row{'s' if len(rows) != 1 else ''})"])


def _cell(term: object) -> str:
    if term is None:
        return ""
    value = term.value  # type: ignore[attr-defined]
    for prefix, ns in PREFIXES.items():
        if isinstance(term, ox.NamedNode) and value.startswith(ns) and "/" not in value[len(ns):]:
            return f"{prefix}:{value[len(ns):]}"
    return value


__all__ = ["NamedQuery", "Param", "Result", "available", "bind", "buckets", "load", "parse", "run", "solutions", "table", "term_for"]
