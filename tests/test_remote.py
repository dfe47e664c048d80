"""Exports read by an independent parser (rapper), pushes to real triple stores, remote queries.

Servers run on loopback with free ports and their own temporary folders: the Oxigraph server
(PyPI ``oxigraph``) and Virtuoso 7 (Debian ``virtuoso-opensource``), one with the stock result
limit and one with ``ResultSetMaxRows = 5``. A missing server fails these tests: CI installs them.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, run_dyad

pytestmark = pytest.mark.server

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
UNION_COUNT = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o }
  FILTER(STRSTARTS(STR(?g), "https://w3id.org/dyad/")) } GROUP BY ?g ORDER BY ?g"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, what: str, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{what} did not answer at {url} within {seconds} s: {log.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def local_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("local") / "store"
    ran = run_dyad("load", str(SAMPLE), store=store)
    assert ran.code == 0, ran.err
    # GDELT's events: places with GeoSPARQL points (geo:wktLiteral) for the places query
    ran = run_dyad("import", "gdelt", str(ROOT / "tests" / "data" / "gdelt" / "20150218230000.export.CSV.zip"), store=store)
    assert ran.code == 0, ran.err
    return store


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(exe).exists():
        pytest.fail("the Oxigraph server is not installed: pip install oxigraph")
    folder = tmp_path_factory.mktemp("oxigraph")
    port = _free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([exe, "serve", "--location", str(folder / "data"), "--bind",
                                 f"127.0.0.1:{port}", "--union-default-graph"], stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/query?query=ASK%7B%7D", proc, "oxigraph serve", log)
        yield base
    finally:
        _stop(proc)


def _virtuoso(folder: Path, max_rows: int | None):
    exe = shutil.which("virtuoso-t")
    if exe is None or not VIRTUOSO_INI.exists():
        pytest.fail("Virtuoso is not installed: apt-get install virtuoso-opensource")
    sql_port, http_port = _free_port(), _free_port()
    text = VIRTUOSO_INI.read_text()
    text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{folder}/")
    text = _set(text, "Parameters", "ServerPort", f"127.0.0.1:{sql_port}")
    text = _set(text, "HTTPServer", "ServerPort", f"127.0.0.1:{http_port}")
    if max_rows is not None:
        text = _set(text, "SPARQL", "ResultSetMaxRows", str(max_rows))
    ini = folder / "virtuoso.ini"
    ini.write_text(text)
    log = folder / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([exe, "+configfile", str(ini), "+foreground"], stdout=out, stderr=out, cwd=folder)
    return proc, f"http://127.0.0.1:{http_port}", log


def _set(ini: str, section: str, key: str, value: str) -> str:
    out, current, done = [], None, False
    for line in ini.splitlines():
        if m := re.match(r"\s*\[(.+)\]", line):
            current = m.group(1)
        if current == section and re.match(rf"\s*{key}\s*=", line):
            line, done = f"{key} = {value}", True
        out.append(line)
    assert done, (section, key)
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def virtuosos(tmp_path_factory):
    """Two Virtuoso servers started side by side: the stock result limit, and a limit of 5 rows."""
    started = [_virtuoso(tmp_path_factory.mktemp("virtuoso"), None),
               _virtuoso(tmp_path_factory.mktemp("virtuoso-max5"), 5)]
    try:
        for proc, base, log in started:
            _wait(f"{base}/sparql?query=ASK%7B%7D", proc, "virtuoso-t", log)
        yield {"stock": started[0][1], "max5": started[1][1]}
    finally:
        for proc, _, _ in started:
            _stop(proc)


def _rows(csv_text: str) -> list[tuple[str, ...]]:
    rows = list(csv.reader(io.StringIO(csv_text)))
    return sorted(tuple(r) for r in rows[1:])


def _counts(endpoint: str, tmp_path: Path) -> dict[str, int]:
    q = tmp_path / "counts.rq"
    q.write_text(UNION_COUNT)
    ran = run_dyad("query", str(q), "--endpoint", endpoint, "--format", "csv")
    assert ran.code == 0, ran.err
    return {g: int(n) for g, n in _rows(ran.out)}


def _local_counts(store: Path) -> dict[str, int]:
    import pyoxigraph as ox

    s = ox.Store.read_only(str(store))
    return {g.value: sum(1 for _ in s.quads_for_pattern(None, None, None, g)) for g in s.named_graphs()}


QUERIES = [("who-did-what", ("-p", "status=any")), ("timeline", ("-p", "actor=KOR")), ("dyads", ()),
           ("places", ("-p", "status=any")),
           # date ranges: looked up by the store's index keys (one VALUES row per year)
           ("who-did-what", ("-p", "actor=KOR", "-p", "from=2024-10", "-p", "to=2025", "-p", "status=any")),
           ("dyads", ("-p", "from=2015-02", "-p", "to=2015-02")),
           # from the count table: every status's buckets, of whole years or without years
           ("dyads", ("-p", "from=2015", "-p", "to=2025", "-p", "status=any")),
           ("dyads", ("-p", "actor=KOR", "-p", "status=any"))]


# -- export ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["turtle", "trig", "ntriples", "nquads"])
def test_exports_parse_in_rapper(fmt: str, local_store: Path, tmp_path: Path) -> None:
    if shutil.which("rapper") is None:
        pytest.fail("rapper is not installed: apt-get install raptor2-utils")
    total = sum(_local_counts(local_store).values())
    for args, expect in ((), total), (("--actor", "KOR", "--from", "2024-W43"), None):
        out = tmp_path / f"x.{fmt}"
        ran = run_dyad("export", "--format", fmt, "-o", str(out), *args, store=local_store)
        assert ran.code == 0, ran.err
        parsed = subprocess.run(["rapper", "-i", fmt, "-c", str(out)], capture_output=True, text=True)
        assert parsed.returncode == 0, parsed.stderr
        count = int(re.search(r"returned (\d+) triples", parsed.stderr).group(1))
        if expect is not None:
            assert count == expect
        else:  # the selection: KOR's events from 2024-W43 on (the summons, demand, the NATO call)
            assert 0 < count < total
            text = out.read_text()
            for event in ("sample-summons", "sample-demand", "sample-rutte-yoon-call"):
                assert event in text, event
            assert "sample-treaty" not in text and "sample-accusation" not in text


def test_export_selection_rejects_bad_dates(local_store: Path) -> None:
    ran = run_dyad("export", "--from", "2024-13", store=local_store)
    assert ran.code == 2 and "2024-13" in ran.err and len(ran.err.strip().splitlines()) == 1


# -- push and remote queries ------------------------------------------------------------------


def test_push_to_oxigraph_and_query(oxigraph: str, local_store: Path, tmp_path: Path) -> None:
    endpoint = f"{oxigraph}/query"
    for _ in range(2):  # pushing again replaces each graph: same counts
        ran = run_dyad("push", "--endpoint", oxigraph, "--store-type", "oxigraph", "-q", store=local_store)
        assert ran.code == 0, ran.err
        assert "by Graph Store Protocol" in ran.err
        assert _counts(endpoint, tmp_path) == _local_counts(local_store)
    for name, params in QUERIES:
        remote = run_dyad("query", name, *params, "--endpoint", endpoint, "--format", "csv")
        local = run_dyad("query", name, *params, "--format", "csv", store=local_store)
        assert remote.code == 0, remote.err
        assert _rows(remote.out) == _rows(local.out) and _rows(local.out), name
    table = run_dyad("query", "timeline", "-p", "actor=KOR", "--endpoint", endpoint)
    assert table.out == run_dyad("query", "timeline", "-p", "actor=KOR", store=local_store).out


def test_push_by_sparql_update_and_into_one_graph(oxigraph: str, local_store: Path, tmp_path: Path) -> None:
    for _ in range(2):
        ran = run_dyad("push", "--endpoint", oxigraph, "--store-type", "oxigraph", "--method", "update",
                       "--batch-size", "500", "-q", store=local_store)
        assert ran.code == 0, ran.err
        assert "by SPARQL Update" in ran.err
        assert _counts(f"{oxigraph}/query", tmp_path) == _local_counts(local_store)
    one = "https://example.org/dyad-all"
    ran = run_dyad("push", "--endpoint", oxigraph, "--store-type", "oxigraph", "--graph", one, "-q",
                   "--batch-size", "1000", store=local_store)
    assert ran.code == 0, ran.err
    q = tmp_path / "one.rq"
    q.write_text(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{one}> {{ ?s ?p ?o }} }}")
    ran = run_dyad("query", str(q), "--endpoint", f"{oxigraph}/query", "--format", "csv")
    assert _rows(ran.out) == [(str(sum(_local_counts(local_store).values())),)]


def test_an_endpoint_without_the_count_table_answers_dyads_from_its_events(oxigraph: str, local_store: Path) -> None:
    """A store pushed by an earlier Dyad has no count table: its dyads are read from the events,
    not from buckets that are not there."""
    ran = run_dyad("push", "--endpoint", oxigraph, "--store-type", "oxigraph", "-q", store=local_store)
    assert ran.code == 0, ran.err
    drop = ("DELETE WHERE { GRAPH ?g { ?s <https://w3id.org/dyad/ontology#%s> ?o } }")
    for p in ("eventCount", "dyadCount", "dyadSpanCount"):
        urllib.request.urlopen(urllib.request.Request(
            f"{oxigraph}/update", data=(drop % p).encode(), headers={"Content-Type": "application/sparql-update"}),
            timeout=30).read()
    for params in ((), ("-p", "actor=KOR", "-p", "status=any")):
        remote = run_dyad("query", "dyads", *params, "--endpoint", f"{oxigraph}/query", "--format", "csv")
        local = run_dyad("query", "dyads", *params, "--format", "csv", store=local_store)
        assert remote.code == 0, remote.err
        assert _rows(remote.out) == _rows(local.out) and _rows(local.out), params


def test_gsp_missing_falls_back_to_update(oxigraph: str, local_store: Path) -> None:
    ran = run_dyad("push", "--endpoint", f"{oxigraph}/query", "--gsp", f"{oxigraph}/no-such-service",
                   "--update", f"{oxigraph}/update", "-q", store=local_store)
    assert ran.code == 0, ran.err
    assert "no Graph Store Protocol" in ran.err and "by SPARQL Update" in ran.err


def test_push_to_virtuoso_and_query(virtuosos: dict[str, str], local_store: Path, tmp_path: Path) -> None:
    base = virtuosos["stock"]
    endpoint = f"{base}/sparql"
    for method in ("gsp", "gsp", "update"):  # digest auth on the -auth services; replace, never add
        ran = run_dyad("push", "--endpoint", endpoint, "--store-type", "virtuoso", "--user", "dba",
                       "--password", "dba", "--method", method, "--batch-size", "1000", "-q", store=local_store)
        assert ran.code == 0, ran.err
        assert _counts(endpoint, tmp_path) == _local_counts(local_store)


@pytest.mark.parametrize("name, params", QUERIES)
def test_virtuoso_rows_match_local(name: str, params: tuple[str, ...], virtuosos: dict[str, str],
                                   local_store: Path) -> None:
    endpoint = f"{virtuosos['stock']}/sparql"
    ran = run_dyad("push", "--endpoint", endpoint, "--store-type", "virtuoso", "--user", "dba",
                   "--password", "dba", "-q", store=local_store)
    assert ran.code == 0, ran.err
    remote = run_dyad("query", name, *params, "--endpoint", endpoint, "--format", "csv")
    local = run_dyad("query", name, *params, "--format", "csv", store=local_store)
    assert remote.code == 0, remote.err
    assert _rows(remote.out) == _rows(local.out) and _rows(local.out), (name, remote.out)


def test_virtuoso_writes_need_credentials(virtuosos: dict[str, str], local_store: Path) -> None:
    ran = run_dyad("push", "--endpoint", f"{virtuosos['stock']}/sparql", "--store-type", "virtuoso", "-q",
                   store=local_store)
    assert ran.code == 2 and "HTTP 403" in ran.err and "--user" in ran.err


def test_capped_results_are_paged_never_partial(virtuosos: dict[str, str], local_store: Path, tmp_path: Path) -> None:
    """Virtuoso with ResultSetMaxRows = 5: the raw answer is cut, dyad pages to the whole one."""
    from SPARQLWrapper import JSON, SPARQLWrapper

    endpoint = f"{virtuosos['max5']}/sparql"
    ran = run_dyad("push", "--endpoint", endpoint, "--store-type", "virtuoso", "--user", "dba",
                   "--password", "dba", "-q", store=local_store)
    assert ran.code == 0, ran.err
    q = tmp_path / "reports.rq"
    q.write_text("PREFIX dy: <https://w3id.org/dyad/ontology#>\n"
                 "SELECT ?report ?event ?status WHERE { ?report dy:reportOf ?event ; dy:status ?status }\n"
                 "ORDER BY ?report\n")
    raw = SPARQLWrapper(endpoint)
    raw.setQuery(q.read_text())
    raw.setReturnFormat(JSON)
    assert len(raw.queryAndConvert()["results"]["bindings"]) == 5  # the silent cut
    local = run_dyad("query", str(q), "--format", "csv", store=local_store)
    remote = run_dyad("query", str(q), "--endpoint", endpoint, "--format", "csv")
    assert remote.code == 0, remote.err
    assert len(_rows(local.out)) > 5 and _rows(remote.out) == _rows(local.out)  # more than the cap
    # a query that cannot be paged (no ORDER BY) is refused, not returned cut
    unordered = tmp_path / "unordered.rq"
    unordered.write_text(q.read_text().replace("ORDER BY ?report", ""))
    refused = run_dyad("query", str(unordered), "--endpoint", endpoint, "--format", "csv")
    assert refused.code == 2 and "cut the answer at 5 rows" in refused.err, refused.err
