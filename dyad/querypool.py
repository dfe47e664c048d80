"""The query workers behind ``dyad serve``: content negotiation, the SERVICE/LOAD guard, and a
pool of worker processes that run queries under a time limit and a row limit.

Why processes: pyoxigraph cannot interrupt a query from Python, and an abandoned thread keeps
its CPU; a process can be killed. A query past the time limit has its worker killed (SIGKILL)
and replaced. Each worker holds its own read-only snapshot of the store and re-opens it when
older than the refresh interval, so new writes appear and a query sees whole transactions only.
"""

from __future__ import annotations

import json
import multiprocessing
import queue
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

# -- formats ------------------------------------------------------------------------------------

RESULTS = {  # key -> (pyoxigraph format, media type sent)
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv; charset=utf-8"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values; charset=utf-8"),
}
GRAPHS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}
ACCEPT_SELECT = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
ACCEPT_GRAPH = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/turtle": "turtle",
    "application/n-triples": "ntriples", "text/plain": "ntriples",
    "application/ld+json": "jsonld", "application/x-json+ld": "jsonld", "application/json": "jsonld",
    "application/rdf+xml": "rdfxml",
    # N3 is a superset of Turtle: a Turtle document is an N3 one (SPARQLWrapper's N3, Jena's "n3")
    "text/n3": "turtle", "text/rdf+n3": "turtle", "application/n3": "turtle",
}
# ?format= keys, per kind of answer (json of a graph is JSON-LD, xml of a graph RDF/XML); the
# spellings third-party clients send are here too (SPARQLWrapper: "json-ld", "rdf+xml", "n3", "rdf")
FORMAT_PARAM = {
    "select": {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "srj": "json", "srx": "xml"},
    # CSV and TSV define no boolean; like Oxigraph and Jena, Dyad answers ASK with "true" or "false"
    "ask": {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "srj": "json", "srx": "xml"},
    "graph": {"turtle": "turtle", "ttl": "turtle", "n3": "turtle", "ntriples": "ntriples", "nt": "ntriples",
              "n-triples": "ntriples", "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
              "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "rdf": "rdfxml", "xml": "rdfxml"},
}
# the names clients give the format parameter: Dyad's own, Fuseki's and Virtuoso's, SPARQLWrapper's
FORMAT_NAMES = ("format", "output", "results")
DEFAULTS = {"select": "json", "ask": "json", "graph": "turtle"}


# the format key of an answer kind whose format parameters disagree: the rest is the values given
CONFLICT = "conflict:"


def _format_of(value: str, kind: str) -> str | None:
    """The format key one parameter value asks for, for one kind of answer: a key ("tsv"), a media
    type ("text/tab-separated-values") or a list of media types, the most preferred one served
    winning (by q, then order)."""
    table = ACCEPT_GRAPH if kind == "graph" else ACCEPT_SELECT
    for _, _, item in sorted(_ranges(value)):
        key = FORMAT_PARAM[kind].get(item) or table.get(item)
        if key in FORMAT_PARAM[kind].values():
            return key
    return None


def _ranges(value: str) -> list[tuple[float, int, str]]:
    """The media ranges (or format keys) of an Accept-style list as (-q, position, lower-cased
    value), leaving out those with q=0: "not acceptable" (RFC 9110, 12.4.2)."""
    ranges = []
    for i, part in enumerate(value.split(",")):
        media, *params = [x.strip() for x in part.split(";")]
        q = 1.0
        for p in params:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranges.append((-q, i, media.lower()))
    return ranges


def requested_formats(values: list[str]) -> dict[str, str | None] | None:
    """The formats asked for by the values of the format parameters (None: none given). Values
    that agree are one request ("format=tsv&format=text/tab-separated-values"); values that ask
    for two formats for the same kind of answer make that kind's key a :data:`CONFLICT`."""
    values = [v for v in values if v.strip()]
    if not values:
        return None
    chosen: dict[str, str | None] = {}
    for kind in FORMAT_PARAM:
        keys = {_format_of(v, kind) for v in values}
        named = keys - {None}
        if len(named) > 1:  # refused when the answer is of this kind (json and text/turtle agree on a SELECT)
            chosen[kind] = CONFLICT + ", ".join(sorted(values))
            continue
        # a value that names no format of this kind (text/turtle for a SELECT) leaves the others to say
        chosen[kind] = named.pop() if named else None
    return chosen


def negotiate(accept: str | None, fmt: str | list[str] | None) -> dict[str, str | None]:
    """The format key for each kind of answer (select, ask, graph); None: nothing acceptable.

    ``?format=`` (or ``output=``, ``results=``; all the values given) wins over ``Accept``. A
    wildcard (or no header) means the default: SPARQL JSON, Turtle for graphs.
    """
    asked = requested_formats([fmt] if isinstance(fmt, str) else list(fmt or []))
    if asked is not None:
        return asked
    ranges = sorted(_ranges(accept or "*/*"))
    chosen: dict[str, str | None] = {}
    for kind, table in (("select", ACCEPT_SELECT), ("ask", ACCEPT_SELECT), ("graph", ACCEPT_GRAPH)):
        chosen[kind] = None
        for _, _, media in ranges:
            if media.endswith("/*"):
                chosen[kind] = DEFAULTS[kind]
                break
            key = table.get(media)
            if key and key in FORMAT_PARAM[kind].values():
                chosen[kind] = key
                break
    return chosen


# -- what a query may not do --------------------------------------------------------------------

# Tokens that can hide a keyword: strings (SPARQL grammar [156]-[159]), IRIs, comments, variables.
_HIDING = re.compile(r"""
    \"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\"
  | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
  | "(?:[^"\\\n\r]|\\.)*"
  | '(?:[^'\\\n\r]|\\.)*'
  | <[^<>"{}|^`\\\x00-\x20]*>
  | \#[^\n\r]*
  | [?$]\w+
""", re.X | re.S)
# A keyword, not part of a prefixed name (ex:service), blank node (_:load) or language tag.
_FORBIDDEN = re.compile(r"(?<![\w:@])(SERVICE|LOAD)(?![\w:])", re.I)


def forbidden_keyword(sparql: str) -> str | None:
    """``SERVICE`` or ``LOAD`` if the query or update uses that keyword, else None.

    Strings, IRIs, comments and variables are blanked first, so ``"load"`` or ``?service`` do not
    count; when unsure (a prefixed name like ``ex:a.service``) it errs on the side of refusing.

    >>> forbidden_keyword('SELECT * { SERVICE <http://x> { ?s ?p ?o } }')
    'SERVICE'
    >>> forbidden_keyword('SELECT ?service { ?s ?p "LOAD" } # service')
    """
    m = _FORBIDDEN.search(_HIDING.sub(" ", sparql))
    return m.group(1).upper() if m else None


# -- the worker processes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One query for a worker: the text, the formats negotiated, limits, the dataset."""

    query: str
    formats: dict[str, str | None]
    max_rows: int  # 0: no limit
    generation: int  # bumped by writes through this server: re-open the snapshot
    refresh: float
    default_graph: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def error(cls, status: int, message: str) -> Outcome:
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode())


