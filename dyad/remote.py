"""Remote triple stores: where a store answers, and the named queries run against it.

Protocols (W3C):
- SPARQL 1.1 Protocol, https://www.w3.org/TR/sparql11-protocol/ (queries, updates);
- SPARQL 1.1 Graph Store HTTP Protocol, https://www.w3.org/TR/sparql11-http-rdf-update/ (GSP:
  ``PUT ?graph=IRI`` replaces one named graph, ``POST`` adds to it).

Each store names those services differently. :func:`endpoints` derives them from the URL the user
gives (``--endpoint``, the SPARQL query URL or the store's base URL) and a preset
(:class:`StoreType`); ``--gsp`` and ``--update`` override what the preset derives:

==========  ==============================  ====================================  =====================================
store       query (``--endpoint``)          update                                graph store (GSP)
==========  ==============================  ====================================  =====================================
oxigraph    http://HOST:7878/query          /update                               /store
virtuoso    http://HOST:8890/sparql         /sparql-auth (digest)                 /sparql-graph-crud-auth (digest)
fuseki      http://HOST:3030/DS/sparql      /DS/update                            /DS/data
graphdb     http://HOST:7200/repositories/R /repositories/R/statements            /repositories/R/rdf-graphs/service
generic     the URL as given                ``--update`` (else the query URL)     ``--gsp`` (else none: SPARQL Update)
==========  ==============================  ====================================  =====================================

Remote queries never return a silently partial answer: Virtuoso cuts every result at its
``ResultSetMaxRows`` (10,000 in the stock configuration) and says so only in an
``X-SPARQL-MaxRows`` header, other stores may cap without saying. :func:`query_remote` pages a
query that has an ``ORDER BY`` (LIMIT/OFFSET, shrinking the page to the cap it meets, and probing
one row past a short page) and refuses, with :class:`RemoteError`, a capped answer it cannot page.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pyoxigraph as ox

from dyad import queries
from dyad.errors import RemoteError, UsageError

PAGE_SIZE = 10_000
TIMEOUT = 300.0
RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
}


class StoreType(str, Enum):
    """Presets for the URLs of a store's services."""

    OXIGRAPH = "oxigraph"
    VIRTUOSO = "virtuoso"
    FUSEKI = "fuseki"
    GRAPHDB = "graphdb"
    GENERIC = "generic"


@dataclass(frozen=True)
class Endpoints:
    """The URLs of one store: SPARQL query, SPARQL Update, Graph Store Protocol (None: none)."""

    query: str
    update: str | None
    gsp: str | None


# The suffixes a user may give on the query URL, stripped to find the store's base URL.
_QUERY_SUFFIXES = {
    StoreType.OXIGRAPH: ("/query", "/sparql"),
    StoreType.VIRTUOSO: ("/sparql-auth", "/sparql"),
    StoreType.FUSEKI: ("/sparql", "/query"),
    StoreType.GRAPHDB: (),
}


def endpoints(url: str, store_type: StoreType = StoreType.GENERIC, *, gsp: str | None = None,
              update: str | None = None, authenticated: bool = False) -> Endpoints:
    """The service URLs of a store, from its query or base URL and a preset.

    ``authenticated`` picks Virtuoso's ``-auth`` services (digest authentication), the only
    ones a stock Virtuoso lets write.

    >>> endpoints("http://localhost:7878", StoreType.OXIGRAPH)
    Endpoints(query='http://localhost:7878/query', update='http://localhost:7878/update', gsp='http://localhost:7878/store')
    >>> endpoints("http://h:8890/sparql", StoreType.VIRTUOSO, authenticated=True).gsp
    'http://h:8890/sparql-graph-crud-auth'
    >>> endpoints("http://h:3030/dyad/sparql", StoreType.FUSEKI).gsp
    'http://h:3030/dyad/data'
    >>> endpoints("http://h:7200/repositories/dyad", StoreType.GRAPHDB).update
    'http://h:7200/repositories/dyad/statements'
    """
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in url:
        raise UsageError(f"--endpoint {url!r}: expected an http(s) URL")
    if store_type == StoreType.GENERIC:
        return Endpoints(query=url, update=update or url, gsp=gsp)
    base = url.rstrip("/")
    for suffix in _QUERY_SUFFIXES[store_type]:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    if store_type == StoreType.OXIGRAPH:
        derived = Endpoints(f"{base}/query", f"{base}/update", f"{base}/store")
    elif store_type == StoreType.VIRTUOSO:
        auth = "-auth" if authenticated else ""
        derived = Endpoints(f"{base}/sparql", f"{base}/sparql{auth}", f"{base}/sparql-graph-crud{auth}")
    elif store_type == StoreType.FUSEKI:
        derived = Endpoints(f"{base}/sparql", f"{base}/update", f"{base}/data")
    else:  # GraphDB (RDF4J REST API): the repository URL is the query endpoint
        if "/repositories/" not in base:
            raise UsageError(f"--endpoint {url!r}: a GraphDB endpoint is http://HOST:7200/repositories/NAME")
        derived = Endpoints(base, f"{base}/statements", f"{base}/rdf-graphs/service")
    return Endpoints(derived.query, update or derived.update, gsp or derived.gsp)


