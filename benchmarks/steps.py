"""The measured steps. Each runs in a process of its own, so its peak resident set is its own.

Dyad's steps open the on-disk store the load step built (``python -m benchmarks.steps STEP
ARGS_JSON``, one fresh interpreter per step). The baseline has no on-disk form, so its worker
parses the N-Triples file into an ``rdflib.Graph`` once (the load step) and forks one child per
later step: the child starts with the loaded graph, as a user's process would, and its peak
resident set is that of a process holding the graph and running the step.

DuckDB, the peer a data engineer would pick, works like Dyad: its load step reads the flat event
table (``events.csv``, benchmarks/generate.py) into an on-disk database with ``benchmarks/sql/
load.sql``, and each query step opens that database read-only and runs ``benchmarks/sql/NAME.sql``
(the SQL for ``queries/NAME.rq``) with bound parameters, with ``SET threads=1``. Dyad's and
DuckDB's query steps both report their answer's row count and :func:`answer_digest`, so the
runner can tell whether they answered the same question.

Every step prints (or sends) one JSON object: ``seconds`` (list of timed runs), ``rss_mb`` (peak
resident set of the process, from ``getrusage``) and step-specific fields.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable

# the rows measured: a named query (queries/NAME.rq, benchmarks/sql/NAME.sql) with the parameters
# of the questions issue #14 sets targets for (query_params); "dyads, one year" is dyads.rq again
QUERIES = ("who-did-what", "timeline", "dyads", "dyads, one year", "claims")
SQL_DIR = Path(__file__).resolve().parent / "sql"
# columns holding a GROUP_CONCAT / string_agg of distinct values: their order is the engine's, and
# SPARQL gives "" where SQL gives NULL for none, so they are compared as sets
SET_COLUMNS = frozenset({"agents", "targets", "denied_by"})


def query_file(row: str) -> str:
    """The named query a row runs: "dyads, one year" runs dyads."""
    return row.split(",")[0]


def query_params(meta: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The parameters each row is benchmarked with: who did what to whom for one actor in one year,
    one actor's timeline for one year, dyads over one year and over the whole graph, one actor's claims."""
    year = {"from": meta["query_from"], "to": meta["query_to"]}
    return {
        "who-did-what": {"actor": meta["query_actor"], **year},
        "timeline": {"actor": meta["query_actor"], **year},
        "dyads": {},
        "dyads, one year": dict(year),
        "claims": {"actor": meta["query_actor"]},
    }


# ---- answers: the same question, the same rows ---------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text: an RDF term's lexical value or IRI, an SQL value as Python prints it; '' for none."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    return getattr(value, "value", str(value))  # pyoxigraph NamedNode / Literal


def answer_rows(columns: list[str], rows: list[Any]) -> list[tuple[str, ...]]:
    """An answer as sorted tuples of text, in the column order given: what :func:`answer_digest`
    hashes. None and "" are the same (no value); the :data:`SET_COLUMNS` sorted and deduplicated."""
    out = []
    for row in rows:
        cells = []
        for col, value in zip(columns, row):
            text = _text(value)
            if col in SET_COLUMNS:
                text = ";".join(sorted({t for t in text.split(";") if t}))
            cells.append(text)
        out.append(tuple(cells))
    return sorted(out)


def answer_digest(columns: list[str], rows: list[Any]) -> str:
    """A short, order-independent digest of a whole answer: its column names and every cell."""
    h = hashlib.sha256("\x1f".join(columns).encode())
    for row in answer_rows(columns, rows):
        h.update(b"\x1e" + "\x1f".join(row).encode())
    return h.hexdigest()[:16]


# ---- the SQL side: benchmarks/sql/*.sql, their parameters --------------------------------------

_SQL_PARAM = re.compile(r"^-- param (?P<name>[a-z_]+): (?P<kind>[a-z-]+), (?P<need>optional|required|default (?P<default>[^\s.,]+))",
                        re.MULTILINE)


def sql_text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def sql_params(name: str, values: dict[str, str]) -> dict[str, Any]:
    """The bound parameters of ``benchmarks/sql/NAME.sql`` for the values a named query is given
    (``query_params``): every parameter the file declares (``-- param NAME: KIND, ...``), its
    default where not given, NULL where neither; dates as the first or last day they span, a
    status in lower case, ``any`` as NULL (every status)."""
    from dyad import dates

    out: dict[str, Any] = {}
    for m in _SQL_PARAM.finditer(sql_text(name)):
        value = values.get(m["name"], m["default"])
        if m["need"] == "required" and value is None:
            raise ValueError(f"{name}.sql needs {m['name']}")
        if value is not None and m["kind"] in ("date-from", "date-to"):
            # the first or last day the date spans, as queries/*.rq read their date parameters
            period = dates.parse(value)
            value = period.end if m["kind"] == "date-to" else period.start
        elif value is not None and m["kind"] in ("status", "claim-status"):
            value = None if value.lower() in ("any", "all") else value.lower()
        out[m["name"]] = value
    unknown = set(values) - set(out)
    if unknown:
        raise ValueError(f"{name}.sql has no parameter {sorted(unknown)}")
    return out