def _worker_main(conn: Any, store_path: str) -> None:
    """Loop of one worker process: open a read-only snapshot, answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops us; ^C goes to it
    from dyad.store import Store

    store = None
    opened = 0.0
    generation = -1
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if store is None or job.generation != generation or time.monotonic() - opened > job.refresh:
                store = _snapshot(Store, store_path, store)
                opened, generation = time.monotonic(), job.generation
            try:
                outcome = execute(store, job)
            except (OSError, RuntimeError):
                # a long-lived snapshot can lose files the writer compacted away: once more, fresh
                store = _snapshot(Store, store_path, None)
                opened = time.monotonic()
                outcome = execute(store, job)
        except Exception as exc:  # noqa: BLE001 - the worker must answer, whatever happened
            store = None
            outcome = Outcome.error(500, f"internal error: {type(exc).__name__}: {exc}")
        try:
            conn.send(outcome)
        except (EOFError, OSError):
            return


def _snapshot(store_class: Any, path: str, current: Any) -> Any:
    """A fresh read-only snapshot. Opening can race with a writer that is opening or closing
    the store (RocksDB replaces its MANIFEST file then): retry briefly, else keep ``current``.
    Never recover the store here (``serve`` did once at start): that opens it for writing."""
    for attempt in range(10):
        try:
            return store_class(path, read_only=True, recover=False)
        except Exception:  # noqa: BLE001 - RocksDB reports the race as "Corruption"/IO errors
            if attempt == 9:
                if current is not None:
                    return current
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def execute(store: Any, job: Job) -> Outcome:
    """Run one query on a snapshot and serialise the answer (in the worker process)."""
    options: dict[str, Any] = {}
    if job.default_graph:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graph]
    else:
        options["use_default_graph_as_union"] = True
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        answer = store.raw_query(job.query, **options)
    except SyntaxError as exc:
        return Outcome.error(400, f"malformed query: {exc}")
    if isinstance(answer, ox.QueryBoolean):
        return _serialise_results(answer, "ask", job.formats["ask"])
    if isinstance(answer, ox.QuerySolutions):
        key = job.formats["select"]
        if key is None:
            return _not_acceptable("select")
        if not job.max_rows:
            return _serialise_results(answer, "select", key)
        variables = [v.value for v in answer.variables]
        rows = []
        for solution in answer:
            if len(rows) == job.max_rows:
                return _too_many(job.max_rows, "rows")
            rows.append({v: _json_term(solution[v]) for v in variables if solution[v] is not None})
        data = json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}).encode()
        return _serialise_results(ox.parse_query_results(data, ox.QueryResultsFormat.JSON), "select", key)
    key = job.formats["graph"]  # CONSTRUCT, DESCRIBE
    if (refused := _unservable("graph", key)) is not None:
        return refused
    triples = []
    for triple in answer:
        if job.max_rows and len(triples) == job.max_rows:
            return _too_many(job.max_rows, "triples")
        triples.append(triple)
    fmt, media = GRAPHS[key]
    from dyad.namespace import PREFIXES

    options = {"prefixes": PREFIXES} if key == "turtle" else {}
    return Outcome(200, media, ox.serialize(triples, format=fmt, **options))


_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS_IRI = "http://www.w3.org/ns/formats/"


def service_description(endpoint: str, key: str | None) -> Outcome:
    """What the endpoint URL answers without a query (SPARQL 1.1 Service Description, section 2):
    the query language, the result formats and the dataset's shape. Clients that look before they
    ask (Comunica) learn from it that this is a SPARQL endpoint."""
    if (refused := _unservable("graph", key)) is not None:
        return refused
    service = ox.NamedNode(endpoint)
    sd = lambda name: ox.NamedNode(_SD + name)  # noqa: E731 - a short local spelling
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [ox.Triple(service, rdf_type, sd("Service")),
               ox.Triple(service, sd("endpoint"), service),
               ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
               ox.Triple(service, sd("feature"), sd("UnionDefaultGraph"))]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(_FORMATS_IRI + name)))
    fmt, media = GRAPHS[key]
    return Outcome(200, media, ox.serialize(triples, format=fmt))


def _unservable(kind: str, key: str | None) -> Outcome | None:
    """The error for an answer of ``kind`` that ``key`` cannot serve (None: it can)."""
    if key is None:
        return _not_acceptable(kind)
    if key.startswith(CONFLICT):
        return Outcome.error(400, f"the format parameters ask for different formats: {key[len(CONFLICT):]}")
    return None


def _serialise_results(answer: Any, kind: str, key: str | None) -> Outcome:
    if (refused := _unservable(kind, key)) is not None:
        return refused
    fmt, media = RESULTS[key]
    return Outcome(200, media, answer.serialize(format=fmt))


def _not_acceptable(kind: str) -> Outcome:
    offered = {"select": "application/sparql-results+json, application/sparql-results+xml, "
                         "text/csv, text/tab-separated-values (?format=json|xml|csv|tsv); a graph "
                         "format (Turtle, N3, JSON-LD, RDF/XML) is for CONSTRUCT and DESCRIBE",
               "ask": "application/sparql-results+json, application/sparql-results+xml, text/csv, "
                      "text/tab-separated-values (?format=json|xml|csv|tsv); a graph format is for CONSTRUCT "
                      "and DESCRIBE",
               "graph": "text/turtle, application/n-triples, application/ld+json, application/rdf+xml "
                        "(?format=turtle|n3|ntriples|jsonld|rdfxml); a results format (JSON, XML, CSV, "
                        "TSV) is for SELECT and ASK"}[kind]
    what = {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT/DESCRIBE"}[kind]
    return Outcome.error(406, f"no acceptable format for a {what} answer; this server offers {offered}")


def _too_many(limit: int, what: str) -> Outcome:
    return Outcome.error(413, f"the answer has more than {limit} {what}, the server's limit "
                              "(--max-rows); narrow the query or add LIMIT/OFFSET to page through it")


def _json_term(term: Any) -> dict[str, Any]:
    """A term as SPARQL 1.1 JSON results write it."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {  # RDF-star
        "subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
        "object": _json_term(term.object)}}