# -- HTTP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """HTTP credentials: user and password (Basic or Digest, whichever the server asks), or a token."""

    user: str | None = None
    password: str | None = None
    token: str | None = None


class Http:
    """A small HTTP client on the standard library: Basic and Digest auth, bearer tokens."""

    def __init__(self, credentials: Credentials | None = None, *, timeout: float = TIMEOUT) -> None:
        self.timeout = timeout
        self.credentials = credentials or Credentials()
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        handlers: list[urllib.request.BaseHandler] = []
        if self.credentials.user is not None:
            handlers += [urllib.request.HTTPDigestAuthHandler(self._passwords),
                         urllib.request.HTTPBasicAuthHandler(self._passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def send(self, method: str, url: str, *, data: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """Send one request; returns status, headers and body, also for HTTP error statuses.

        Connection failures raise :class:`RemoteError` naming the URL.
        """
        all_headers = dict(headers or {})
        if self.credentials.token:
            all_headers["Authorization"] = f"Bearer {self.credentials.token}"
        if self.credentials.user is not None:  # for whichever scheme the server asks
            parts = urllib.parse.urlsplit(url)
            self._passwords.add_password(None, f"{parts.scheme}://{parts.netloc}/",
                                         self.credentials.user, self.credentials.password or "")
        request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, dict(response.headers.items()), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers.items()) if exc.headers else {}, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            error = RemoteError(f"cannot reach {url}: {reason}; is the store running?")
            # the server hung up while we were still sending: it answered (often a 401 challenge
            # for Digest auth) before reading a large body; a smaller one gets through
            error.cut_off = isinstance(reason, (BrokenPipeError, ConnectionResetError))
            raise error from None
        except ValueError as exc:  # urllib: an authentication scheme it does not speak
            raise RemoteError(f"{url}: {exc}") from None


def http_error(url: str, status: int, body: bytes) -> RemoteError:
    """A one-line error for a failed request, with the server's first line of explanation."""
    text = " ".join(body.decode("utf-8", "replace").split())[:300]
    hint = {401: "; give --user/--password or --token", 403: "; the store refuses this account (give --user/--password of one that may write)"}.get(status, "")
    return RemoteError(f"{url} answered HTTP {status}{': ' + text if text else ''}{hint}")


# -- queries ----------------------------------------------------------------------------------

_COMMENT = re.compile(r"#[^\n]*")
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_SLICE = re.compile(r"\b(LIMIT|OFFSET)\s+\d+\s*$", re.IGNORECASE)


@dataclass
class _Page:
    variables: list[str]
    bindings: list[dict[str, Any]]
    cap: int | None        # the row cap the server says it applied (Virtuoso's X-SPARQL-MaxRows)


def query_remote(endpoint: str, q: queries.NamedQuery, values: dict[str, str], fmt: str, *,
                 page_size: int = PAGE_SIZE) -> str:
    """Run a named query on a remote SPARQL endpoint; the answer in ``fmt`` as text.

    ``fmt`` is ``table`` (as ``dyad query`` prints for the local store) or a SPARQL 1.1 results
    format: ``csv``, ``tsv``, ``json``, ``xml``. Parameters are bound exactly as for the local
    store (:func:`dyad.queries.bind`). The query's default graph must be the union of the
    store's graphs (Virtuoso: by default; Oxigraph server: ``--union-default-graph``).

    Raises :class:`RemoteError` when the endpoint fails or would give a partial answer.
    """
    if fmt != "table" and fmt not in RESULT_FORMATS:
        raise UsageError(f"--format {fmt!r}: expected table, " + ", ".join(RESULT_FORMATS))
    parsed = urllib.parse.urlsplit(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in endpoint:
        raise UsageError(f"--endpoint {endpoint!r}: expected an http(s) URL")
    text = queries.bind(q, values, counts=q.counts is not None and _keeps_counts(endpoint))
    variables, bindings = select_all(endpoint, text, page_size=page_size)
    document = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}})
    answer = ox.parse_query_results(document.encode(), ox.QueryResultsFormat.JSON)
    if not isinstance(answer, ox.QuerySolutions):
        raise RemoteError(f"{endpoint} did not answer query {q.name} with solutions")
    if fmt == "table":
        return queries.table(answer) + "\n"
    return answer.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")