def duckdb_load_table(con: Any, csv_path: str | Path) -> int:
    """Create the ``events`` table from the flat event table (benchmarks/sql/load.sql); its rows."""
    con.execute(sql_text("load"), {"path": str(csv_path)})
    return con.execute("SELECT count(*) FROM events").fetchone()[0]


def duckdb_answer(con: Any, name: str, values: dict[str, str]) -> tuple[list[str], list[tuple]]:
    """Run ``benchmarks/sql/NAME.sql`` with bound parameters: (column names, rows)."""
    cur = con.execute(sql_text(name), sql_params(name, values))
    rows = cur.fetchall()
    return [d[0] for d in cur.description], rows


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def repeat(fn: Callable[[], Any], n: int, budget: float) -> tuple[list[float], Any]:
    """Run ``fn`` up to ``n`` times, stopping early once ``budget`` seconds are spent (at least once)."""
    times, out, spent = [], None, 0.0
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t
        times.append(dt)
        spent += dt
        if spent > budget:
            break
    return times, out


# ---- Dyad ----------------------------------------------------------------------------------


def dyad_load(a: dict[str, Any]) -> dict[str, Any]:
    from dyad import gate
    from dyad.store import Store

    t = time.perf_counter()
    store = Store(a["store"])
    gate.ensure_base(store)
    result = store.bulk_load(a["data"])
    store.flush()
    dt = time.perf_counter() - t
    return {"seconds": [dt], "triples": result.quads, "events": result.events}


def raw_load(a: dict[str, Any]) -> dict[str, Any]:
    import pyoxigraph as ox

    with tempfile.TemporaryDirectory(dir=a["tmp"]) as d:
        t = time.perf_counter()
        store = ox.Store(d)
        store.bulk_load(path=a["data"], format=ox.RdfFormat.N_QUADS)
        store.flush()
        dt = time.perf_counter() - t
        n = len(store)
        del store
    return {"seconds": [dt], "triples": n}


def dyad_query(a: dict[str, Any]) -> dict[str, Any]:
    from dyad import queries
    from dyad.store import Store

    store = Store(a["store"], read_only=True)
    q = queries.load(a["query"])
    times, result = repeat(lambda: queries.run(store, q, a["params"]), a["repeat"], a["budget"])
    # after the timed runs: what DuckDB's answer is compared with
    return {"seconds": times, "rows": len(result.rows), "digest": answer_digest(result.columns, result.rows)}


def dyad_validate_full(a: dict[str, Any]) -> dict[str, Any]:
    """Every source with its neighbourhood (``gate.iter_check_store``), ``chunk`` sources per
    engine call (default ``gate.STORE_CHUNK``).

    Stops after ``budget`` seconds and extrapolates linearly (each chunk's cost does not depend on
    the store size, only on the chunk: the neighbourhood is what the chunk mentions).
    """
    from dyad import gate
    from dyad.shacl import engine
    from dyad.store import Store

    store = Store(a["store"], read_only=True)
    chunk = int(a.get("chunk") or gate.STORE_CHUNK)
    jobs = int(a.get("jobs") or 1)
    names = store.sources()
    done = violations = 0
    t = time.perf_counter()  # the worker processes' start is inside the timing
    for part, report in gate.iter_check_store(store, chunk=chunk, jobs=jobs):
        violations += sum(1 for p in report.problems if p.severity.value == "violation")
        done += len(part)
        if time.perf_counter() - t > a["budget"]:
            break
    dt = time.perf_counter() - t
    total = dt * len(names) / max(done, 1)
    return {"seconds": [total], "measured_seconds": dt, "sources_checked": done,
            "sources": len(names), "extrapolated": done < len(names), "violations": violations,
            "chunk": chunk, "jobs": jobs, "engine": engine().name, "ms_per_source": 1000 * dt / max(done, 1)}


