"""``python -m benchmarks [--sizes 10k,100k] [--repeat N] [--out FILE]``: Dyad against DuckDB and rdflib + pySHACL.

For each size (smallest first): generate the data (benchmarks/generate.py, in a process of its
own; cached in --data until the generator, ontology or registry change), then measure, each step
in a process of its own (benchmarks/steps.py):

- load: Dyad (``Store.bulk_load`` into an on-disk store, with ``dyg:derived`` computed), raw
  pyoxigraph ``bulk_load`` of the same file (the floor), and DuckDB reading the flat event table
  (``events.csv``: the same events, one row per event x agent x target) into an on-disk
  database. All three use several threads, so they run alone, one after the other;
- then two lanes at the same time, one core each (every step in them is single-threaded):
  Dyad's remaining steps and then DuckDB's queries (``SET threads=1``) in the foreground, and the
  baseline worker in the background, which loads the same triples plus the summaries into
  ``rdflib.Graph`` and runs its steps;
- each named query (median and p95 over up to --repeat runs, fewer when a query's runs pass
  --budget seconds): Dyad's store against DuckDB running the same question as SQL
  (benchmarks/sql/NAME.sql, the same parameters bound; answers compared by row count and a digest
  of every cell) and against rdflib's SPARQL engine on the same, bound, query text;
- full validation: Dyad checks each source with its neighbourhood (gate.check, in chunks), the
  baseline runs pySHACL over the whole graph;
- a 100-event submission: gate.check against the store, and pySHACL over the whole graph plus the
  submission; both reports are compared;
- export to Turtle; ingest (articles per second, when ``ingest.pipeline`` is available);
- ``dyad import gdelt``: rows per second, the real 15-minute file and a day made of it.

Once Dyad's side of a size is done and the next size generated (single-threaded, while the
baseline goes on with one step), the baseline may run two steps at a time, one core each, when
three copies of its loaded process fit in memory. It is waited for before the next size's loads,
so multi-threaded steps never share the machine.

A baseline step is not run when, at a smaller size in this run, it failed with an error or was
stopped at --limit; or when its estimate (linear in size from the largest smaller size measured,
in this run, else in --out's earlier content or benchmarks/results/reference.json) passes --limit
seconds; one that runs over the limit is stopped. The baseline load (and so every baseline step)
is also skipped when its estimated peak resident set passes 60% of physical memory. The table
says which and why. The whole run's wall time, and each size's, is printed and stored.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.generate import SIZES, fingerprint
from benchmarks.steps import QUERIES, query_file, query_params

ROOT = Path(__file__).resolve().parent.parent
GDELT = ROOT / "tests" / "data" / "gdelt" / "20150218230000.export.CSV.zip"
GDELT_DAY_COPIES = 66  # about 150,000 rows, a day of GDELT 2.0 (docs/gdelt.md)
ARTICLES = [ROOT / "data" / "samples" / "article-id-2024-10-24.txt", *sorted((ROOT / "data" / "dev").glob("*.txt"))]
# The baseline worker and Dyad's steps run at the same time, and a forked baseline child touches
# much of its parent's graph (reference counts), so the share left for one side is well under all.
MEMORY_SHARE = 0.6
# Dyad's loads are what the other steps need; the limit only guards against a hang (1M events:
# ~10 minutes expected here).
LOAD_LIMIT_FACTOR = 6
BASELINE_SPARED = {"query dyads, one year": "not run: compared with DuckDB only (rdflib's dyads is the whole-graph row)"}
PYSHACL_FULL = "validate whole graph, pySHACL engine"
PYSHACL_SUBMISSION = "validate 100-event submission, pySHACL engine"
CONCURRENCY_NOTE = ("Loads (Dyad's, raw pyoxigraph's, DuckDB's) ran alone; after them the baseline ran on the other "
                    "core at the same time as Dyad's other steps and then DuckDB's queries (one core each, every "
                    "step in both single-threaded; DuckDB with SET threads=1)")
TWO_AT_ONCE_NOTE = "; once Dyad's side was done, the baseline ran two of its steps at a time, one core each"


def _env() -> dict[str, str]:
    # one core per lane: numpy's BLAS (spaCy in ingest, pySHACL's dependencies) would otherwise
    # start a thread per core and take the other lane's core
    threads = {k: os.environ.get(k, "1") for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    return {**os.environ, **threads,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def _step(step: str, args: dict[str, Any], limit: float) -> dict[str, Any]:
    """One Dyad step in a fresh interpreter."""
    try:
        proc = subprocess.run([sys.executable, "-m", "benchmarks.steps", step, json.dumps(args)],
                              capture_output=True, text=True, timeout=limit, cwd=ROOT, env=_env())
    except subprocess.TimeoutExpired:
        return {"timeout": limit}
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


class BaselineWorker:
    """The baseline worker (benchmarks.steps ``baseline``) running in the background.

    Its output goes to files, not pipes: nobody reads while Dyad's steps run in the foreground,
    and a full pipe would stall the worker and inflate its timings. It runs in a session of its
    own so that a stop also ends the children it forked.
    """

    def __init__(self, args: dict[str, Any], limit: float, log_dir: Path, label: str, *, two_at_once: bool) -> None:
        self.out_path = log_dir / f"baseline-{label}.out"
        self.err_path = log_dir / f"baseline-{label}.err"
        self.free_core_path = log_dir / f"baseline-{label}.free-core"
        self.free_core_path.unlink(missing_ok=True)
        self.two_at_once = two_at_once
        args = {**args, "free_core": str(self.free_core_path) if two_at_once else None,
                "memory_mb": MEMORY_SHARE * physical_memory_mb()}
        runs = 1 + sum(1 for j in args["jobs"] if not j.get("skip"))
        self.started = time.perf_counter()
        self.deadline = self.started + limit * runs
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "benchmarks.steps", "baseline", json.dumps(args)],
                                         stdout=out, stderr=err, text=True, cwd=ROOT, env=_env(),
                                         start_new_session=True)
        self.ended: float | None = None
        self.stopped = False
        # the worker often ends long before it is waited for (during Dyad's steps or the next
        # size's generation); its own end time is what its side's wall time needs
        self._watch = threading.Thread(target=self._watch_exit, daemon=True)
        self._watch.start()

    def _watch_exit(self) -> None:
        self.proc.wait()
        self.ended = time.perf_counter()

    @property
    def seconds(self) -> float | None:
        return None if self.ended is None else self.ended - self.started

    def release_core(self) -> None:
        """The foreground has nothing left to run: the worker may run two steps at a time."""
        if self.two_at_once:
            self.free_core_path.touch()

    def stop(self) -> None:
        self.stopped = True
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # ended (and its children with it) meanwhile
            pass
        self._watch.join()

    def wait(self) -> dict[str, dict[str, Any]]:
        """Rows by key once the worker has ended (stopped at its deadline)."""
        self._watch.join(timeout=max(0.0, self.deadline - time.perf_counter()))
        if self._watch.is_alive():
            self.stop()
        self.free_core_path.unlink(missing_ok=True)
        out: dict[str, dict[str, Any]] = {}
        for line in self.out_path.read_text().splitlines():
            if line.startswith("{"):
                row = json.loads(line)
                out[row.pop("key")] = row
        if "load" not in out and self.stopped:
            out["load"] = {"timeout": self.deadline - self.started}
        elif "load" not in out:
            err = self.err_path.read_text().strip().splitlines()
            out["load"] = {"error": (err or ["baseline worker failed"])[-1]}
        return out


# ---- what the baseline runs, and why not (pure functions of earlier results) -------------------


def _estimate(previous: list[dict[str, Any]], key: str, n: int) -> tuple[float | None, str | None]:
    """Seconds the baseline would take for ``key`` at ``n`` events, linear from the largest smaller
    size measured (``previous``: this run's sizes, then earlier results files)."""
    best = None
    for size in previous:
        side = size["rows"].get(key, {}).get("baseline", {})
        if size["events"] < n and "seconds" in side and (best is None or size["events"] > best["events"]):
            best = {"events": size["events"], "seconds": side["seconds"][0], "label": size["label"], "from": size.get("from", "this run")}
    if best is None:
        return None, None
    return best["seconds"] * n / best["events"], f"{best['label']}, {best['from']}"


def baseline_peak_mb(size: dict[str, Any]) -> tuple[float, float] | None:
    """(peak resident set over the baseline's steps at this size, the part present before the
    graph was loaded), in MB; None when the baseline did not run."""
    rows = size["rows"]
    peaks = [r["baseline"]["rss_mb"] for r in rows.values() if "rss_mb" in r.get("baseline", {})]
    if not peaks:
        return None
    return max(peaks), rows.get("load", {}).get("baseline", {}).get("rss_start_mb", 0.0)


def memory_estimate(previous: list[dict[str, Any]], n: int) -> tuple[float | None, str | None]:
    """Peak MB the baseline would need at ``n`` events: what grows with the graph, linear from the
    largest smaller size measured, plus what the interpreter held before (0 where not recorded)."""
    best = None
    for size in previous:
        peak = baseline_peak_mb(size)
        if size["events"] < n and peak is not None and (best is None or size["events"] > best[0]["events"]):
            best = (size, peak)
    if best is None:
        return None, None
    size, (peak, start) = best
    return start + (peak - start) * n / size["events"], f"{size['label']}, {size.get('from', 'this run')}"


def load_skip_reason(previous: list[dict[str, Any]], n: int, limit: float, memory_mb: float) -> str | None:
    """Why the baseline does not load ``n`` events at all (time, memory, or both), or None."""
    why = []
    est, source = _estimate(previous, "load", n)
    if est is not None and est > limit:
        why.append(f"estimated {est:,.0f} s (linear from {source}) > {limit:.0f} s")
    mem, source = memory_estimate(previous, n)
    if mem is not None and mem > MEMORY_SHARE * memory_mb:
        why.append(f"estimated peak RSS {mem:,.0f} MB (linear from {source}) > "
                   f"{MEMORY_SHARE:.0%} of {memory_mb:,.0f} MB memory")
    return "skipped: " + "; ".join(why) if why else None


def failed_before(this_run: list[dict[str, Any]], key: str, n: int) -> str | None:
    """'not run: ...' when the baseline's ``key`` failed or was stopped at a smaller size of this
    run: a larger graph will not fix rdflib's error and takes longer than the limit did."""
    for size in sorted(this_run, key=lambda s: s["events"]):
        if size["events"] >= n:
            break
        side = size["rows"].get(key, {}).get("baseline", {})
        if "error" in side:
            return f"not run: failed at {size['label']} ({side['error'][:80]})"
        if "timeout" in side:
            return f"not run: stopped at {side['timeout']:.0f} s at {size['label']}"
    return None


def job_skip_reason(key: str, step: str, n: int, limit: float, this_run: list[dict[str, Any]],
                    previous: list[dict[str, Any]], skip: set[str]) -> tuple[str | None, float | None]:
    """(why the baseline step ``key`` is not run at ``n`` events or None, its time estimate)."""
    est, source = _estimate(previous, key, n)
    if step in skip:
        return "skipped (--skip)", est
    failed = failed_before(this_run, key, n)
    if failed:
        return failed, est
    if est is not None and est > limit:
        return f"skipped: estimated {est:,.0f} s (linear from {source}) > {limit:.0f} s", est
    return None, est


def physical_memory_mb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    except (ValueError, OSError, AttributeError):
        return math.inf


def _earlier(paths: list[Path]) -> list[dict[str, Any]]:
    out = []
    for path in paths:
        try:
            for size in json.loads(path.read_text())["sizes"]:
                out.append({**size, "from": path.name})
        except (OSError, ValueError, KeyError):
            continue
    return out


def _stats(seconds: list[float]) -> dict[str, float]:
    s = sorted(seconds)
    p95 = s[min(len(s) - 1, math.ceil(0.95 * len(s)) - 1)]
    return {"median": statistics.median(s), "p95": p95, "runs": len(s)}


def environment() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for pkg in ("pyoxigraph", "rdflib", "pyshacl", "pyshacl-turbo", "spacy", "duckdb"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": round(physical_memory_mb()),
            "python": platform.python_version(), "platform": platform.platform(), "versions": versions,
            "command": " ".join(["python -m benchmarks", *sys.argv[1:]])}


# ---- one size ----------------------------------------------------------------------------------


class Measuring:
    """One size whose Dyad side is done and whose baseline may still be running."""

    def __init__(self, size: dict[str, Any], started: float, dyad_ended: float, worker: BaselineWorker | None) -> None:
        self.size, self.started, self.dyad_ended, self.worker = size, started, dyad_ended, worker

    def finish(self) -> dict[str, Any]:
        size, rows = self.size, self.size["rows"]
        jobs = size.pop("jobs")
        if self.worker is not None:
            self.worker.release_core()
            out = self.worker.wait()
            size["baseline_seconds"] = self.worker.seconds
            rows["load"]["baseline"] = out.get("load", {})
            for j in jobs:
                rows[j["key"]]["baseline"] = ({"skipped": True, "reason": j["reason"], "estimate": j["estimate"]} if j["skip"]
                                              else out.get(j["key"], {"error": "no result"}))
        ended = max(self.dyad_ended, self.worker.ended if self.worker and self.worker.ended else 0.0)
        size["wall_seconds"] = ended - self.started
        for r in rows.values():
            for side in r.values():
                if "seconds" in side:
                    side.update(_stats(side["seconds"]))
        sub = rows["validate 100-event submission"]
        if "problems" in sub["dyad"] and "problems" in sub["baseline"]:
            sub["same_report"] = sub["dyad"]["problems"] == sub["baseline"]["problems"]
        for q in QUERIES:
            r = rows[f"query {q}"]
            if "rows" in r["dyad"] and "rows" in r.get("baseline", {}):
                r["same_rows"] = r["dyad"]["rows"] == r["baseline"]["rows"]
            d, k = r["dyad"], r.get("duckdb", {})
            if "digest" in d and "digest" in k:  # the same question answered: every cell compared
                r["same_answer_duckdb"] = d["rows"] == k["rows"] and d["digest"] == k["digest"]
                if not r["same_answer_duckdb"]:
                    print(f"[{size['label']}] WARNING: DuckDB's answer to {q} differs from Dyad's "
                          f"({d['rows']} vs {k['rows']} rows, digest {d['digest']} vs {k['digest']})", flush=True)
        print(f"[{size['label']}] done: wall {size['wall_seconds']:.0f} s (generate {size['generate_seconds']:.0f} s, "
              f"loads {size['load_seconds']:.0f} s alone, then Dyad {size['dyad_seconds']:.0f} s | "
              f"baseline {size.get('baseline_seconds') or 0:.0f} s)", flush=True)
        return size


def prepare(label: str, n: int, opts: argparse.Namespace) -> tuple[Path, dict[str, Any], float]:
    """Generate (unless cached): single-threaded, so it may overlap the previous baseline."""
    data_dir = Path(opts.data) / label
    t = time.perf_counter()
    meta_path = data_dir / "meta.json"  # written last: a cut-short generation is redone
    if not meta_path.exists() or json.loads(meta_path.read_text()).get("generator") != fingerprint():
        # in a process of its own: a child's peak RSS (getrusage) starts from its parent's
        # resident set when it is spawned, so a runner that had grown while generating (0.6 GB
        # at 1M) would raise every later step's figure to that
        proc = subprocess.run([sys.executable, "-m", "benchmarks.generate", str(n), str(data_dir)],
                              capture_output=True, text=True, cwd=ROOT, env=_env())
        if proc.returncode != 0:
            raise RuntimeError(f"generating {label} failed: {proc.stderr.strip()[-2000:]}")
    meta = json.loads(meta_path.read_text())
    return data_dir, meta, time.perf_counter() - t


def measure(label: str, n: int, data_dir: Path, meta: dict[str, Any], gen_seconds: float,
            opts: argparse.Namespace, this_run: list[dict[str, Any]], previous: list[dict[str, Any]]) -> Measuring:
    """Loads alone, then the baseline worker in the background while Dyad's other steps run."""
    tmp = Path(opts.data) / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    store = tmp / f"store-{label}"
    shutil.rmtree(store, ignore_errors=True)
    limit, rep, budget = opts.limit, opts.repeat, opts.budget
    print(f"[{label}] {meta['events']} events, {meta['sources']} sources (generated in {gen_seconds:.1f} s)", flush=True)

    rows: dict[str, dict[str, Any]] = {}
    base = {"meta_dir": str(data_dir), "tmp": str(tmp), "store": str(store)}
    duck = {"db": str(tmp / f"duckdb-{label}.duckdb")}
    t = time.perf_counter()
    # a size's wall time is its generation plus its loads to the end of both sides: waiting for
    # the previous size's baseline belongs to that size
    started = t - gen_seconds
    rows["load"] = {"dyad": _step("dyad_load", {**base, "data": str(data_dir / "sources.nq")}, limit * LOAD_LIMIT_FACTOR)}
    rows["load"]["raw_pyoxigraph"] = _step("raw_load", {**base, "data": str(data_dir / "sources.nq")}, limit * LOAD_LIMIT_FACTOR)
    # DuckDB's load alone too, with its own thread count (as the two above): the flat table
    s = time.perf_counter()
    rows["load"]["duckdb"] = _step("duckdb_load", {**base, **duck, "data": str(data_dir / "events.csv")}, limit)
    duckdb_seconds = time.perf_counter() - s
    load_seconds = time.perf_counter() - t
    print(f"[{label}] loads done in {load_seconds:.1f} s", flush=True)

    params = query_params(meta)
    keys = [(f"query {q}", "query", {"query": query_file(q), "params": params[q], "repeat": rep, "budget": budget}) for q in QUERIES]
    keys += [("validate whole graph", "validate_full", {}), ("validate 100-event submission", "validate_submission", {}),
             ("export turtle", "export", {})]
    jobs = []
    for key, step, extra in keys:
        step_limit = min(limit, opts.query_limit) if step == "query" else limit
        reason, est = job_skip_reason(key, step, n, step_limit, this_run, previous, opts.skip)
        if key in BASELINE_SPARED:
            # rdflib needs seconds to minutes per query: the row is measured against DuckDB, the peer
            # that matters, and make bench stays within its 10 minutes
            reason, est = BASELINE_SPARED[key], None
        rows[key] = {}
        jobs.append({"key": key, "step": step, **extra, "skip": bool(reason), "reason": reason, "estimate": est,
                     "limit": step_limit})
    rows["ingest"] = {"baseline": {"skipped": True, "reason": "no baseline: ingest is Dyad's own pipeline"}}
    rows["import gdelt"] = {"baseline": {"skipped": True, "reason": "no baseline: GDELT's rows become Dyad's events"}}
    for key in (PYSHACL_FULL, PYSHACL_SUBMISSION):
        rows[key] = {"baseline": {"skipped": True, "reason": "the baseline is pySHACL: see the row without the engine"}}
    worker = None
    no_load = load_skip_reason(previous, n, limit, physical_memory_mb())
    if no_load:
        rows["load"]["baseline"] = {"skipped": True, "reason": no_load}
        for j in jobs:
            rows[j["key"]]["baseline"] = {"skipped": True, "reason": j["reason"] or "not run: the baseline load was skipped"}
        jobs = []
        print(f"[{label}] baseline {no_load}", flush=True)
    else:
        worker = BaselineWorker({**base, "data": str(data_dir / "baseline.nt"), "jobs": jobs, "limit": limit},
                                limit, tmp, label, two_at_once=opts.baseline_jobs > 1)
        print(f"[{label}] baseline started in the background", flush=True)

    t = time.perf_counter()
    # (row, side, step, its arguments, its limit), in the foreground lane, in this order
    dyad: list[tuple[str, str, str, dict[str, Any], float]] = [
        (f"query {q}", "dyad", "dyad_query", {"query": query_file(q), "params": params[q], "repeat": rep, "budget": budget}, limit)
        for q in QUERIES]
    validate_jobs = getattr(opts, "validate_jobs", 1)  # (a Namespace built by hand may lack it)
    if validate_jobs > 1:  # both cores: run it with the baseline lane skipped, or the two contend
        dyad.append((f"validate whole graph, {validate_jobs} processes", "dyad", "dyad_validate_full",
                     {"budget": opts.validate_budget, "jobs": validate_jobs}, limit * 2))
    dyad += [("validate whole graph", "dyad", "dyad_validate_full", {"budget": opts.validate_budget}, limit * 2),
             ("validate 100-event submission", "dyad", "dyad_validate_submission", {"repeat": rep, "budget": budget}, limit),
             # the same two with pySHACL alone: what Dyad does without the optional accelerator
             (PYSHACL_FULL, "dyad", "dyad_validate_full", {"budget": opts.validate_budget, "engine": "pyshacl"}, limit * 2),
             (PYSHACL_SUBMISSION, "dyad", "dyad_validate_submission",
              {"repeat": rep, "budget": budget, "engine": "pyshacl"}, limit),
             ("export turtle", "dyad", "dyad_export", {}, limit),
             ("ingest", "dyad", "ingest", {"articles": [str(p) for p in ARTICLES]}, limit),
             ("import gdelt", "dyad", "import_gdelt", {"gdelt": str(GDELT), "copies": opts.gdelt_copies}, limit)]
    # DuckDB's queries last, on the same core under the same conditions as Dyad's (the baseline
    # on the other core, when it runs), one thread each
    if "rows" in rows["load"]["duckdb"]:
        dyad += [(f"query {q}", "duckdb", "duckdb_query",
                  {**duck, "query": query_file(q), "params": params[q], "repeat": rep, "budget": budget}, min(limit, opts.query_limit))
                 for q in QUERIES]
    else:
        for q in QUERIES:
            rows[f"query {q}"]["duckdb"] = {"skipped": True, "reason": "not run: DuckDB's load failed"}
    try:
        for key, side, step, extra, step_limit in dyad:
            s = time.perf_counter()
            rows[key][side] = _step(step, {**base, **extra}, step_limit)
            if side == "duckdb":
                duckdb_seconds += time.perf_counter() - s
            print(f"[{label}] {side} {key}: {time.perf_counter() - s:.1f} s", flush=True)
    except BaseException:
        # the worker has a session of its own, so Ctrl-C in the terminal does not reach it
        if worker is not None:
            worker.stop()
        raise
    dyad_ended = time.perf_counter()
    dyad_seconds = dyad_ended - t
    shutil.rmtree(store, ignore_errors=True)
    for path in (Path(duck["db"]), Path(f"{duck['db']}.wal")):
        path.unlink(missing_ok=True)
    print(f"[{label}] dyad done in {dyad_seconds:.1f} s (DuckDB's steps {duckdb_seconds:.1f} s of the run)", flush=True)
    size = {"label": label, "events": meta["events"], "meta": meta, "generate_seconds": gen_seconds,
            "load_seconds": load_seconds, "dyad_seconds": dyad_seconds, "baseline_seconds": None,
            "duckdb_seconds": duckdb_seconds, "rows": rows, "jobs": jobs}
    return Measuring(size, started, dyad_ended, worker)


def run(labels: list[str], opts: argparse.Namespace, earlier: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every size, smallest first (estimates and failures carry upwards)."""
    sizes = sorted(((label, SIZES.get(label) or int(label)) for label in labels), key=lambda x: x[1])
    done: list[dict[str, Any]] = []
    pending: Measuring | None = None
    try:
        for label, n in sizes:
            # single-threaded, on the core Dyad's side of the previous size has left
            data_dir, meta, gen_seconds = prepare(label, n, opts)
            if pending is not None:  # before this size's loads, which use several threads
                done.append(pending.finish())
                pending = None
            pending = measure(label, n, data_dir, meta, gen_seconds, opts, done, done + earlier)
        if pending is not None:
            done.append(pending.finish())
            pending = None
    finally:  # e.g. Ctrl-C during the next size's generation
        if pending is not None and pending.worker is not None:
            pending.worker.stop()
    return done


# ---- the table -------------------------------------------------------------------------------


def _fmt_time(s: float) -> str:
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def _cell(row: str, side: dict[str, Any]) -> str:
    if not side:
        return "-"
    if side.get("skipped"):
        return side.get("reason") or "skipped"
    if "timeout" in side:
        return f"stopped at {side['timeout']:.0f} s"
    if "error" in side:
        return f"error: {side['error'][:60]}"
    if side.get("available") is False:
        return "not available"
    if row == "load":
        return f"{side['triples'] / side['median']:,.0f} triples/s ({side['median']:.1f} s)"
    if row == "import gdelt":
        day, one = side["day"], side["file"]
        return (f"{day['rows'] / day['seconds']:,.0f} rows/s: a day, {day['rows']:,} rows, in {day['seconds']:.1f} s "
                f"({day['events']:,} events); one 15-minute file, {one['rows']:,} rows, in {one['seconds']:.2f} s")
    if row == "ingest":
        return (f"{side['articles'] / side['median']:.1f} articles/s pipeline; "
                f"{side['articles'] / side['admit_seconds']:.1f}/s with validate+write")
    if row.startswith("query") or row.startswith("validate 100"):
        return f"{_fmt_time(side['median'])} (p95 {_fmt_time(side['p95'])}, n={side['runs']})"
    text = _fmt_time(side["median"])
    if side.get("extrapolated"):
        text += f" est. ({side['sources_checked']}/{side['sources']} sources in {side['measured_seconds']:.0f} s)"
    return text


def _ratio(row: str, r: dict[str, Any]) -> str:
    d, b = r.get("dyad", {}), r.get("baseline", {})
    if "median" in d and "timeout" in b:  # a lower bound on the speed-up
        return f"< {d['median'] / b['timeout']:.4f} (over {b['timeout'] / d['median']:.0f}x)"
    if "median" in d and b.get("skipped") and b.get("estimate"):
        return f"~{d['median'] / b['estimate']:.4f} (~{b['estimate'] / d['median']:.0f}x, estimated)"
    if "median" not in d or "median" not in b:
        return "-"
    if row == "load":  # times for the same triples plus Dyad's summaries
        return f"{d['median'] / b['median']:.3f} ({b['median'] / d['median']:.1f}x)"
    return f"{d['median'] / b['median']:.4f} ({b['median'] / d['median']:.0f}x)"


def _duck_ratio(r: dict[str, Any]) -> str:
    """Dyad's time over DuckDB's (above 1: DuckDB is faster), and who is faster by how much."""
    d, k = r.get("dyad", {}), r.get("duckdb", {})
    if "median" not in d or "median" not in k or not k["median"]:
        return "-"
    x = d["median"] / k["median"]
    return f"{x:.1f} (DuckDB {x:.0f}x faster)" if x >= 1 else f"{x:.2f} (Dyad {1 / x:.1f}x faster)"


def _duck_cell(row: str, r: dict[str, Any]) -> str:
    k = r.get("duckdb")
    if not k:
        return "-"
    if row == "load" and "median" in k:
        return (f"{k['rows'] / k['median']:,.0f} rows/s ({k['median']:.2f} s; {k['rows']:,} rows, "
                f"{k.get('threads', '?')} threads)")
    text = _cell(row, k)
    if "same_answer_duckdb" in r:
        text += ("; same answer" if r["same_answer_duckdb"] else
                 f"; **DIFFERENT ANSWER** ({k['rows']} rows, Dyad {r['dyad']['rows']})")
    elif "rows" in k:
        text += f"; {k['rows']} rows, not compared"
    return text


def _wall(size: dict[str, Any]) -> str:
    if "wall_seconds" not in size:  # results written before the runner timed its sizes
        return ""
    base = size.get("baseline_seconds")
    duck = size.get("duckdb_seconds")  # None: results written before DuckDB was a peer
    return (f"Wall time {size['wall_seconds']:.0f} s: generation {size['generate_seconds']:.0f} s, loads "
            f"{size['load_seconds']:.0f} s alone, then Dyad's other steps"
            + (" and DuckDB's queries" if duck is not None else "") + f" {size['dyad_seconds']:.0f} s"
            + (f" and, on the other core at the same time, the baseline {base:.0f} s (its load included)."
               if base is not None else "; the baseline did not run.")
            + (f" DuckDB's load and queries took {duck:.1f} s of these (their processes included)." if duck is not None else ""))


def table(results: dict[str, Any]) -> str:
    env = results["env"]
    lines = [f"CPU: {env['cpu']} ({env['cores']} cores); Python {env['python']}; "
             + ", ".join(f"{k} {v}" for k, v in env["versions"].items())]
    if "wall_seconds" in results:
        lines.append(f"Whole run: {results['wall_seconds']:.0f} s wall. {results.get('schedule', CONCURRENCY_NOTE + '.')}")
    for size in results["sizes"]:
        m = size["meta"]
        lines.append("")
        lines.append(f"### {size['label']}: {m['events']:,} events, {m['reports']:,} reports, {m['sources']:,} sources, "
                     f"{size['rows']['load']['dyad'].get('triples', 0):,} quads in the store")
        lines.append("")
        if _wall(size):
            lines += [_wall(size), ""]
        lines.append("| step | Dyad | DuckDB (flat table; queries on one thread) | Dyad/DuckDB | "
                     "baseline (rdflib + pySHACL; the other core, same time) | Dyad/baseline (speed-up) | "
                     "peak RSS Dyad / DuckDB / baseline |")
        lines.append("|---|---|---|---|---|---|---|")
        for row, r in size["rows"].items():
            d, b, k = r.get("dyad", {}), r.get("baseline", {}), r.get("duckdb", {})
            mem = " / ".join([f"{d.get('rss_mb', 0):,.0f}", f"{k['rss_mb']:,.0f}" if "rss_mb" in k else "-",
                              f"{b['rss_mb']:,.0f} MB" if "rss_mb" in b else "- MB"])
            note = ""
            if "same_report" in r:
                note = "; same report" if r["same_report"] else "; REPORTS DIFFER"
            if "same_rows" in r and not r["same_rows"]:
                note = f"; rows differ ({d['rows']} vs {b['rows']})"
            elif "rows" in d:
                note += f"; {d['rows']} rows"
            lines.append(f"| {row} | {_cell(row, d)}{note} | {_duck_cell(row, r)} | {_duck_ratio(r)} | "
                         f"{_cell(row, b)} | {_ratio(row, r)} | {mem} |")
            if row == "load" and "median" in r.get("raw_pyoxigraph", {}):
                raw = r["raw_pyoxigraph"]
                lines.append(f"| load: raw pyoxigraph bulk_load (floor) | {_cell('load', raw)} | | | | "
                             f"Dyad/raw {d['median'] / raw['median']:.2f} | {raw.get('rss_mb', 0):,.0f} MB |")
    return "\n".join(lines)


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated: 300, 1k, 10k, 100k, 1m or a number")
    ap.add_argument("--repeat", type=int, default=5, help="runs per query (median, p95)")
    ap.add_argument("--budget", type=float, default=20.0, help="seconds per query after which no more runs start")
    ap.add_argument("--validate-budget", type=float, default=20.0,
                    help="seconds of Dyad's whole-graph validation to measure before extrapolating")
    ap.add_argument("--validate-jobs", type=int, default=1,
                    help="also measure whole-graph validation in this many processes (gate.check_store jobs)")
    ap.add_argument("--gdelt-copies", type=int, default=GDELT_DAY_COPIES,
                    help="copies of the real GDELT file that make the import step's day (66: ~150k rows)")
    ap.add_argument("--limit", type=float, default=600.0, help="seconds a baseline step may take (skip/stop beyond)")
    ap.add_argument("--query-limit", type=float, default=60.0,
                    help="seconds a baseline query may take (skip/stop beyond; its ratio is then a bound)")
    ap.add_argument("--baseline-jobs", type=int, choices=(1, 2), default=1,
                    help="baseline steps at a time once Dyad's side of a size is done (one core each)")
    ap.add_argument("--skip", default="", help="baseline steps not to run: query, validate_full, validate_submission, export")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "latest.json"))
    ap.add_argument("--data", default=str(ROOT / ".dyad" / "bench"), help="where generated data and stores go")
    opts = ap.parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        # a plain kill as well as Ctrl-C must end the background baseline worker, which has a
        # session of its own (the cleanup runs on the way out of run())
        signal.signal(signal.SIGTERM, _terminate)
    t = time.perf_counter()
    results: dict[str, Any] = {"env": environment(), "sizes": []}
    opts.skip = {s.strip() for s in opts.skip.split(",") if s.strip()}
    earlier = _earlier([Path(opts.out), ROOT / "benchmarks" / "results" / "reference.json"])
    labels = [s.strip().lower() for s in opts.sizes.split(",") if s.strip()]
    results["sizes"] = run(labels, opts, earlier)
    results["wall_seconds"] = time.perf_counter() - t
    results["schedule"] = CONCURRENCY_NOTE + (TWO_AT_ONCE_NOTE if opts.baseline_jobs > 1 else "") + "."
    out = Path(opts.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(table(results))
    differ = [f"{s['label']} {key}" for s in results["sizes"] for key, r in s["rows"].items()
              if r.get("same_answer_duckdb") is False]
    if differ:
        print("\nWARNING: DuckDB's answer differs from Dyad's: " + ", ".join(differ))
    wall = results["wall_seconds"]
    print(f"\nwall time {wall:.0f} s ({wall / 60:.1f} min); "
          + ", ".join(f"{s['label']} {s['wall_seconds']:.0f} s (Dyad {s['load_seconds'] + s['dyad_seconds']:.0f} s "
                      f"with DuckDB's {s['duckdb_seconds']:.0f} s, baseline {s['baseline_seconds'] or 0:.0f} s)"
                      for s in results["sizes"]))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
