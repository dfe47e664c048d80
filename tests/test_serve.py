"""``dyad serve``: the SPARQL 1.1 Protocol endpoint, its limits, the named-query API, the web page.

Every test talks to the real server, started as a child process on a free loopback port with a
store loaded by ``dyad load`` from data/samples/seed-events.ttl (2,950 quads with the ontology
and the actor registry).
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from conftest import ROOT, SAMPLE, SEED_TEXT, run_dyad

pytestmark = pytest.mark.server

SUMMONS = "https://w3id.org/dyad/id/event/sample-summons"
SOURCE = "https://w3id.org/dyad/id/article/sample-id-2024-10-24"
QUOTE = "Kementerian Luar Negeri Korea Selatan memanggil duta besar Rusia di Seoul pada hari Senin"
SUMMONS_QUERY = "PREFIX dy: <https://w3id.org/dyad/ontology#> SELECT ?e WHERE { ?e a dy:Summons }"
# 2,950^3 combinations: minutes of work for any engine, and pyoxigraph cannot be interrupted.
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("serve") / "store"
    ran = run_dyad("load", str(SAMPLE), store=store)
    assert ran.code == 0, ran.err
    return store


@contextlib.contextmanager
def serving(store: Path, *options: str, log: Path):
    """Run 'dyad serve --port 0' on ``store``; yield its base URL; stop it with SIGTERM."""
    env = {**os.environ}
    env.pop("DYAD_STORE", None)
    env.pop("DYAD_SERVE_TOKEN", None)
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dyad", "serve", "--store", str(store), "--port", "0", "--quiet", *options],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 90
        url = None
        while url is None:
            text = log.read_text(errors="replace")
            for line in text.splitlines():
                if line.startswith("dyad serve: http://"):
                    url = line.split()[2].rstrip("/")
            if url is None:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"dyad serve did not start:\n{text}")
                time.sleep(0.05)
        yield Server(url, proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> object:
        return json.loads(self.body)

    @property
    def media(self) -> str:
        return self.headers.get("content-type", "").split(";")[0]


class Server:
    def __init__(self, url: str, proc: subprocess.Popen) -> None:
        self.url, self.proc = url, proc
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: dict[str, str] | None = None, timeout: float = 60) -> Response:
        """One request on a new connection; the path is sent exactly as given."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            if isinstance(body, str):
                body = body.encode("utf-8")
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def get(self, path: str, **params: str) -> Response:
        headers = params.pop("headers", None)  # type: ignore[arg-type]
        return self.request("GET", path + ("?" + urlencode(params) if params else ""), headers=headers)

    def sparql(self, query: str, accept: str | None = None, **extra: str) -> Response:
        return self.get("/sparql", query=query, **extra, headers={"Accept": accept} if accept else {})

    def children(self) -> set[int]:
        """Process ids of the server's query workers (not multiprocessing's resource tracker)."""
        out: set[int] = set()
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            with contextlib.suppress(OSError):
                out |= {int(p) for p in (task / "children").read_text().split()}
        workers = set()
        for pid in out:
            with contextlib.suppress(OSError):
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    workers.add(pid)
        return workers


@pytest.fixture(scope="module")
def server(seed_store: Path, tmp_path_factory: pytest.TempPathFactory):
    with serving(seed_store, "--timeout", "10", log=tmp_path_factory.mktemp("log") / "serve.log") as s:
        yield s


@pytest.fixture
def writable(seed_store: Path, tmp_path: Path):
    """A server with a token, on its own copy of the store."""
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    with serving(store, "--token", "s3cret", log=tmp_path / "serve.log") as s:
        yield s


def bindings(r: Response) -> list[dict]:
    assert r.status == 200, r.text
    return r.json()["results"]["bindings"]  # type: ignore[index]


# -- the SPARQL protocol ------------------------------------------------------------------------


