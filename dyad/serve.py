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
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import click
import pyoxigraph as ox

from dyad.queries import HTTP_IRI
from dyad.querypool import (
    FORMAT_NAMES,
    Job,
    Outcome,
    QueryPool,
    forbidden_keyword,
    negotiate,
    service_description,
)

WEB = Path(__file__).resolve().parent / "web"
STATIC = {  # URL path -> (file in dyad/web, media type); nothing else is served from disk
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
    # the map's country outlines (world-atlas, Natural Earth 1:110m; countries-110m.NOTICE.txt)
    "/static/countries-110m.json": ("countries-110m.json", "application/json"),
}
MAX_BODY = 64 * 1024 * 1024

# -- named queries and events -------------------------------------------------------------------

_QUERY_PATH = re.compile(r"^/api/query/(?P<name>[^/]*)$")
_HOST = re.compile(r"[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?")
_CONSTRUCT = re.compile(r"^\s*CONSTRUCT\b", re.M | re.I)
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")

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
        # a CONSTRUCT answers triples, not rows: the page shows and offers them as such
        "form": "construct" if _CONSTRUCT.search(q.text) else "select",
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
                 token: str | None, max_rows: int, refresh: float, quiet: bool = False,
                 counts: bool = True) -> None:
        super().__init__(address, Handler)
        self.counts = counts  # whether the named queries may read the count table (Store.keeps_counts)
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

    @staticmethod
    def _formats(params: dict[str, list[str]]) -> list[str]:
        """Every value of the format parameters, under any name clients use (format, output,
        results): SPARQLWrapper sends all three, some twice, as a key and as a media type."""
        return [v for name in FORMAT_NAMES for v in params.get(name, [])]

    def _sparql_get(self, path: str, params: dict[str, list[str]]) -> None:
        if "update" in params:
            raise ApiError(400, "SPARQL Update is sent with POST, not GET")
        query = self._one(params, "query")
        if query is None:  # the endpoint itself: its service description
            formats = negotiate(self.headers.get("Accept"), self._formats(params))
            host = self.headers.get("Host") or ""
            if not _HOST.fullmatch(host):  # the name the client used, when it is one
                host = f"{self.server.server_address[0]}:{self.server.server_address[1]}"
            self._outcome(service_description(f"http://{host}{path}", formats["graph"]))
            return
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
        formats = negotiate(self.headers.get("Accept"), self._formats(params))
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
                server.counts = store.keeps_counts()  # a write may have built the count table
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
        if not iri or not HTTP_IRI.match(iri):
            raise ApiError(400, "give the graph as ?graph=IRI (an http or https IRI)")
        return iri

    def _store_get(self, path: str, params: dict[str, list[str]]) -> None:
        iri = self._graph_param(params)
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(iri)} {{ ?s ?p ?o }} }}"
        formats = negotiate(self.headers.get("Accept"), self._formats(params))
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
                from dyad import gate

                if not store.has_graph(graph):
                    raise ApiError(404, f"no graph {iri}")
                gate.ensure_base(store)  # a store written by another version: its summaries first
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
            text = queries.bind(q, values, counts=self.server.counts)
        except UsageError as exc:
            missing = next((p.name for p in q.params if p.required and p.name not in values), None)
            raise ApiError(400, exc.message.replace("--param ", "parameter "), param=missing) from None
        fmt = self._one(params, "format") or "json"
        formats = negotiate(None, fmt)
        self._api_outcome(self.server.pool.run(self.server.job(text, formats)))

    def _api_event(self, path: str, params: dict[str, list[str]]) -> None:
        from dyad import queries
        from dyad.errors import UsageError

        iri = self._one(params, "iri")
        if not iri or not HTTP_IRI.match(iri):
            raise ApiError(400, "give the event as ?iri=IRI (an http or https IRI)", param="iri")
        try:  # queries/event.rq, the IRI bound as an RDF term
            text = queries.bind(queries.load("event"), {"event": iri})
        except UsageError as exc:
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
        event = {k: value(first, k) for k in ("event", "type", "date", "status", "topic", "troops", "agents", "targets", "place")}
        reports: dict[str, dict[str, Any]] = {}
        for row in rows:
            rid = value(row, "report")
            if rid is None:
                continue
            rep = reports.setdefault(rid, {
                "report": rid, "status": value(row, "report_status"), "claimant": value(row, "claimant"),
                **{k: value(row, k) for k in ("source", "title", "publisher", "issued", "url", "coder")},
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
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
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
    # fails early, with the usual message, when there is no store; a store written before the
    # count table is read without it until a write through this server builds it (or a restart)
    counts = Store(path, read_only=True).keeps_counts()
    size = workers or min(8, os.cpu_count() or 2)
    pool = QueryPool(path, size, timeout)
    try:
        server = DyadServer((host, port), store_path=path, pool=pool, token=token or None, counts=counts,
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
