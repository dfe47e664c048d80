"""``dyad serve``: the store as a SPARQL 1.1 Protocol endpoint, a named-query API and a web page.

Endpoints (https://www.w3.org/TR/sparql11-protocol/, https://www.w3.org/TR/sparql11-http-rdf-update/):

- ``/sparql``: GET ``?query=``, POST form ``query=`` or an ``application/sparql-query`` body.
  Results by content negotiation (``Accept``, or ``?format=``): SPARQL JSON, XML, CSV, TSV for
  SELECT; JSON or XML for ASK; Turtle, N-Triples, JSON-LD or RDF/XML for CONSTRUCT and DESCRIBE.
  SPARQL Update (POST ``update=`` or ``application/sparql-update``) only with ``--token``.
- ``/store?graph=IRI``: Graph Store Protocol. GET reads a graph; PUT, POST and DELETE write
  one source graph through the same gate as ``dyad load`` (validated, one transaction) or
  withdraw it, only with ``--token``.
- ``/api/queries``: the named queries and their ``#+`` metadata; ``/api/query/NAME?param=…``
  runs one with its parameters bound as RDF terms; ``/api/event?iri=…``: one event, its
  reports and their evidence sentences.
- ``/``: the web page (``dyad/web/``).

How a query runs: in one of a pool of worker *processes*, each with its own read-only snapshot
of the store. pyoxigraph cannot interrupt a query from Python, and an abandoned thread keeps
its CPU; a process can be killed. A query that passes the time limit has its worker killed
(SIGKILL) and replaced, and the client gets 503 with a message. The row limit is counted in the
worker, which answers with an error instead of a truncated answer.

What a reader sees while ``dyad ingest`` writes: each worker re-opens its read-only snapshot when
it is older than ``--refresh`` seconds (and after a write through this server). A snapshot holds
whole transactions only, and each source is written in one transaction, so a query sees a
source completely or not at all; one query runs on one snapshot.

SERVICE and LOAD are refused (400): pyoxigraph's query engine *does* make HTTP requests for
SERVICE and LOAD by default (tests/test_serve.py shows it), and a public endpoint must not be
a proxy into the network it runs in.
"""

from __future__ import annotations

import gc
import hmac
import json
import multiprocessing
import queue
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import click
import pyoxigraph as ox