def dyad_validate_submission(a: dict[str, Any]) -> dict[str, Any]:
    from rdflib.namespace import RDF

    from benchmarks.generate import submission
    from dyad import gate
    from dyad.namespace import DY
    from dyad.parse import SourceGraph
    from dyad.shacl import engine
    from dyad.store import Store

    store = Store(a["store"], read_only=True)
    g = submission(Path(a["meta_dir"]))
    src = SourceGraph(next(g.subjects(RDF.type, DY.Submission)), g, "submission")
    t = time.perf_counter()
    [first] = gate.check(store, [src])
    cold = time.perf_counter() - t
    times, checked = repeat(lambda: gate.check(store, [src])[0], a["repeat"], a["budget"])
    problems = sorted([p.focus, p.path, p.shape, p.severity.value] for p in checked.report.problems)
    return {"seconds": times, "cold_seconds": cold, "problems": problems,
            "conforms": checked.report.conforms, "engine": engine().name}


def dyad_export(a: dict[str, Any]) -> dict[str, Any]:
    import pyoxigraph as ox

    from dyad.export import export_store
    from dyad.store import Store

    store = Store(a["store"], read_only=True)
    out = Path(a["tmp"]) / "dyad-export.ttl"
    t = time.perf_counter()
    export_store(store, ox.RdfFormat.TURTLE, out)
    dt = time.perf_counter() - t
    size = out.stat().st_size
    out.unlink()
    return {"seconds": [dt], "bytes": size}


def ingest(a: dict[str, Any]) -> dict[str, Any]:
    """Articles per second through ingest.pipeline (text to graph), and through admit as well.

    Loading spaCy and the lexicons, and the validation stage's one-off set-up (shapes compiled,
    ontology read, registry indexed: ~0.2 s), happen once before the timing; ``warmup_seconds``
    is the latter.
    """
    try:
        from ingest import article as article_mod
        from ingest import pipeline
    except Exception as exc:  # another engineer is finishing ingest/
        return {"available": False, "reason": f"{type(exc).__name__}: {exc}"}
    if not hasattr(pipeline, "process"):
        return {"available": False, "reason": "ingest.pipeline has no process()"}
    from dyad import gate
    from dyad.parse import SourceGraph
    from dyad.shacl import engine
    from dyad.store import Store

    paths = [Path(p) for p in a["articles"]]
    articles = [art for p in paths for art in article_mod.read_path(p)]
    first = pipeline.process(articles[0])  # load spaCy pipelines and lexicons once, outside the timing
    for lang in {art.language for art in articles} - {articles[0].language}:  # every language's lexicons
        pipeline.process(next(art for art in articles if art.language == lang))
    t = time.perf_counter()
    graphs = [pipeline.process(art).graph for art in articles]
    pipe = time.perf_counter() - t
    store = Store(None)
    gate.ensure_base(store)
    t = time.perf_counter()
    gate.check(store, [SourceGraph(articles[0].iri, first.graph, articles[0].name)])  # writes nothing
    warmup = time.perf_counter() - t
    t = time.perf_counter()
    for art in articles:
        result = pipeline.process(art, store.find_events)
        try:
            gate.admit(store, [SourceGraph(art.iri, result.graph, art.name)])
        except Exception:  # a non-conforming article is not written; it still counts as read
            pass
    full = time.perf_counter() - t
    return {"available": True, "articles": len(articles), "seconds": [pipe], "admit_seconds": full,
            "warmup_seconds": warmup, "triples": sum(len(g) for g in graphs), "engine": engine().name}


def gdelt_day(src: Path, copies: int, out: Path) -> int:
    """A GDELT day made of one real 15-minute file: ``copies`` times its rows, each copy's
    GLOBALEVENTIDs shifted by 10^7 and its SQLDATEs one day earlier than the last, so every copy
    is new events (about 96 files a day; 66 copies of this one's 2,271 rows are 150k rows)."""
    import zipfile
    from datetime import datetime, timedelta

    with zipfile.ZipFile(src) as z:
        lines = z.read(z.namelist()[0]).decode("utf-8").splitlines()
    with out.open("w", encoding="utf-8") as f:
        for k in range(copies):
            for line in lines:
                c = line.split("\t")
                c[0] = str(int(c[0]) + k * 10_000_000)
                c[1] = (datetime.strptime(c[1], "%Y%m%d") - timedelta(days=k)).strftime("%Y%m%d")
                f.write("\t".join(c) + "\n")
    return copies * len(lines)


