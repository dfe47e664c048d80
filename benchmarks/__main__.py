"""``python -m benchmarks [--sizes 10k,100k] [--repeat N] [--out FILE]``: Dyad against rdflib + pySHACL.

For each size: generate the data (benchmarks/generate.py; cached in --data), then measure, each
step in a process of its own (benchmarks/steps.py):

- load: Dyad (``Store.bulk_load`` into an on-disk store, with ``dyg:derived`` computed), raw
  pyoxigraph ``bulk_load`` of the same file (the floor), rdflib ``Graph.parse`` of the same
  triples plus the summaries (the baseline);
- each named query (median and p95 over up to --repeat runs, fewer when a query's runs pass
  --budget seconds): Dyad's store against rdflib's SPARQL engine on the same, bound, query text;
- full validation: Dyad checks each source with its neighbourhood (gate.check, in chunks), the
  baseline runs pySHACL over the whole graph;
- a 100-event submission: gate.check against the store, and pySHACL over the whole graph plus the
  submission; both reports are compared;
- export to Turtle; ingest (articles per second, when ``ingest.pipeline`` is available).

A baseline step whose estimate (linear in size from the largest smaller size measured, in this
run, else in --out's earlier content or benchmarks/results/reference.json) passes --limit seconds
(10 minutes) is skipped and the table says so; one that runs over it is stopped.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.generate import SIZES, generate
from benchmarks.steps import QUERIES, query_params

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = [ROOT / "data" / "samples" / "article-id-2024-10-24.txt", *sorted((ROOT / "data" / "dev").glob("*.txt"))]


def _step(step: str, args: dict[str, Any], limit: float) -> dict[str, Any]:
    """One Dyad step in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    try:
        proc = subprocess.run([sys.executable, "-m", "benchmarks.steps", step, json.dumps(args)],
                              capture_output=True, text=True, timeout=limit, cwd=ROOT, env=env)
    except subprocess.TimeoutExpired:
        return {"timeout": limit}
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _baseline(args: dict[str, Any], limit: float) -> dict[str, dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    total = limit * (1 + len(args["jobs"]))
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.steps", "baseline", json.dumps(args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    out: dict[str, dict[str, Any]] = {}
    try:
        stdout, stderr = proc.communicate(timeout=total)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    for line in stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            out[row.pop("key")] = row
    if "load" not in out:
        out["load"] = {"error": (stderr.strip().splitlines() or ["baseline worker failed"])[-1]}
    return out


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
    for pkg in ("pyoxigraph", "rdflib", "pyshacl", "spacy"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "versions": versions,
            "command": " ".join(["python -m benchmarks", *sys.argv[1:]])}


def run_size(label: str, n: int, opts: argparse.Namespace, previous: list[dict[str, Any]]) -> dict[str, Any]:
    data_dir = Path(opts.data) / label
    tmp = Path(opts.data) / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    if not (data_dir / "meta.json").exists():
        generate(n, data_dir)
    gen_seconds = time.perf_counter() - t
    meta = json.loads((data_dir / "meta.json").read_text())
    store = tmp / f"store-{label}"
    shutil.rmtree(store, ignore_errors=True)
    limit, rep, budget = opts.limit, opts.repeat, opts.budget
    print(f"[{label}] {meta['events']} events, {meta['sources']} sources (generated in {gen_seconds:.1f} s)", flush=True)

    rows: dict[str, dict[str, Any]] = {}
    base = {"meta_dir": str(data_dir), "tmp": str(tmp), "store": str(store)}
    rows["load"] = {"dyad": _step("dyad_load", {**base, "data": str(data_dir / "sources.nq")}, limit)}
    rows["load"]["raw_pyoxigraph"] = _step("raw_load", {**base, "data": str(data_dir / "sources.nq")}, limit)
    params = query_params(meta)
    for q in QUERIES:
        rows[f"query {q}"] = {"dyad": _step("dyad_query", {**base, "query": q, "params": params[q],
                                                           "repeat": rep, "budget": budget}, limit)}
    rows["validate whole graph"] = {"dyad": _step("dyad_validate_full", {**base, "budget": opts.validate_budget}, limit * 2)}
    rows["validate 100-event submission"] = {"dyad": _step("dyad_validate_submission", {**base, "repeat": rep, "budget": budget}, limit)}
    rows["export turtle"] = {"dyad": _step("dyad_export", base, limit)}
    rows["ingest"] = {"dyad": _step("ingest", {**base, "articles": [str(p) for p in ARTICLES]}, limit)}
    print(f"[{label}] dyad done", flush=True)

    # baseline: estimate each step from the largest smaller size measured (this run first, then
    # earlier results), skip what would pass the limit
    jobs = []
    keys = [(f"query {q}", "query", {"query": q, "params": params[q], "repeat": rep, "budget": budget}) for q in QUERIES]
    keys += [("validate whole graph", "validate_full", {}), ("validate 100-event submission", "validate_submission", {}),
             ("export turtle", "export", {})]
    load_est, _ = _estimate(previous, "load", n)
    for key, step, extra in keys:
        reason = None
        est, source = _estimate(previous, key, n)
        if step in opts.skip:
            reason = "skipped (--skip)"
        elif est is not None and est > limit:
            reason = f"skipped: estimated {est:,.0f} s (linear from {source}) > {limit:.0f} s"
        jobs.append({"key": key, "step": step, **extra, "skip": bool(reason), "reason": reason, "estimate": est})
    if load_est is not None and load_est > limit:
        rows["load"]["baseline"] = {"skipped": True, "reason": f"skipped: estimated {load_est:.0f} s > {limit:.0f} s"}
        for j in jobs:
            rows[j["key"]]["baseline"] = {"skipped": True, "reason": "skipped: the baseline cannot load this size in time"}
    else:
        out = _baseline({**base, "data": str(data_dir / "baseline.nt"), "jobs": jobs, "limit": limit}, limit)
        rows["load"]["baseline"] = out.get("load", {})
        for j in jobs:
            rows[j["key"]]["baseline"] = ({"skipped": True, "reason": j["reason"]} if j["skip"]
                                          else out.get(j["key"], {"error": "no result"}))
    rows["ingest"]["baseline"] = {"skipped": True, "reason": "no baseline: ingest is Dyad's own pipeline"}
    print(f"[{label}] baseline done", flush=True)
    shutil.rmtree(store, ignore_errors=True)
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
    return {"label": label, "events": meta["events"], "meta": meta, "generate_seconds": gen_seconds, "rows": rows}


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
    if "median" not in d or "median" not in b:
        return "-"
    if row == "load":  # times for the same triples plus Dyad's summaries
        return f"{d['median'] / b['median']:.3f} ({b['median'] / d['median']:.1f}x)"
    return f"{d['median'] / b['median']:.4f} ({b['median'] / d['median']:.0f}x)"


def table(results: dict[str, Any]) -> str:
    lines = [f"CPU: {results['env']['cpu']} ({results['env']['cores']} cores); Python {results['env']['python']}; "
             + ", ".join(f"{k} {v}" for k, v in results["env"]["versions"].items())]
    for size in results["sizes"]:
        m = size["meta"]
        lines.append("")
        lines.append(f"### {size['label']}: {m['events']:,} events, {m['reports']:,} reports, {m['sources']:,} sources, "
                     f"{size['rows']['load']['dyad'].get('triples', 0):,} quads in the store")
        lines.append("")
        lines.append("| step | Dyad | baseline (rdflib + pySHACL) | Dyad/baseline (speed-up) | peak RSS Dyad / baseline |")
        lines.append("|---|---|---|---|---|")
        for row, r in size["rows"].items():
            d, b = r.get("dyad", {}), r.get("baseline", {})
            mem = f"{d.get('rss_mb', 0):,.0f} / " + (f"{b['rss_mb']:,.0f} MB" if "rss_mb" in b else "-")
            note = ""
            if "same_report" in r:
                note = "; same report" if r["same_report"] else "; REPORTS DIFFER"
            if "same_rows" in r and not r["same_rows"]:
                note = f"; rows differ ({d['rows']} vs {b['rows']})"
            elif "rows" in d:
                note += f"; {d['rows']} rows"
            lines.append(f"| {row} | {_cell(row, d)}{note} | {_cell(row, b)} | {_ratio(row, r)} | {mem} |")
            if row == "load" and "median" in r.get("raw_pyoxigraph", {}):
                raw = r["raw_pyoxigraph"]
                lines.append(f"| load: raw pyoxigraph bulk_load (floor) | {_cell('load', raw)} | | Dyad/raw {d['median'] / raw['median']:.2f} | {raw.get('rss_mb', 0):,.0f} MB |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated: 300, 1k, 10k, 100k, 1m or a number")
    ap.add_argument("--repeat", type=int, default=5, help="runs per query (median, p95)")
    ap.add_argument("--budget", type=float, default=20.0, help="seconds per query after which no more runs start")
    ap.add_argument("--validate-budget", type=float, default=20.0,
                    help="seconds of Dyad's whole-graph validation to measure before extrapolating")
    ap.add_argument("--limit", type=float, default=600.0, help="seconds a baseline step may take (skip/stop beyond)")
    ap.add_argument("--skip", default="", help="baseline steps not to run: query, validate_full, validate_submission, export")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "latest.json"))
    ap.add_argument("--data", default=str(ROOT / ".dyad" / "bench"), help="where generated data and stores go")
    opts = ap.parse_args(argv)
    results: dict[str, Any] = {"env": environment(), "sizes": []}
    opts.skip = {s.strip() for s in opts.skip.split(",") if s.strip()}
    earlier = _earlier([Path(opts.out), ROOT / "benchmarks" / "results" / "reference.json"])
    for label in [s.strip().lower() for s in opts.sizes.split(",") if s.strip()]:
        n = SIZES.get(label) or int(label)
        size = run_size(label, n, opts, results["sizes"] + earlier)
        results["sizes"].append(size)
    out = Path(opts.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(table(results))
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