def _keeps_counts(endpoint: str) -> bool:
    """Whether the endpoint holds the store's count table (dyad/summary.py): one pushed by an
    earlier Dyad does not, and its dyads are read from the events instead of from empty buckets."""
    from dyad.namespace import DY

    probe = f"SELECT ?n WHERE {{ ?cell <{DY.eventCount}> ?n }} LIMIT 1"
    return bool(select_all(endpoint, probe)[1])


def select_all(endpoint: str, text: str, *, page_size: int = PAGE_SIZE) -> tuple[list[str], list[dict[str, Any]]]:
    """Every solution of a SELECT query, paged when it has an ORDER BY; SPARQL JSON bindings.

    A page shorter than asked is the last one only if a probe one row further finds nothing:
    a store that caps results without saying so is caught by the probe, and the page size drops
    to the cap. A capped answer that cannot be paged (no ORDER BY, or its own LIMIT) raises.
    """
    if page_size < 1:
        raise UsageError("page size must be at least 1")
    code = _COMMENT.sub("", text)
    if not _ORDER_BY.search(code) or _SLICE.search(code.rstrip()):
        page = _fetch(endpoint, text)
        if page.cap is not None and len(page.bindings) >= page.cap:
            raise RemoteError(
                f"{endpoint} cut the answer at {page.cap} rows (its result limit) and the query "
                "cannot be paged: it needs an ORDER BY and no LIMIT/OFFSET of its own")
        return page.variables, page.bindings
    rows: list[dict[str, Any]] = []
    size = page_size
    while True:
        try:
            page = _fetch(endpoint, _slice(text, size, len(rows)))
        except RemoteError as exc:
            if "SR353" in str(exc):  # Virtuoso sorts at most MaxSortedTopRows rows for a page
                raise RemoteError(
                    f"{endpoint} cannot page past row {len(rows)}: Virtuoso's MaxSortedTopRows "
                    "([Parameters] in virtuoso.ini) is lower than the answer; raise it") from None
            raise
        rows += page.bindings
        if page.cap is not None and page.cap < size:
            size = page.cap  # the server said it cut the page: continue at its size
            continue
        if len(page.bindings) == size:
            continue
        if not page.bindings:
            return page.variables, rows
        probe = _fetch(endpoint, _slice(text, 1, len(rows)))
        if not probe.bindings:
            return page.variables, rows
        size = len(page.bindings)  # a silent cap: the server returned less than asked, and more exists


def _slice(text: str, limit: int, offset: int) -> str:
    """The query with LIMIT/OFFSET appended (solution modifiers Dyad writes, never user text)."""
    return f"{text.rstrip()}\nLIMIT {int(limit)}\nOFFSET {int(offset)}\n"


def _fetch(endpoint: str, text: str) -> _Page:
    """One SELECT over SPARQLWrapper (POST, SPARQL JSON results)."""
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(int(TIMEOUT))
    try:
        result = client.query()
        headers = {k.lower(): v for k, v in result.response.headers.items()}
        body = result.response.read()
    except SPARQLWrapperException as exc:
        message = " ".join(str(exc).replace("Response:\nb'", "").replace("\\n", " ").split())[:400]
        raise RemoteError(f"{endpoint}: {message}") from None
    except urllib.error.HTTPError as exc:
        raise http_error(endpoint, exc.code, exc.read()) from None
    except (urllib.error.URLError, OSError) as exc:
        raise RemoteError(f"cannot reach {endpoint}: {getattr(exc, 'reason', exc)}; is the store running?") from None
    try:
        doc = json.loads(body)
        variables = list(doc["head"]["vars"])
        bindings = list(doc["results"]["bindings"])
    except (ValueError, KeyError, TypeError):
        raise RemoteError(f"{endpoint} did not answer with SPARQL JSON results: {body[:200]!r}") from None
    cap = headers.get("x-sparql-maxrows")
    return _Page(variables, [_normalise(b) for b in bindings], int(cap) if cap and cap.isdigit() else None)


def _normalise(binding: dict[str, Any]) -> dict[str, Any]:
    """SPARQL JSON terms as the standard says: Virtuoso still writes ``typed-literal``."""
    out = {}
    for name, term in binding.items():
        term = dict(term)
        if term.get("type") == "typed-literal":
            term["type"] = "literal"
        if term.get("type") == "literal" and term.get("datatype") == "http://www.w3.org/2001/XMLSchema#string":
            del term["datatype"]
        out[name] = term
    return out


__all__ = ["Credentials", "Endpoints", "Http", "StoreType", "endpoints", "http_error", "query_remote", "select_all"]