def import_gdelt(a: dict[str, Any]) -> dict[str, Any]:
    """GDELT rows per second through ``dyad import gdelt`` (read, map, fold, validate with the
    gate, write in one transaction) into a fresh on-disk store: the real 15-minute file, then a
    day made of it (:func:`gdelt_day`). The shapes, ontology and registry are read once before
    the timing, as for ingest."""
    import shutil

    from dyad import gate
    from dyad.importing import import_gdelt as run
    from dyad.store import Store

    tmp = Path(a["tmp"]) / "gdelt"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    day = tmp / "20150218.export.CSV"
    rows = gdelt_day(Path(a["gdelt"]), a["copies"], day)
    warm = Store(None)
    gate.ensure_base(warm)
    run(warm, [Path(a["gdelt"])])  # shapes compiled, registry indexed, tables read
    out: dict[str, Any] = {"day_rows": rows}
    for key, path in (("file", Path(a["gdelt"])), ("day", day)):
        store = Store(tmp / f"store-{key}")
        gate.ensure_base(store)
        t = time.perf_counter()
        ((imported, _, _),) = run(store, [path])
        out[key] = {"seconds": time.perf_counter() - t, "rows": imported.rows, "events": imported.events,
                    "reports": imported.reports}
        del store
    out["seconds"] = [out["day"]["seconds"]]
    shutil.rmtree(tmp, ignore_errors=True)
    return out


# ---- DuckDB: the flat event table in a columnar engine -----------------------------------------


def duckdb_load(a: dict[str, Any]) -> dict[str, Any]:
    """The flat event table into an on-disk DuckDB database, checkpointed (timed: connect, load,
    checkpoint). DuckDB's own thread count (``a["threads"]`` when given): it runs alone, as
    Dyad's load does."""
    import duckdb

    db = Path(a["db"])
    db.unlink(missing_ok=True)
    Path(f"{db}.wal").unlink(missing_ok=True)
    t = time.perf_counter()
    con = duckdb.connect(str(db))
    if a.get("threads"):
        con.execute(f"SET threads = {int(a['threads'])}")
    n = duckdb_load_table(con, a["data"])
    con.execute("CHECKPOINT")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.close()
    dt = time.perf_counter() - t
    return {"seconds": [dt], "rows": n, "threads": threads, "bytes": db.stat().st_size,
            "csv_bytes": Path(a["data"]).stat().st_size}


def duckdb_query(a: dict[str, Any]) -> dict[str, Any]:
    """One named query's SQL (benchmarks/sql/NAME.sql) on the loaded database, on one thread,
    timed as Dyad's queries are (the rows fetched into Python included)."""
    import duckdb

    con = duckdb.connect(a["db"], read_only=True)
    con.execute("SET threads = 1")  # one core, as Dyad's query steps
    times, (columns, rows) = repeat(lambda: duckdb_answer(con, a["query"], a["params"]), a["repeat"], a["budget"])
    return {"seconds": times, "rows": len(rows), "digest": answer_digest(columns, rows), "threads": 1}


DYAD_STEPS = {
    "dyad_load": dyad_load, "raw_load": raw_load, "dyad_query": dyad_query,
    "dyad_validate_full": dyad_validate_full, "dyad_validate_submission": dyad_validate_submission,
    "dyad_export": dyad_export, "ingest": ingest, "import_gdelt": import_gdelt,
    "duckdb_load": duckdb_load, "duckdb_query": duckdb_query,
}


# ---- baseline: rdflib Graph, rdflib SPARQL, pySHACL over the whole graph ------------------------


def _baseline_query(g: Any, a: dict[str, Any]) -> dict[str, Any]:
    from dyad import queries

    q = queries.load(a["query"])
    # without the #+when lines: they are Dyad's index-start hints for its engine (same rows,
    # tests/test_queries.py), and rdflib evaluates them far slower (who-did-what at 100k: over
    # 600 s with them); a user of rdflib would write the query without them
    text = queries.bind(q, a["params"], when=False)
    times, rows = repeat(lambda: list(g.query(text)), a["repeat"], a["budget"])
    return {"seconds": times, "rows": len(rows)}


def _pyshacl(g: Any) -> tuple[Any, Any]:
    import pyshacl

    from dyad.validate import shapes_graph

    conforms, report, _ = pyshacl.validate(
        g, shacl_graph=shapes_graph(), inference="none", inplace=True, advanced=False,
        allow_warnings=True, allow_infos=True)
    return conforms, report


def _baseline_validate_full(g: Any, a: dict[str, Any]) -> dict[str, Any]:
    from rdflib.namespace import SH

    t = time.perf_counter()
    conforms, report = _pyshacl(g)
    dt = time.perf_counter() - t
    violations = sum(1 for r in report.subjects(SH.resultSeverity, SH.Violation))
    return {"seconds": [dt], "violations": violations, "conforms": bool(conforms)}


