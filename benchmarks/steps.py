"""The measured steps. Each runs in a process of its own, so its peak resident set is its own.

Dyad's steps open the on-disk store the load step built (``python -m benchmarks.steps STEP
ARGS_JSON``, one fresh interpreter per step). The baseline has no on-disk form, so its worker
parses the N-Triples file into an ``rdflib.Graph`` once (the load step) and forks one child per
later step: the child starts with the loaded graph, as a user's process would, and its peak
resident set is that of a process holding the graph and running the step.

Every step prints (or sends) one JSON object: ``seconds`` (list of timed runs), ``rss_mb`` (peak
resident set of the process, from ``getrusage``) and step-specific fields.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

QUERIES = ("who-did-what", "timeline", "dyads", "claims")


def query_params(meta: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The parameters each named query is benchmarked with."""
    return {
        "who-did-what": {"actor": meta["query_actor"], "from": meta["query_from"], "to": meta["query_to"]},
        "timeline": {"actor": meta["query_actor"]},
        "dyads": {},
        "claims": {},
    }


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
    return {"seconds": times, "rows": len(result.rows)}


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
    names = store.sources()
    done = violations = 0
    t = time.perf_counter()
    for part, report in gate.iter_check_store(store, chunk=chunk):
        violations += sum(1 for p in report.problems if p.severity.value == "violation")
        done += len(part)
        if time.perf_counter() - t > a["budget"]:
            break
    dt = time.perf_counter() - t
    total = dt * len(names) / max(done, 1)
    return {"seconds": [total], "measured_seconds": dt, "sources_checked": done,
            "sources": len(names), "extrapolated": done < len(names), "violations": violations,
            "chunk": chunk, "engine": engine().name, "ms_per_source": 1000 * dt / max(done, 1)}


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


DYAD_STEPS = {
    "dyad_load": dyad_load, "raw_load": raw_load, "dyad_query": dyad_query,
    "dyad_validate_full": dyad_validate_full, "dyad_validate_submission": dyad_validate_submission,
    "dyad_export": dyad_export, "ingest": ingest, "import_gdelt": import_gdelt,
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


__all__ = ["QUERIES", "query_params", "statistics"]