WEB = Path(__file__).resolve().parent / "web"
STATIC = {  # URL path -> (file in dyad/web, media type); nothing else is served from disk
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
}
MAX_BODY = 64 * 1024 * 1024

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
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/n-triples": "ntriples",
    "application/ld+json": "jsonld", "application/json": "jsonld", "application/rdf+xml": "rdfxml",
}
# ?format= keys, per kind of answer (json of a graph is JSON-LD, xml of a graph RDF/XML)
FORMAT_PARAM = {
    "select": {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"},
    "ask": {"json": "json", "xml": "xml"},
    "graph": {"turtle": "turtle", "ttl": "turtle", "ntriples": "ntriples", "nt": "ntriples",
              "jsonld": "jsonld", "json": "jsonld", "rdfxml": "rdfxml", "xml": "rdfxml"},
}
DEFAULTS = {"select": "json", "ask": "json", "graph": "turtle"}


def negotiate(accept: str | None, fmt: str | None) -> dict[str, str | None]:
    """The format key for each kind of answer (select, ask, graph); None: nothing acceptable.

    ``?format=`` wins over ``Accept``. A wildcard (or no header) means the default: SPARQL JSON,
    Turtle for graphs.
    """
    if fmt:
        key = fmt.strip().lower()
        return {kind: FORMAT_PARAM[kind].get(key) for kind in FORMAT_PARAM}
    ranges = []
    for i, part in enumerate((accept or "*/*").split(",")):
        media, *params = [x.strip() for x in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranges.append((-q, i, media.lower()))
    chosen: dict[str, str | None] = {}
    for kind, table in (("select", ACCEPT_SELECT), ("ask", ACCEPT_SELECT), ("graph", ACCEPT_GRAPH)):
        chosen[kind] = None
        for _, _, media in sorted(ranges):
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
    the store (RocksDB replaces its MANIFEST file then): retry briefly, else keep ``current``."""
    for attempt in range(10):
        try:
            return store_class(path, read_only=True)
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
    if key is None:
        return _not_acceptable("graph")
    triples = []
    for triple in answer:
        if job.max_rows and len(triples) == job.max_rows:
            return _too_many(job.max_rows, "triples")
        triples.append(triple)
    fmt, media = GRAPHS[key]
    from dyad.namespace import PREFIXES

    options = {"prefixes": PREFIXES} if key == "turtle" else {}
    return Outcome(200, media, ox.serialize(triples, format=fmt, **options))


def _serialise_results(answer: Any, kind: str, key: str | None) -> Outcome:
    if key is None:
        return _not_acceptable(kind)
    fmt, media = RESULTS[key]
    return Outcome(200, media, answer.serialize(format=fmt))


def _not_acceptable(kind: str) -> Outcome:
    offered = {"select": "application/sparql-results+json, application/sparql-results+xml, "
                         "text/csv, text/tab-separated-values (?format=json|xml|csv|tsv)",
               "ask": "application/sparql-results+json, application/sparql-results+xml (?format=json|xml)",
               "graph": "text/turtle, application/n-triples, application/ld+json, application/rdf+xml "
                        "(?format=turtle|ntriples|jsonld|rdfxml)"}[kind]
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


# -- named queries and events -------------------------------------------------------------------

_QUERY_PATH = re.compile(r"^/api/query/(?P<name>[^/]*)$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HTTP_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")

EVENT_QUERY = """\
PREFIX dy: <https://w3id.org/dyad/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?event ?type ?date ?status ?topic ?troops ?agents ?targets
       ?report ?report_status ?claimant ?source ?title ?publisher ?issued ?url ?quote ?begin ?end
WHERE {
  VALUES ?event { $EVENT }
  ?event a ?class . ?class rdfs:subClassOf+ dy:Event .
  BIND(STRAFTER(STR(?class), "#") AS ?type)
  OPTIONAL { ?event dy:date ?d }
  BIND(STR(?d) AS ?date)
  OPTIONAL { ?event dy:status ?st }
  BIND(LCASE(STRAFTER(STR(?st), "#")) AS ?status)
  OPTIONAL { ?event dy:topic ?topic }
  OPTIONAL { ?event dy:troops ?troops }
  OPTIONAL { SELECT ?event (GROUP_CONCAT(DISTINCT ?an; separator="; ") AS ?agents) WHERE {
    VALUES ?event { $EVENT } ?event dy:agent ?a . $NAME_OF_A } GROUP BY ?event }
  OPTIONAL { SELECT ?event (GROUP_CONCAT(DISTINCT ?an; separator="; ") AS ?targets) WHERE {
    VALUES ?event { $EVENT } ?event dy:target ?a . $NAME_OF_A } GROUP BY ?event }
  OPTIONAL {
    ?report dy:reportOf ?event ; dy:source ?source ; dy:status ?rs .
    BIND(LCASE(STRAFTER(STR(?rs), "#")) AS ?report_status)
    OPTIONAL { ?report dy:claimant ?c . OPTIONAL { ?c dy:code ?co } OPTIONAL { ?c dy:actsFor/dy:code ?cf } }
    BIND(COALESCE(?co, ?cf, STR(?c)) AS ?claimant)
    OPTIONAL { ?report dy:evidence ?ev . ?ev dy:quote ?quote .
               OPTIONAL { ?ev dy:beginIndex ?begin } OPTIONAL { ?ev dy:endIndex ?end } }
    OPTIONAL { ?source dcterms:title ?title }
    OPTIONAL { ?source dcterms:publisher ?publisher }
    OPTIONAL { ?source dcterms:issued ?issued }
    OPTIONAL { ?source schema:url ?url }
  }
}
ORDER BY ?issued ?report ?begin
"""
_NAME_OF_A = """OPTIONAL { ?a dy:code ?ao } OPTIONAL { ?a dy:actsFor/dy:code ?af }
    OPTIONAL { ?a rdfs:label ?al FILTER(LANG(?al) = "" || LANGMATCHES(LANG(?al), "en")) }
    BIND(IF(BOUND(?al) && ?al != COALESCE(?ao, ""), CONCAT(STR(?al), " (", COALESCE(?ao, ?af, "?"), ")"),
            COALESCE(?ao, ?af, STR(?a))) AS ?an)"""


def event_query(iri: str) -> str:
    """The event query with ``iri`` bound (as a term written by pyoxigraph, never pasted text)."""
    term = str(ox.NamedNode(iri))  # raises ValueError on a malformed IRI
    return EVENT_QUERY.replace("$NAME_OF_A", _NAME_OF_A).replace("$EVENT", term)


def query_catalogue() -> list[dict[str, Any]]:
    """The named queries with their #+ metadata, and the choices a form offers per kind."""
    from dyad import queries
    from dyad.namespace import EVENT_CLASSES, STATUSES

    choices = {
        "event-type": [str(c).rsplit("#", 1)[1] for c in EVENT_CLASSES],
        "status": [*STATUSES, "any"],
        "claim-status": [s for s in STATUSES if s != "reported"],
    }
    return [{
        "name": q.name, "summary": q.summary, "description": q.description,
        "columns": list(q.columns),
        "params": [{"name": p.name, "kind": p.kind, "required": p.required, "default": p.default,
                    "doc": p.doc, **({"choices": choices[p.kind]} if p.kind in choices else {})}
                   for p in q.params],
    } for q in queries.available()]


# -- the HTTP side ------------------------------------------------------------------------------


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


class DyadServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], *, store_path: Path, pool: QueryPool,
                 token: str | None, max_rows: int, refresh: float, quiet: bool = False) -> None:
        super().__init__(address, Handler)
        self.store_path = store_path
        self.pool = pool
        self.token = token
        self.max_rows = max_rows
        self.refresh = refresh
        self.quiet = quiet
        self.generation = 0
        self.write_lock = threading.Lock()

    def job(self, query: str, formats: dict[str, str | None], **extra: Any) -> Job:
        return Job(query, formats, self.max_rows, self.generation, self.refresh, **extra)