@dataclass(eq=False)  # identity: workers go in a set
class _Worker:
    process: Any
    conn: Any


class QueryPool:
    """Worker processes that answer queries, each under a deadline.

    A worker that passes the deadline is killed (its CPU is freed at once) and replaced in the
    background; the other workers keep answering meanwhile.
    """

    def __init__(self, store_path: Path, size: int, timeout: float) -> None:
        self.store_path = str(store_path)
        self.size = size
        self.timeout = timeout
        self._ctx = multiprocessing.get_context("spawn")  # never fork a threaded server
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.closed = False
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main, args=(child, self.store_path),
                                    daemon=True, name="dyad-query-worker")
        process.start()
        child.close()
        if not parent.poll(120) or parent.recv() != "ready":
            process.kill()
            raise RuntimeError("a query worker did not start")
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def run(self, job: Job) -> Outcome:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return Outcome.error(503, f"all {self.size} query workers stayed busy for {self.timeout:g} s; "
                                      "try again later")
        try:
            worker.conn.send(job)
            if worker.conn.poll(self.timeout):
                outcome = worker.conn.recv()
                self._idle.put(worker)
                return outcome
        except (EOFError, OSError):
            self._replace(worker)
            return Outcome.error(500, "the query worker died; the query was not answered")
        self._replace(worker)
        return Outcome.error(503, f"query stopped: it ran longer than the server's time limit of "
                                  f"{self.timeout:g} s (--timeout); narrow it (a FILTER, a LIMIT, fewer "
                                  "joins) and try again")

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()  # SIGKILL: the only way to stop a query inside pyoxigraph
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            self._all.discard(worker)

        def refill() -> None:
            if self.closed:
                return
            try:
                self._idle.put(self._start())
            except Exception as exc:  # noqa: BLE001
                print(f"dyad serve: could not restart a query worker: {exc}", file=sys.stderr)

        threading.Thread(target=refill, daemon=True).start()

    def close(self) -> None:
        self.closed = True
        with self._lock:
            workers = list(self._all)
        for w in workers:
            w.process.kill()
            w.process.join(5)