def test_get_and_post_give_the_same_answer(server: Server) -> None:
    got = bindings(server.sparql(SUMMONS_QUERY))
    assert [b["e"]["value"] for b in got] == [SUMMONS]
    form = server.request("POST", "/sparql", urlencode({"query": SUMMONS_QUERY}),
                          {"Content-Type": "application/x-www-form-urlencoded"})
    body = server.request("POST", "/sparql", SUMMONS_QUERY, {"Content-Type": "application/sparql-query"})
    assert bindings(form) == bindings(body) == got
    wrong = server.request("POST", "/sparql", SUMMONS_QUERY, {"Content-Type": "text/plain"})
    assert wrong.status == 415


@pytest.mark.parametrize(("accept", "fmt", "media"), [
    ("application/sparql-results+json", None, "application/sparql-results+json"),
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    ("text/csv", None, "text/csv"),
    ("text/tab-separated-values", None, "text/tab-separated-values"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", None, "application/sparql-results+json"),  # a browser
    ("text/csv;q=0.5, application/sparql-results+xml", None, "application/sparql-results+xml"),
    (None, "csv", "text/csv"),
    ("application/sparql-results+json", "tsv", "text/tab-separated-values"),  # ?format= wins
    # q=0 is "not acceptable" (RFC 9110), in the header and in a format value alike
    ("text/csv;q=0, application/sparql-results+xml", None, "application/sparql-results+xml"),
    (None, "text/csv;q=0,text/tab-separated-values", "text/tab-separated-values"),
    (None, "text/csv;q=0.2,text/tab-separated-values;q=0.9", "text/tab-separated-values"),
])
def test_select_results_formats(server: Server, accept: str | None, fmt: str | None, media: str) -> None:
    r = server.sparql(SUMMONS_QUERY, accept, **({"format": fmt} if fmt else {}))
    assert r.status == 200, r.text
    assert r.media == media
    if media.endswith("json"):
        assert r.json()["results"]["bindings"][0]["e"]["value"] == SUMMONS  # type: ignore[index]
    elif media.endswith("xml"):
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        assert ET.fromstring(r.body).find(".//r:binding[@name='e']/r:uri", ns).text == SUMMONS  # type: ignore[union-attr]
    elif media == "text/csv":
        assert r.text.splitlines() == ["e", SUMMONS]
    else:
        assert r.text.splitlines() == ["?e", f"<{SUMMONS}>"]


def test_ask_as_json_and_xml(server: Server) -> None:
    ask = f"ASK {{ <{SUMMONS}> ?p ?o }}"
    assert server.sparql(ask).json() == {"head": {}, "boolean": True}
    xml = server.sparql(ask, "application/sparql-results+xml")
    assert xml.status == 200 and b"<boolean>true</boolean>" in xml.body
    csv = server.sparql(ask, "text/csv")  # CSV defines no boolean: "true", as Oxigraph and Jena answer
    assert csv.status == 200 and csv.text.strip() == "true"
    refused = server.sparql(ask, "text/turtle")
    assert refused.status == 406 and "a graph format is for CONSTRUCT" in refused.text


# the format parameters clients send: (parameters, Accept, status, media type or message part)
FORMAT_PARAMS = [
    ({"format": "tsv", "output": "tsv", "results": "text/tab-separated-values"}, None, 200, "text/tab-separated-values"),
    ({"output": "xml"}, None, 200, "application/sparql-results+xml"),
    ({"results": "csv"}, "application/sparql-results+json", 200, "text/csv"),
    ({"format": "application/sparql-results+json"}, None, 200, "application/sparql-results+json"),
    ({"format": "json", "output": "xml"}, None, 400, "ask for different formats"),
    # they agree on what a SELECT can be (text/turtle is no results format): the SELECT is JSON
    ({"format": "json", "output": "text/turtle"}, None, 200, "application/sparql-results+json"),
    ({"format": "turtle"}, None, 406, "is for CONSTRUCT and DESCRIBE"),
    ({"format": "no-such-format"}, None, 406, "this server offers"),
]


@pytest.mark.parametrize(("params", "accept", "status", "expect"), FORMAT_PARAMS)
def test_format_parameters(server: Server, params: dict, accept: str | None, status: int, expect: str) -> None:
    r = server.sparql(SUMMONS_QUERY, accept, **params)
    assert r.status == status, r.text
    assert (r.media == expect) if status == 200 else (expect in r.text)


def test_repeated_format_values_that_agree(server: Server) -> None:
    query = quote(f"CONSTRUCT {{ <{SUMMONS}> ?p ?o }} WHERE {{ <{SUMMONS}> ?p ?o }}")
    r = server.request("GET", f"/sparql?query={query}&format=json-ld&format=application%2Fld%2Bjson%2Capplication%2Fx-json%2Bld")
    assert r.status == 200 and r.media == "application/ld+json"
    n3 = server.sparql(f"CONSTRUCT {{ <{SUMMONS}> ?p ?o }} WHERE {{ <{SUMMONS}> ?p ?o }}", "text/n3")
    assert n3.status == 200 and len(Graph().parse(data=n3.body, format="n3")) > 5  # Turtle is N3


def test_endpoint_without_a_query_describes_itself(server: Server) -> None:
    r = server.get("/sparql")
    assert r.status == 200 and r.media == "text/turtle"
    g = Graph().parse(data=r.body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (URIRef(server.url + "/sparql"), URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
    assert server.get("/sparql", headers={"Accept": "application/sparql-results+json"}).status == 406


@pytest.mark.parametrize(("accept", "syntax"), [
    ("text/turtle", "turtle"), (None, "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
])
def test_construct_parses_with_rdflib(server: Server, accept: str | None, syntax: str) -> None:
    r = server.sparql(f"CONSTRUCT {{ <{SUMMONS}> ?p ?o }} WHERE {{ <{SUMMONS}> ?p ?o }}", accept)
    assert r.status == 200, r.text
    g = Graph().parse(data=r.body, format=syntax)
    assert (URIRef(SUMMONS), URIRef("https://w3id.org/dyad/ontology#agent"),
            URIRef("https://w3id.org/dyad/id/org/KOR-mofa")) in g
    if syntax == "turtle":
        assert r.media == "text/turtle" and "@prefix dy:" in r.text  # readable: Dyad's prefixes


def test_describe_is_turtle(server: Server) -> None:
    r = server.sparql(f"DESCRIBE <{SUMMONS}>")
    assert r.media == "text/turtle" and len(Graph().parse(data=r.body, format="turtle")) > 5


def test_malformed_query_gets_400_with_the_parsers_message(server: Server) -> None:
    r = server.sparql("SELECT ?x WHERE { ?x ?y }")
    assert r.status == 400
    assert r.text.startswith("malformed query: error at 1:") and "expected" in r.text


def test_graph_store_get(server: Server) -> None:
    r = server.get("/store", graph=SOURCE)
    assert r.status == 200 and r.media == "text/turtle"
    assert len(Graph().parse(data=r.body, format="turtle")) > 20
    assert server.get("/store").status == 400


# -- read-only unless a token is given ----------------------------------------------------------

INSERT = 'INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/s> <https://example.org/p> "o" } }'
PROBE = 'ASK { <https://example.org/s> <https://example.org/p> "o" }'


def _update_requests(server: Server, headers: dict[str, str]) -> list[Response]:
    return [
        server.request("POST", "/sparql", urlencode({"update": INSERT}),
                       {"Content-Type": "application/x-www-form-urlencoded", **headers}),
        server.request("POST", "/sparql", INSERT, {"Content-Type": "application/sparql-update", **headers}),
    ]


def test_update_and_graph_writes_refused_without_token(server: Server) -> None:
    for r in _update_requests(server, {"Authorization": "Bearer anything"}):
        assert r.status == 403 and "read-only" in r.text
    put = server.request("PUT", f"/store?graph={quote(SOURCE, safe='')}", SAMPLE.read_bytes(),
                         {"Content-Type": "text/turtle"})
    assert put.status == 403
    delete = server.request("DELETE", f"/store?graph={quote(SOURCE, safe='')}")
    assert delete.status == 403
    assert server.sparql(PROBE).json()["boolean"] is False  # type: ignore[index]
    assert bindings(server.sparql(SUMMONS_QUERY))  # still there


def test_update_with_token(writable: Server) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
        for r in _update_requests(writable, headers):
            assert r.status == 403, r.text
    assert writable.sparql(PROBE).json()["boolean"] is False  # type: ignore[index]
    form, body = _update_requests(writable, {"Authorization": "Bearer s3cret"})
    assert form.status == 204 and body.status == 204
    assert writable.sparql(PROBE).json()["boolean"] is True  # type: ignore[index]
    bad = writable.request("POST", "/sparql", "INSERT DATA {", {
        "Content-Type": "application/sparql-update", "Authorization": "Bearer s3cret"})
    assert bad.status == 400 and "malformed update" in bad.text


def test_graph_store_put_and_delete_with_token(writable: Server) -> None:
    target = f"/store?graph={quote(SOURCE, safe='')}"
    auth = {"Authorization": "Bearer s3cret"}
    changed = SAMPLE.read_text().replace('dcterms:creator "Yati Maulana"', 'dcterms:creator "Y. Maulana"')
    assert writable.request("PUT", target, changed, {"Content-Type": "text/turtle"}).status == 403
    r = writable.request("PUT", target, changed, {"Content-Type": "text/turtle", **auth})
    assert r.status == 200, r.text
    got = writable.sparql(f'ASK {{ <{SOURCE}> <http://purl.org/dc/terms/creator> "Y. Maulana" }}')
    assert got.json()["boolean"] is True  # type: ignore[index]
    # through the gate: a graph that does not conform is refused whole
    broken = changed.replace("dy:agent organization:KOR-mofa ;", "")
    r = writable.request("PUT", target, broken, {"Content-Type": "text/turtle", **auth})
    assert r.status == 400 and "does not conform" in r.text, r.text
    assert bindings(writable.sparql(SUMMONS_QUERY))
    own = writable.request("PUT", "/store?graph=" + quote("https://w3id.org/dyad/graph/derived", safe=""),
                           changed, {"Content-Type": "text/turtle", **auth})
    assert own.status == 400
    r = writable.request("DELETE", target, headers=auth)
    assert r.status == 204, r.text
    assert bindings(writable.sparql(SUMMONS_QUERY)) == []  # its events went with it
    assert writable.request("DELETE", target, headers=auth).status == 404


# -- no federation, no LOAD ---------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self.seen.append(self.path)
        self.send_response(500)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener():
    _Recorder.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql", _Recorder.seen
    httpd.shutdown()


def test_pyoxigraph_would_call_service_endpoints(listener) -> None:
    """Why the server refuses SERVICE: pyoxigraph itself makes the HTTP request."""
    url, seen = listener
    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"))
    assert seen, "pyoxigraph no longer calls SERVICE endpoints by itself; the guard stays anyway"


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "select * where { service silent <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z .SERVICE<{url}>{ ?s ?p ?o } }",
    "PREFIX e: <{url}#> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } } # SERVICE",
])
def test_service_refused(server: Server, listener, query: str) -> None:
    url, seen = listener
    r = server.sparql(query.replace("{url}", url))
    assert r.status == 400 and "SERVICE is not allowed" in r.text
    assert seen == []


def test_keywords_in_strings_and_names_are_not_refused(server: Server) -> None:
    q = ('PREFIX service: <https://example.org/> SELECT ?load WHERE { BIND("SERVICE <x> {} LOAD" AS ?load) '
         "FILTER(?load != service:load) } # LOAD")
    assert bindings(server.sparql(q))[0]["load"]["value"] == "SERVICE <x> {} LOAD"


def test_load_refused_even_with_token(writable: Server, listener) -> None:
    url, seen = listener
    r = writable.request("POST", "/sparql", f"LOAD <{url}> INTO GRAPH <https://example.org/g>", {
        "Content-Type": "application/sparql-update", "Authorization": "Bearer s3cret"})
    assert r.status == 400 and "LOAD is not allowed" in r.text
    assert seen == []


# -- limits -------------------------------------------------------------------------------------


def test_time_limit_kills_the_query_and_the_server_keeps_answering(seed_store: Path, tmp_path: Path) -> None:
    with serving(seed_store, "--timeout", "2", "--workers", "2", log=tmp_path / "serve.log") as s:
        assert bindings(s.sparql(SUMMONS_QUERY))
        before = s.children()
        started = time.monotonic()
        r = s.sparql(SLOW_QUERY)
        took = time.monotonic() - started
        assert r.status == 503, r.text
        assert "time limit of 2 s" in r.text
        assert took < 2 + 3, f"the timeout answer took {took:.1f} s"
        started = time.monotonic()
        assert [b["e"]["value"] for b in bindings(s.sparql(SUMMONS_QUERY))] == [SUMMONS]
        assert time.monotonic() - started < 2
        gone = before - s.children()
        assert len(gone) == 1, "the worker that ran the slow query was not killed"
        assert not Path(f"/proc/{gone.pop()}").exists()
        deadline = time.monotonic() + 30  # its replacement starts in the background
        while len(s.children()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(s.children()) == 2


def test_row_limit_is_an_error_not_a_truncation(seed_store: Path, tmp_path: Path) -> None:
    with serving(seed_store, "--max-rows", "5", log=tmp_path / "serve.log") as s:
        r = s.sparql("SELECT ?s WHERE { ?s a ?c }")
        assert r.status == 413 and "more than 5 rows" in r.text
        for accept in ("text/csv", "application/sparql-results+xml"):
            assert s.sparql("SELECT ?s WHERE { ?s a ?c }", accept).status == 413
        assert len(bindings(s.sparql("SELECT ?s WHERE { ?s a ?c } LIMIT 5"))) == 5
        assert s.sparql("CONSTRUCT WHERE { ?s a ?c }").status == 413
        api = s.get("/api/query/who-did-what", status="any")
        assert api.status == 413 and "more than 5 rows" in api.json()["error"]  # type: ignore[index]
        assert len(bindings(s.get("/api/query/who-did-what", actor="KOR"))) == 5  # exactly the limit


# -- the named-query API ------------------------------------------------------------------------


def test_queries_are_listed_with_their_metadata(server: Server) -> None:
    listed = {q["name"]: q for q in server.get("/api/queries").json()["queries"]}  # type: ignore[index]
    assert {"who-did-what", "timeline", "dyads", "denials", "claims"} <= set(listed)
    wdw = listed["who-did-what"]
    assert wdw["summary"] == "Who did what to whom, and when."
    assert wdw["columns"][:3] == ["event", "type", "agent"]
    params = {p["name"]: p for p in wdw["params"]}
    assert params["status"]["default"] == "reported" and "any" in params["status"]["choices"]
    assert "Summons" in params["type"]["choices"]
    assert listed["timeline"]["params"][0] == {**listed["timeline"]["params"][0], "name": "actor", "required": True}


def test_named_query_with_parameters(server: Server) -> None:
    rows = bindings(server.get("/api/query/who-did-what", actor="KOR", type="Summons", format="json"))
    assert [(r["event"]["value"], r["target_code"]["value"]) for r in rows] == [(SUMMONS, "RUS")]
    csv = server.get("/api/query/timeline", actor="KOR", format="csv")
    assert csv.media == "text/csv" and QUOTE in csv.text
    assert bindings(server.get("/api/query/who-did-what", actor="", status="any"))  # empty field: not given


@pytest.mark.parametrize(("param", "value"), [
    ("actor", "} ; DROP ALL ; {"),
    ("actor", 'KOR" } ; DROP ALL ; { "'),
    ("actor", "KOR' } ; DROP ALL ; { '"),
    ("actor", "<https://w3id.org/dyad/id/state/KOR> } DROP ALL {"),
    ("actor", "https://example.org/x> } ; DROP ALL ; { <https://example.org/y"),
    ("actor", "KOR\nDROP ALL"),
    ("actor", "KOR) } } ; DROP ALL #"),
    ("type", "Summons } ; DROP ALL ; {"),
    ("from", '2024" } ; DROP ALL ; {'),
    ("to", "2024-10-21\n} DROP ALL {"),
    ("status", "any } ; DROP ALL ; {"),
])
def test_injection_attempts_are_refused_and_never_run(server: Server, param: str, value: str) -> None:
    before = server.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").json()
    r = server.get("/api/query/who-did-what", **{param: value})
    assert r.status == 400, r.text
    body = r.json()
    assert body["param"] == param and param in body["error"]  # type: ignore[index]
    assert server.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").json() == before


def test_unknown_parameters_and_missing_required_ones(server: Server) -> None:
    r = server.get("/api/query/who-did-what", actr="KOR")
    assert r.status == 400 and r.json()["param"] == "actr"  # type: ignore[index]
    r = server.get("/api/query/timeline")
    assert r.status == 400 and r.json()["param"] == "actor"  # type: ignore[index]


@pytest.mark.parametrize("path", [
    "/api/query/../../etc/passwd",
    "/api/query/..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/query/%2Fetc%2Fpasswd",
    "/api/query/who-did-what.rq",
    "/api/query/..%2Fqueries%2Fwho-did-what",
    "/api/query/WHO-DID-WHAT",
    "/api/query/",
    "/static/../serve.py",
    "/static/..%2F..%2Fpyproject.toml",
])
def test_path_traversal_is_refused(server: Server, path: str) -> None:
    r = server.request("GET", path)
    assert r.status == 404, r.text
    assert b"root:" not in r.body and b"PREFIX" not in r.body and b"import" not in r.body


def test_event_api(server: Server) -> None:
    ev = server.get("/api/event", iri=SUMMONS).json()
    assert ev["type"] == "Summons" and ev["date"] == "2024-10-21"  # type: ignore[index]
    assert "RUS" in ev["targets"] and ev["place"] == "Seoul"  # type: ignore[index]
    [report] = ev["reports"]  # type: ignore[index]
    assert report["source"] == SOURCE and report["publisher"] == "Reuters"
    assert report["evidence"] == [{"quote": QUOTE, "begin": "409", "end": "498"}]
    assert server.get("/api/event", iri="https://w3id.org/dyad/id/event/nope").status == 404
    for bad in ("} ; DROP ALL ; {", "https://x> } DROP ALL { <https://y", "javascript:alert(1)"):
        r = server.get("/api/event", iri=bad)
        assert r.status == 400 and r.json()["param"] == "iri"  # type: ignore[index]


# -- many clients -------------------------------------------------------------------------------


def test_twenty_concurrent_clients(server: Server) -> None:
    query = "PREFIX dy: <https://w3id.org/dyad/ontology#> SELECT ?e ?a WHERE { ?e dy:agent ?a } ORDER BY ?e ?a"
    reference = server.sparql(query).body
    assert len(json.loads(reference)["results"]["bindings"]) == 11
    errors: list[str] = []
    counts = [0] * 20
    stop = time.monotonic() + 10

    def client(i: int) -> None:
        while time.monotonic() < stop:
            try:
                r = server.sparql(query)
                if r.status != 200 or r.body != reference:
                    errors.append(f"client {i}: {r.status} {r.body[:200]!r}")
            except Exception as exc:  # noqa: BLE001
                errors.append(f"client {i}: {exc!r}")
            counts[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert min(counts) > 5, counts


# -- the web page -------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _click_on_path(page, selector: str) -> None:  # noqa: ANN001
    """Click a real mouse on the middle of an SVG path (its bounding box centre may be off it)."""
    x, y = page.evaluate("""(sel) => {
        const path = document.querySelector(sel);
        const p = path.getPointAtLength(path.getTotalLength() / 2);
        const m = path.getScreenCTM();
        return [p.x * m.a + p.y * m.c + m.e, p.x * m.b + p.y * m.d + m.f];
    }""", selector)
    page.mouse.click(x, y)


@contextlib.contextmanager
def _chromium_page():  # type: ignore[no-untyped-def]
    """A page in Debian's chromium, driven by Playwright, and the errors the page raised or
    logged (HTTP errors the page handles show as console errors too: not counted)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                    "(apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need Playwright for Python (pip install playwright); "
                    "it drives /usr/bin/chromium, no 'playwright install' needed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            problems: list[str] = []
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("console", lambda m: problems.append(m.text)
                    if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
            yield page, problems
        finally:
            browser.close()


@pytest.mark.browser
def test_web_page_in_chromium(server: Server) -> None:
    with _chromium_page() as (page, problems):
        from playwright.sync_api import expect

        page.goto(server.url + "/")

        # the page opens on who did what, latest first
        expect(page.locator("#query-name")).to_have_value("who-did-what")
        expect(page.locator("#results tbody tr").first).to_be_visible()
        first_dates = page.locator("#results tbody tr td:nth-child(7)").all_inner_texts()
        dated = [d for d in first_dates if d]
        assert dated and dated[0] >= dated[-1], first_dates

        # a CONSTRUCT in the Queries tab: its triples, and a Turtle download
        page.select_option("#query-name", "export-selection")
        page.fill("#query-fields input[name=actor]", "KOR")
        page.click("#query-run")
        expect(page.locator("#query-status")).to_contain_text("triples")
        expect(page.locator("#results thead")).to_contain_text("predicate")
        expect(page.locator("#results")).to_contain_text("Summons")
        assert "format=turtle" in (page.locator("#query-link").get_attribute("href") or "")

        # a named query, its form made from the #+ metadata
        page.select_option("#query-name", "who-did-what")
        expect(page.locator("#query-fields select[name=status]")).to_have_value("reported")
        page.select_option("#query-fields select[name=status]", "any")
        page.click("#query-run")
        expect(page.locator("#results tbody tr").first).to_be_visible()
        expect(page.locator("#results")).to_contain_text("Summons")
        expect(page.locator("#query-status")).to_have_text("11 rows")
        page.locator("#results tbody tr", has_text="Summons").first.click()
        expect(page.locator("#evidence .quote")).to_have_text(QUOTE)

        # a bad parameter: the message names it
        page.fill("#query-fields input[name=actor]", "} ; DROP ALL ; {")
        page.click("#query-run")
        expect(page.locator("#query-status")).to_contain_text("parameter actor")

        # the timeline of KOR
        page.click("button.tab[data-view=timeline]")
        page.fill("#timeline-actor", "KOR")
        page.click("#timeline-run")
        items = page.locator("#timeline .tl-item")
        expect(items.first).to_be_visible()
        expect(page.locator("#timeline")).to_contain_text("Summons")
        expect(page.locator("#timeline")).to_contain_text(QUOTE)
        dates = items.locator(".tl-date").all_inner_texts()
        assert dates[:2] == ["2024-W42", "2024-10-21"]  # by first day; undated last

        # the graph: click the summons edge, see its sentence and source
        page.click("button.tab[data-view=graph]")
        page.select_option("#graph-form select[name=status]", "any")
        page.click("#graph-run")
        edge = f'#graph .edge[data-event="{SUMMONS}"] path.line'
        expect(page.locator(edge)).to_be_visible()
        for code in ("KOR", "RUS", "PRK"):
            expect(page.locator("#graph .node text", has_text=code)).to_have_count(1)
        page.click("#evidence h2")  # reset the panel's focus; nothing selected yet
        _click_on_path(page, edge)
        expect(page.locator("#evidence .quote")).to_have_text(QUOTE)
        expect(page.locator("#evidence")).to_contain_text("Reuters")
        expect(page.locator("#evidence")).to_contain_text("characters 409–498")
        expect(page.locator(f'#graph .edge.selected[data-event="{SUMMONS}"]')).to_have_count(1)
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
        assert problems == []


@pytest.fixture(scope="module")
def map_server(tmp_path_factory: pytest.TempPathFactory):
    """The seed article as Dyad reads it (its summons in Seoul) and the real GDELT file."""
    store = tmp_path_factory.mktemp("map") / "store"
    ran = run_dyad("ingest", str(SEED_TEXT), store=store)
    assert ran.code == 0, ran.err
    ran = run_dyad("import", "gdelt", str(ROOT / "tests" / "data" / "gdelt" / "20150218230000.export.CSV.zip"), store=store)
    assert ran.code == 0, ran.err
    claim = tmp_path_factory.mktemp("claim") / "claim.ttl"  # a claim placed in Seoul, by hand
    claim.write_text("""
@prefix dy: <https://w3id.org/dyad/ontology#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/dyad/id/submission/map-claim> a dy:Submission ; dy:fileName "claim.ttl" ;
    prov:generatedAtTime "2024-10-25T08:00:00Z"^^xsd:dateTime ;
    prov:wasAttributedTo <https://w3id.org/dyad/id/submitter/analyst> .
<https://w3id.org/dyad/id/submitter/analyst> a prov:Agent .
<https://w3id.org/dyad/id/event/map-claim> a dy:TroopDeployment ;
    dy:agent <https://w3id.org/dyad/id/state/PRK> ; dy:target <https://w3id.org/dyad/id/state/RUS> ;
    dy:place <https://w3id.org/dyad/id/place/seoul> ; dy:date "2024-10-20"^^xsd:date .
<https://w3id.org/dyad/id/report/map-claim> a dy:Report ; dy:reportOf <https://w3id.org/dyad/id/event/map-claim> ;
    dy:source <https://w3id.org/dyad/id/submission/map-claim> ; dy:status dy:Alleged ;
    dy:claimant <https://w3id.org/dyad/id/state/KOR> .
""", encoding="utf-8")
    ran = run_dyad("load", str(claim), store=store)
    assert ran.code == 0, ran.err
    with serving(store, log=tmp_path_factory.mktemp("log") / "serve.log") as s:
        yield s


@pytest.mark.browser
def test_map_in_chromium(map_server: Server) -> None:
    """Events at their places on offline country outlines, coloured by type, claims hollow;
    filters as in the other views; a click shows the evidence and the source."""
    places = bindings(map_server.request("GET", "/api/query/places?status=any&format=json"))
    with_point = [b for b in places if b.get("latitude", {}).get("value")]
    seoul = [b for b in with_point if b["place"]["value"] == "https://w3id.org/dyad/id/place/seoul"]
    assert seoul and len(with_point) > 30  # the seed's events in Seoul and GDELT's around the world
    with _chromium_page() as (page, problems):
        from playwright.sync_api import expect

        page.goto(map_server.url + "/#map")
        expect(page.locator("#map .country").first).to_be_attached()
        assert page.locator("#map .country").count() > 150  # Natural Earth's countries
        expect(page.locator("#map-status")).to_contain_text("events at")
        reported = page.locator("#map .event").count()
        page.select_option("#map-form select[name=status]", "any")
        page.click("#map-run")
        expect(page.locator("#map .event")).to_have_count(len(with_point))
        assert reported < len(with_point)  # the seed's claims only with status=any
        claims = page.locator("#map .event.claim")
        assert claims.count() == sum(1 for b in with_point if b["status"]["value"] != "reported") > 0
        # coloured by type: a summons is drawn in the summons colour
        summons = page.locator('#map .event[data-type="Summons"]').first
        assert summons.get_attribute("fill") == "#1f77b4"
        summons.click()
        expect(page.locator("#evidence .quote").first).to_contain_text("Rusia")
        # a filter narrows the points; a GDELT event shows its source page
        page.fill("#map-form input[name=actor]", "TUR")
        page.click("#map-run")
        expect(page.locator("#map-status")).to_contain_text("events at")
        codes = lambda b: {c for k in ("agents", "targets") for c in b.get(k, {}).get("value", "").split("; ")}  # noqa: E731
        turkey = [b for b in with_point if "TUR" in codes(b)]
        expect(page.locator("#map .event")).to_have_count(len(turkey))
        page.locator("#map .event").first.click()
        expect(page.locator("#evidence .source a").first).to_have_attribute("href", re.compile(r"^https?://"))
        expect(page.locator("#evidence .report-status").first).to_contain_text("coded by GDELT")
        page.fill("#map-form input[name=actor]", "")
        page.click("#map-run")
        expect(page.locator("#map .event")).to_have_count(len(with_point))
        page.locator('#map .event[data-type="Summons"]').first.click()
        page.screenshot(path=str(ROOT / "docs" / "map.png"))
        assert problems == []