class Handler(BaseHTTPRequestHandler):
    server: DyadServer
    server_version = "dyad"
    protocol_version = "HTTP/1.1"

    # -- plumbing ---------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if not self.server.quiet:
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes, content_type: str,
              headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _outcome(self, outcome: Outcome) -> None:
        headers = (("Access-Control-Allow-Origin", "*"), *outcome.headers)
        self._send(outcome.status, outcome.body, outcome.content_type, headers)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _text(self, status: int, message: str) -> None:
        self._outcome(Outcome.error(status, message))

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding"):
                raise ApiError(411, "send a Content-Length (chunked bodies are not accepted)")
            return b""
        try:
            n = int(length)
        except ValueError:
            raise ApiError(400, "bad Content-Length") from None
        if n < 0 or n > MAX_BODY:
            raise ApiError(413, f"request body over {MAX_BODY} bytes")
        return self.rfile.read(n)

    def _media(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def _authorised(self) -> None:
        token = self.server.token
        if not token:
            raise ApiError(403, "this endpoint is read-only: updates and graph writes are refused "
                                "(start 'dyad serve --token TOKEN' and send 'Authorization: Bearer TOKEN')")
        given = self.headers.get("Authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            raise ApiError(403, "updates and graph writes need 'Authorization: Bearer TOKEN' with "
                                "the server's token")

    def _dispatch(self, routes: dict[str, Any]) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        params = parse_qs(url.query, keep_blank_values=True)
        try:
            for prefix, handler in routes.items():
                if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
                    handler(path, params)
                    return
            if self.command in ("GET", "HEAD") and path in STATIC:
                self._static(path)
                return
            raise ApiError(404, f"nothing at {path}; try /, /sparql, /api/queries")
        except ApiError as exc:
            self.close_connection = True  # an unread request body must not become the next request
            if path.startswith("/api/"):
                self._json(exc.status, {"error": exc.message, **exc.extra})
            else:
                self._text(exc.status, exc.message)
        except BrokenPipeError:
            pass

    # -- methods ----------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch({"/sparql": self._sparql_get, "/store": self._store_get,
                        "/api/queries": self._api_queries, "/api/query/": self._api_query,
                        "/api/event": self._api_event})

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch({"/sparql": self._sparql_post, "/store": self._store_write})

    def do_PUT(self) -> None:  # noqa: N802
        self._dispatch({"/store": self._store_write})

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch({"/store": self._store_write})

    # -- static files -----------------------------------------------------------------------

    def _static(self, path: str) -> None:
        name, media = STATIC[path]
        body = (WEB / name).read_bytes()
        self._send(200, body, media, (
            ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'"),))

    # -- SPARQL -----------------------------------------------------------------------------

    @staticmethod
    def _one(params: dict[str, list[str]], name: str) -> str | None:
        values = params.get(name)
        if not values:
            return None
        if len(values) > 1:
            raise ApiError(400, f"give '{name}' once")
        return values[0]

    def _sparql_get(self, path: str, params: dict[str, list[str]]) -> None:
        if "update" in params:
            raise ApiError(400, "SPARQL Update is sent with POST, not GET")
        query = self._one(params, "query")
        if query is None:
            raise ApiError(400, "give a SPARQL query: /sparql?query=… (or POST it)")
        self._query(query, params)

    def _sparql_post(self, path: str, params: dict[str, list[str]]) -> None:
        media = self._media()
        body = self._body()
        if media == "application/x-www-form-urlencoded":
            try:
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                raise ApiError(400, "the form is not UTF-8") from None
            merged = {**params, **form}
            if "query" in form and "update" in form:
                raise ApiError(400, "give either query= or update=, not both")
            if "update" in form:
                self._update(self._one(form, "update") or "")
                return
            query = self._one(form, "query")
            if query is None:
                raise ApiError(400, "the form has no query= (or update=) field")
            self._query(query, merged)
        elif media == "application/sparql-query":
            self._query(self._decode(body), params)
        elif media == "application/sparql-update":
            self._update(self._decode(body))
        else:
            raise ApiError(415, "POST a form (application/x-www-form-urlencoded with query= or update=), "
                                "application/sparql-query or application/sparql-update")

    @staticmethod
    def _decode(body: bytes) -> str:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(400, "the query is not UTF-8") from None

    def _query(self, query: str, params: dict[str, list[str]]) -> None:
        keyword = forbidden_keyword(query)
        if keyword:
            raise ApiError(400, f"{keyword} is not allowed on this server: it does not fetch from "
                                "other endpoints or URLs")
        graphs = {}
        for name, key in (("default-graph-uri", "default_graph"), ("named-graph-uri", "named_graphs")):
            iris = params.get(name, [])
            for iri in iris:
                try:
                    ox.NamedNode(iri)
                except ValueError as exc:
                    raise ApiError(400, f"{name}: {exc}") from None
            graphs[key] = tuple(iris)
        formats = negotiate(self.headers.get("Accept"), self._one(params, "format"))
        self._outcome(self.server.pool.run(self.server.job(query, formats, **graphs)))

    # -- writes -----------------------------------------------------------------------------

    def _update(self, update: str) -> None:
        from dyad.errors import StoreError

        self._authorised()
        keyword = forbidden_keyword(update)
        if keyword:
            raise ApiError(400, f"{keyword} is not allowed on this server: it does not fetch from "
                                "other endpoints or URLs")
        try:
            self._write(lambda store: store.raw_update(update))
        except SyntaxError as exc:
            raise ApiError(400, f"malformed update: {exc}") from None
        except StoreError as exc:
            raise ApiError(503, exc.message) from None
        self._send(204, b"", "text/plain; charset=utf-8")

    def _write(self, action: Any) -> Any:
        """Run ``action(store)`` on the store opened for writing, then close it (releasing the
        writer lock, so 'dyad ingest' can write again) before anyone else writes."""
        from dyad.errors import StoreError
        from dyad.store import Store

        server = self.server
        with server.write_lock:
            for attempt in range(20):  # our own previous writer may still be closing
                try:
                    store = Store(server.store_path)
                    break
                except StoreError as exc:
                    if attempt == 19:
                        raise ApiError(503, f"cannot write now: {exc.message}") from None
                    gc.collect()  # a handle caught in a reference cycle is closed only by the collector
                    time.sleep(0.1)
            error: BaseException | None = None
            result = None
            try:
                result = action(store)
                store.flush()
            except (ApiError, SyntaxError, StoreError) as exc:
                chained: BaseException | None = exc
                while chained is not None:  # their frames would keep the store open
                    chained.__traceback__ = None
                    chained = chained.__context__
                error = exc
            finally:
                del store  # the last reference: pyoxigraph closes the store
                gc.collect()  # and any handle a reference cycle kept
                server.generation += 1
        if error is not None:
            raise error
        return result

    def _graph_param(self, params: dict[str, list[str]]) -> str:
        if "default" in params:
            raise ApiError(400, "Dyad keeps every triple in a named graph; name one with ?graph=IRI")
        iri = self._one(params, "graph")
        if not iri or not _HTTP_IRI.match(iri):
            raise ApiError(400, "give the graph as ?graph=IRI (an http or https IRI)")
        return iri

    def _store_get(self, path: str, params: dict[str, list[str]]) -> None:
        iri = self._graph_param(params)
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(iri)} {{ ?s ?p ?o }} }}"
        formats = negotiate(self.headers.get("Accept"), self._one(params, "format"))
        self._outcome(self.server.pool.run(self.server.job(query, formats)))

    def _store_write(self, path: str, params: dict[str, list[str]]) -> None:
        """Graph Store Protocol writes, on source graphs, through the same gate as 'dyad load'."""
        self._authorised()
        iri = self._graph_param(params)
        from rdflib import Graph, URIRef

        from dyad import gate, parse
        from dyad.errors import DyadError, NotConformingError
        from dyad.namespace import ACTORS_GRAPH, DERIVED_GRAPH, ENTITIES_GRAPH, ONTOLOGY_GRAPH

        graph = URIRef(iri)
        if graph in (ACTORS_GRAPH, DERIVED_GRAPH, ENTITIES_GRAPH, ONTOLOGY_GRAPH):
            raise ApiError(400, f"{iri} is Dyad's own graph and is maintained by the store")
        if self.command == "DELETE":
            def withdraw(store: Any) -> None:
                if not store.has_graph(graph):
                    raise ApiError(404, f"no graph {iri}")
                store.withdraw(graph)

            self._write(withdraw)
            self._send(204, b"", "text/plain; charset=utf-8")
            return
        syntax = {"text/turtle": "turtle", "application/x-turtle": "turtle", "application/n-triples": "nt",
                  "application/rdf+xml": "xml", "application/ld+json": "json-ld"}.get(self._media())
        if syntax is None:
            raise ApiError(415, "send the graph as text/turtle, application/n-triples, "
                                "application/rdf+xml or application/ld+json")
        body = self._body()
        g = Graph()
        try:
            if syntax == "json-ld":
                from dyad.jsonld import parse_jsonld

                parse_jsonld(g, body, where=f"{self.command} {iri}")
            else:
                g.parse(data=body, format=syntax, publicID=iri)
        except DyadError as exc:
            raise ApiError(400, str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - rdflib raises many types for syntax errors
            raise ApiError(400, f"cannot parse the graph: {exc}") from None
        import hashlib

        origin = f"{self.command} {iri}"

        def admit(store: Any) -> tuple[bool, Any]:
            existed = store.has_graph(graph)
            try:
                if self.command == "POST":  # add to what the graph holds
                    for t in store.graph_triples(graph):
                        g.add(t)
                clean = parse.prepare(g, origin=origin, salt=hashlib.sha256(body).hexdigest())
                results = gate.admit(store, [parse.SourceGraph(graph, clean, origin)])
            except NotConformingError as exc:
                raise ApiError(400, f"the graph does not conform to Dyad's shapes; nothing was written\n{exc}") from None
            except DyadError as exc:
                raise ApiError(400, str(exc)) from None
            return existed, results[0]

        existed, r = self._write(admit)
        self._send(201 if not existed else 200, f"{iri}: +{r.added} -{r.removed} triples\n".encode(),
                   "text/plain; charset=utf-8")

    # -- the API for the web page -----------------------------------------------------------

    def _api_queries(self, path: str, params: dict[str, list[str]]) -> None:
        self._json(200, {"queries": query_catalogue()})

    def _api_query(self, path: str, params: dict[str, list[str]]) -> None:
        from dyad import queries
        from dyad.errors import UsageError

        name = _QUERY_PATH.match(path)
        known = {q.name: q for q in queries.available()}
        if not name or not _NAME.match(name["name"]) or name["name"] not in known:
            raise ApiError(404, f"no named query {path.rsplit('/', 1)[-1]!r}; known: {', '.join(sorted(known))}")
        q = known[name["name"]]
        values: dict[str, str] = {}
        declared = {p.name: p for p in q.params}
        for key, given in params.items():
            if key == "format":
                continue
            if key not in declared:
                raise ApiError(400, f"query {q.name} has no parameter {key!r}; it takes: "
                                    + (", ".join(declared) or "none"), param=key)
            if len(given) > 1:
                raise ApiError(400, f"give parameter {key!r} once", param=key)
            if given[0].strip() == "":
                continue  # an empty form field: not given
            try:
                queries.term_for(declared[key], given[0])
            except UsageError as exc:
                raise ApiError(400, exc.message.replace("--param ", "parameter "), param=key) from None
            values[key] = given[0]
        try:
            text = queries.bind(q, values)
        except UsageError as exc:
            missing = next((p.name for p in q.params if p.required and p.name not in values), None)
            raise ApiError(400, exc.message.replace("--param ", "parameter "), param=missing) from None
        fmt = self._one(params, "format") or "json"
        formats = negotiate(None, fmt)
        self._api_outcome(self.server.pool.run(self.server.job(text, formats)))

    def _api_event(self, path: str, params: dict[str, list[str]]) -> None:
        iri = self._one(params, "iri")
        if not iri or not _HTTP_IRI.match(iri):
            raise ApiError(400, "give the event as ?iri=IRI (an http or https IRI)", param="iri")
        try:
            text = event_query(iri)
        except ValueError as exc:
            raise ApiError(400, f"iri: {exc}", param="iri") from None
        outcome = self.server.pool.run(self.server.job(text, negotiate(None, "json")))
        if outcome.status != 200:
            self._api_outcome(outcome)
            return
        rows = json.loads(outcome.body)["results"]["bindings"]
        if not rows:
            raise ApiError(404, f"no event {iri}")
        value = lambda row, k: row[k]["value"] if k in row else None  # noqa: E731
        first = rows[0]
        event = {k: value(first, k) for k in ("event", "type", "date", "status", "topic", "troops", "agents", "targets")}
        reports: dict[str, dict[str, Any]] = {}
        for row in rows:
            rid = value(row, "report")
            if rid is None:
                continue
            rep = reports.setdefault(rid, {
                "report": rid, "status": value(row, "report_status"), "claimant": value(row, "claimant"),
                **{k: value(row, k) for k in ("source", "title", "publisher", "issued", "url")},
                "evidence": []})
            quote = value(row, "quote")
            if quote is not None and all(e["quote"] != quote for e in rep["evidence"]):
                rep["evidence"].append({"quote": quote, "begin": value(row, "begin"), "end": value(row, "end")})
        self._json(200, {**event, "reports": list(reports.values())})

    def _api_outcome(self, outcome: Outcome) -> None:
        if outcome.status == 200:
            self._outcome(outcome)
        else:
            self._json(outcome.status, {"error": outcome.body.decode("utf-8", "replace").strip()})


# -- the command --------------------------------------------------------------------------------


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port (0: any free port).")
@click.option("--store", "store_dir", type=click.Path(path_type=Path), envvar="DYAD_STORE", default=None,
              help="Store folder (default: $DYAD_STORE, else ~/.local/share/dyad/store).")
@click.option("--token", envvar="DYAD_SERVE_TOKEN", default=None,
              help="Accept SPARQL Update and Graph Store writes that carry 'Authorization: Bearer "
                   "TOKEN' (or set $DYAD_SERVE_TOKEN, which other users cannot read from 'ps'). "
                   "Without it the server is read-only.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run; its worker is then killed and the client gets 503.")
@click.option("--max-rows", default=10000, show_default=True, type=click.IntRange(min=0),
              help="Most rows (or triples) an answer may have; more is an error, never a silent "
                   "truncation. 0: no limit.")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Query worker processes (default: the number of CPUs, at most 8).")
@click.option("--refresh", default=1.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds after which a worker re-opens its snapshot, so new writes appear.")
@click.option("--quiet", is_flag=True, help="No access log on stderr.")
def serve(host: str, port: int, store_dir: Path | None, token: str | None, timeout: float,
          max_rows: int, workers: int | None, refresh: float, quiet: bool) -> None:
    """Serve the store: a SPARQL 1.1 endpoint at /sparql, named queries at /api, a web page at /.

    Read-only unless --token is given. Each query runs in a worker process with a read-only
    snapshot of the store, under --timeout and --max-rows; SERVICE and LOAD are refused.
    'dyad ingest' can keep writing meanwhile: a query sees each source whole or not at all.
    """
    import os

    from dyad.store import Store, default_path

    path = store_dir or default_path()
    Store(path, read_only=True)  # fails early, with the usual message, when there is no store
    size = workers or min(8, os.cpu_count() or 2)
    pool = QueryPool(path, size, timeout)
    try:
        server = DyadServer((host, port), store_path=path, pool=pool, token=token or None,
                            max_rows=max_rows, refresh=refresh, quiet=quiet)
    except OSError as exc:
        pool.close()
        from dyad.errors import UsageError

        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound_host, bound_port = server.server_address[:2]
    mode = "read-write with a token" if token else "read-only"
    click.echo(f"dyad serve: http://{bound_host}:{bound_port}/ (store {path}, {mode}, "
               f"{size} workers, timeout {timeout:g} s, max rows {max_rows or 'unlimited'})", err=True)
    sys.stderr.flush()

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        pool.close()
        click.echo("dyad serve: stopped", err=True)