def _baseline_validate_submission(g: Any, a: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.generate import submission
    from dyad.validate import _read_report

    sub = submission(Path(a["meta_dir"]))
    described = set(sub.subjects())
    t = time.perf_counter()
    for triple in sub:
        g.add(triple)
    _, report = _pyshacl(g)
    dt = time.perf_counter() - t
    checked = _read_report(report, described)
    problems = sorted([p.focus, p.path, p.shape, p.severity.value] for p in checked.problems)
    return {"seconds": [dt], "problems": problems, "conforms": checked.conforms}


def _baseline_export(g: Any, a: dict[str, Any]) -> dict[str, Any]:
    out = Path(a["tmp"]) / "baseline-export.ttl"
    t = time.perf_counter()
    g.serialize(destination=str(out), format="turtle")
    dt = time.perf_counter() - t
    size = out.stat().st_size
    out.unlink()
    return {"seconds": [dt], "bytes": size}


BASELINE_STEPS = {
    "query": _baseline_query, "validate_full": _baseline_validate_full,
    "validate_submission": _baseline_validate_submission, "export": _baseline_export,
}


def _child(fn: Callable, g: Any, a: dict[str, Any], conn: Any) -> None:
    try:
        out = fn(g, a)
        out["rss_mb"] = rss_mb()
    except Exception as exc:  # report, do not hang the worker
        out = {"error": f"{type(exc).__name__}: {exc}"}
    conn.send(out)
    conn.close()


def baseline_worker(a: dict[str, Any]) -> None:
    """Load the graph once, then run each requested step in a forked child with a time limit.

    One child at a time while Dyad's steps use the other core; two at a time once the file
    ``a["free_core"]`` exists (the runner's side is done) and three copies of the loaded process
    (parent and two children, whose pages copy-on-write may duplicate) fit in ``a["memory_mb"]``.
    Prints one JSON line per step as it finishes: {"key": ..., ...}.
    """
    from multiprocessing.connection import wait

    from rdflib import Graph

    # what the interpreter and libraries hold before the graph: the part of the peak that does
    # not grow with the data, so the runner can extrapolate the rest (its memory-based skip)
    start_mb = rss_mb()
    t = time.perf_counter()
    g = Graph()
    g.parse(a["data"], format="nt")
    dt = time.perf_counter() - t
    loaded_mb = rss_mb()
    print(json.dumps({"key": "load", "seconds": [dt], "triples": len(g), "rss_mb": loaded_mb,
                      "rss_start_mb": start_mb}), flush=True)
    ctx = mp.get_context("fork")
    limit, free_core = a["limit"], a.get("free_core")
    two_fit = 3 * loaded_mb <= a.get("memory_mb", 0)
    todo = [job for job in a["jobs"] if not job.get("skip")]
    running: dict[Any, tuple[dict[str, Any], Any, float]] = {}  # pipe end -> (job, process, start)
    while todo or running:
        width = 2 if two_fit and free_core and os.path.exists(free_core) else 1
        while todo and len(running) < width:
            job = todo.pop(0)
            recv, send = ctx.Pipe(duplex=False)
            p = ctx.Process(target=_child, args=(BASELINE_STEPS[job["step"]], g, {**a, **job}, send))
            p.start()
            send.close()
            running[recv] = (job, p, time.perf_counter())
        # wake for a result, a step's deadline, or (every second) to look for the free core
        first_deadline = min(started + job.get("limit", limit) for job, _, started in running.values())
        ready = wait(list(running), timeout=max(0.0, min(1.0, first_deadline - time.perf_counter())))
        now = time.perf_counter()
        for recv, (job, p, started) in list(running.items()):
            out: dict[str, Any]
            if recv in ready:
                try:
                    out = recv.recv()
                except EOFError:
                    out = {"error": "the step's process died (out of memory?)"}
            elif now - started >= job.get("limit", limit):
                out = {"timeout": job.get("limit", limit)}
            else:
                continue
            if p.is_alive():
                p.kill()
            p.join()
            recv.close()
            del running[recv]
            print(json.dumps({"key": job["key"], **out}), flush=True)


def main() -> None:
    step, args = sys.argv[1], json.loads(sys.argv[2])
    if step == "baseline":
        baseline_worker(args)
        return
    if args.get("engine"):  # read by dyad.shacl.engine() on every call
        os.environ["DYAD_SHACL_ENGINE"] = args["engine"]
    out = DYAD_STEPS[step](args)
    out["rss_mb"] = rss_mb()
    print(json.dumps(out))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()


__all__ = ["QUERIES", "answer_digest", "answer_rows", "query_file", "query_params", "sql_params", "statistics"]
