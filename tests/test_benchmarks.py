"""The benchmark code cannot rot: generator and runner at a tiny size. No timing assertions here;
speed and memory targets are checked by ``make bench`` (benchmarks/README.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import __main__ as runner  # noqa: E402
from benchmarks.generate import FLAT_COLUMNS, fingerprint, generate, sample_graph  # noqa: E402
from benchmarks.steps import (QUERIES, answer_digest, answer_rows, duckdb_answer, duckdb_load_table,  # noqa: E402
                              query_file, query_params, sql_params)
from dyad import gate, queries  # noqa: E402
from dyad.namespace import DERIVED_GRAPH, ENTITIES_GRAPH  # noqa: E402
from dyad.store import Store  # noqa: E402
from dyad.validate import validate  # noqa: E402

ROWS = {"load", "query who-did-what", "query timeline", "query dyads", "query dyads, one year", "query claims",
        "validate whole graph", "validate 100-event submission", "export turtle", "ingest", "import gdelt",
        "validate whole graph, pySHACL engine", "validate 100-event submission, pySHACL engine"}


def test_generated_sample_conforms() -> None:
    g = sample_graph(200)
    report = validate(g, context=gate.registry())
    assert report.conforms, report.format_text()
    assert len(g) > 200 * 10


def test_bulk_load_keeps_the_layout_and_computes_the_summaries(tmp_path: Path) -> None:
    meta = generate(150, tmp_path)
    assert meta.generator == fingerprint()  # the runner regenerates cached data when this changes
    store = Store(None)
    gate.ensure_base(store)
    result = store.bulk_load(tmp_path / "sources.nq")
    assert result.events == meta.events == 150
    expected = set(Graph().parse(tmp_path / "derived.nt", format="nt"))
    assert store.graph_triples(DERIVED_GRAPH) == expected
    assert len(store.sources()) == meta.sources
    assert store.stats()["reports"] == meta.reports
    # shared descriptions once, in dyg:entities
    _, rows = store.select("SELECT ?e (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?e a ?t } "
                           "?r <https://w3id.org/dyad/ontology#reportOf> ?e } GROUP BY ?e HAVING (COUNT(DISTINCT ?g) > 1)")
    assert rows == []
    assert store.has_graph(ENTITIES_GRAPH)


@pytest.mark.slow
def test_runner_writes_every_row(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    code = runner.main(["--sizes", "60", "--repeat", "1", "--limit", "120", "--validate-budget", "5",
                        "--skip", "validate_full,validate_submission", "--gdelt-copies", "2",
                        "--out", str(out), "--data", str(tmp_path / "data")])
    assert code == 0
    results = json.loads(out.read_text())
    [size] = results["sizes"]
    assert set(size["rows"]) == ROWS
    for name, row in size["rows"].items():
        assert {"dyad", "baseline"} <= set(row), name
        assert "error" not in row["dyad"], (name, row["dyad"])
        assert "median" in row["dyad"] or row["dyad"].get("available") is False, name
    assert size["rows"]["load"]["raw_pyoxigraph"]["triples"] > 0
    # DuckDB, the data engineer's peer: its load (the flat table, one row per event here) and the
    # four named queries as SQL, each answering what Dyad answered
    duck = size["rows"]["load"]["duckdb"]
    assert duck["rows"] == size["events"] == 60 and duck["median"] > 0, duck
    for q in QUERIES:
        row = size["rows"][f"query {q}"]
        assert "median" in row["duckdb"] and row["duckdb"]["threads"] == 1, (q, row["duckdb"])
        assert row["duckdb"]["digest"] == row["dyad"]["digest"] and row["same_answer_duckdb"] is True, (q, row)
    assert "DIFFERENT ANSWER" not in runner.table(results)
    assert runner.table(results).count("; same answer") == len(QUERIES)
    assert size["rows"]["query dyads"]["dyad"]["rows"] > 0
    assert size["rows"]["validate 100-event submission"]["dyad"]["conforms"] is False  # two planted mistakes
    assert "###" in runner.table(results)
    assert results["wall_seconds"] > 0 and size["wall_seconds"] > 0
    assert size["baseline_seconds"] is not None  # the baseline ran (in the background)


def _size(label: str, events: int, **baseline: dict) -> dict:
    """A measured size as the runner stores it, with only the baseline sides given."""
    return {"label": label, "events": events, "rows": {key.replace("_", " "): {"baseline": side}
                                                       for key, side in baseline.items()}}


ERR = {"error": "NotBoundError: Variable target_code is not bound"}
OK = {"seconds": [10.0], "rss_mb": 300.0}


@pytest.mark.parametrize("this_run, n, expected", [
    ([], 10_000, None),
    ([_size("10k", 10_000, query_timeline=ERR)], 100_000,
     "not run: failed at 10k (NotBoundError: Variable target_code is not bound)"),
    ([_size("10k", 10_000, query_timeline={"timeout": 600.0})], 100_000, "not run: stopped at 600 s at 10k"),
    # the smallest failing size is named, and a size's own failure does not stop it
    ([_size("1k", 1_000, query_timeline={"timeout": 60.0}), _size("10k", 10_000, query_timeline=ERR)], 1_000_000,
     "not run: stopped at 60 s at 1k"),
    ([_size("100k", 100_000, query_timeline=ERR)], 100_000, None),
    ([_size("10k", 10_000, query_timeline=OK)], 100_000, None),
    ([_size("10k", 10_000, query_dyads=ERR)], 100_000, None),  # another step's failure
])
def test_a_baseline_step_that_failed_smaller_is_not_run_again(this_run: list, n: int, expected: str | None) -> None:
    assert runner.failed_before(this_run, "query timeline", n) == expected


@pytest.mark.parametrize("step, this_run, earlier, reason", [
    ("query", [_size("10k", 10_000, query_timeline=ERR)], [], "not run: failed at 10k"),
    ("query", [], [_size("10k", 10_000, query_timeline=ERR)], None),  # earlier files' failures: old code
    ("query", [_size("10k", 10_000, query_timeline={"seconds": [100.0]})], [], "skipped: estimated 1,000 s"),
    ("query", [_size("10k", 10_000, query_timeline={"seconds": [50.0]})], [], None),
    ("query", [], [{**_size("10k", 10_000, query_timeline={"seconds": [100.0]}), "from": "latest.json"}],
     "skipped: estimated 1,000 s (linear from 10k, latest.json)"),
    ("query", [_size("10k", 10_000, query_timeline=ERR)], [], "not run: failed"),
])
def test_job_skip_reason(step: str, this_run: list, earlier: list, reason: str | None) -> None:
    got, _ = runner.job_skip_reason("query timeline", step, 100_000, 600.0, this_run, this_run + earlier, set())
    assert (got is None) if reason is None else got.startswith(reason)
    assert runner.job_skip_reason("query timeline", step, 100_000, 600.0, [], [], {step})[0] == "skipped (--skip)"


GB = 1024.0


@pytest.mark.parametrize("previous, n, memory_mb, reason", [
    ([], 1_000_000, 24 * GB, None),
    # rdflib at 100k: ~3 GB peak, so ~30 GB at 1M: more than 60% of 24 GB
    ([_size("100k", 100_000, load={"seconds": [50.0], "rss_mb": 2854.0, "rss_start_mb": 40.0},
            export_turtle={"seconds": [100.0], "rss_mb": 3043.0})], 1_000_000, 24 * GB,
     "skipped: estimated peak RSS 30,070 MB (linear from 100k, this run) > 60% of 24,576 MB memory"),
    # the same on a machine with 64 GB fits
    ([_size("100k", 100_000, load={"seconds": [50.0], "rss_mb": 2854.0, "rss_start_mb": 40.0})], 1_000_000, 64 * GB, None),
    # the interpreter's share does not grow: 300 events at 61 MB of which 50 MB before the graph
    ([_size("300", 300, load={"seconds": [0.2], "rss_mb": 61.0, "rss_start_mb": 50.0})], 100_000, 24 * GB, None),
    # older results without rss_start_mb: linear through zero
    ([_size("300", 300, load={"seconds": [0.2], "rss_mb": 61.0})], 100_000, 24 * GB, "skipped: estimated peak RSS 20,333 MB"),
    # time and memory both, from the largest smaller size
    ([_size("10k", 10_000, load={"seconds": [11.0], "rss_mb": 320.0}),
      _size("100k", 100_000, load={"seconds": [77.0], "rss_mb": 2854.0})], 1_000_000, 24 * GB,
     "skipped: estimated 770 s (linear from 100k, this run) > 600 s; estimated peak RSS 28,540 MB"),
    # a skipped or failed baseline gives no memory figure
    ([_size("100k", 100_000, load={"skipped": True, "reason": "x"})], 1_000_000, 24 * GB, None),
])
def test_the_baseline_load_is_skipped_when_it_would_not_fit(previous: list, n: int, memory_mb: float,
                                                            reason: str | None) -> None:
    got = runner.load_skip_reason(previous, n, 600.0, memory_mb)
    assert (got is None) if reason is None else (got is not None and got.startswith(reason)), got


def test_a_size_the_baseline_cannot_load_runs_dyad_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 1M path without 1M: every Dyad step faked, the baseline skipped from a 100k result."""
    calls = []

    def fake_step(step: str, args: dict, limit: float) -> dict:
        calls.append(step)
        one = {"seconds": 1.0, "rows": 10, "events": 5, "reports": 6}
        return {"seconds": [1.0], "triples": 23_000_000, "rss_mb": 100.0, "rows": 1, "articles": 10, "admit_seconds": 2.0,
                "day": one, "file": one}

    monkeypatch.setattr(runner, "_step", fake_step)
    monkeypatch.setattr(runner, "BaselineWorker", None)  # starting one would fail the test
    monkeypatch.setattr(runner, "physical_memory_mb", lambda: 24 * GB)  # this test's machine, whatever runs it
    meta = {"events": 1_000_000, "reports": 1_159_771, "sources": 345_024, "query_actor": "PRK",
            "query_from": "2020-01-01", "query_to": "2020-12-31"}
    opts = runner.argparse.Namespace(data=str(tmp_path), limit=600.0, query_limit=600.0, repeat=1, budget=1.0, validate_budget=1.0, skip=set(), gdelt_copies=1,
                                     baseline_jobs=2)
    at_100k = _size("100k", 100_000, load={"seconds": [88.0], "rss_mb": 3047.0, "rss_start_mb": 30.0},
                    query_timeline=ERR, query_dyads={"seconds": [67.0], "rss_mb": 3107.0})
    size = runner.measure("1m", 1_000_000, tmp_path, meta, 0.0, opts, [at_100k], [at_100k]).finish()
    assert calls[:2] == ["dyad_load", "raw_load"] and "ingest" in calls
    base = {key: row["baseline"] for key, row in size["rows"].items()}
    assert base["load"]["reason"].startswith("skipped: estimated 880 s (linear from 100k, this run) > 600 s; "
                                             "estimated peak RSS 30,800 MB")
    assert base["query timeline"]["reason"].startswith("not run: failed at 100k (NotBoundError")
    assert base["query dyads"]["reason"] == "skipped: estimated 670 s (linear from 100k, this run) > 600 s"
    assert base["export turtle"]["reason"] == "not run: the baseline load was skipped"
    assert size["baseline_seconds"] is None and size["wall_seconds"] >= size["dyad_seconds"]
    assert "the baseline did not run" in runner.table({"env": runner.environment(), "sizes": [size], "wall_seconds": 1.0})


# ---- DuckDB's SQL answers the named queries' questions -------------------------------------------

# the benchmark's own parameters (query_params) and the targets besides: one actor for one
# year, claims for one actor, dyads over one year; plus types, statuses and an actor IRI
EXTRA_CASES = [
    ("who-did-what", {"status": "any"}),
    ("who-did-what", {"actor": "USA", "type": "Statement", "status": "alleged", "from": "2016-W10", "to": "2019-06"}),
    ("who-did-what", {"actor": "https://w3id.org/dyad/id/person/bench-person-0", "status": "any"}),
    ("timeline", {"actor": "PRK", "from": "2020", "to": "2020"}),
    ("timeline", {"actor": "USA", "status": "any"}),
    ("dyads", {"from": "2020", "to": "2020"}),
    ("dyads", {"actor": "CHN", "status": "any", "type": "Consultation"}),
    ("claims", {"actor": "PRK"}),
    ("claims", {"status": "alleged"}),
]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Store, duckdb.DuckDBPyConnection]:
    """A tiny generated size: Dyad's bulk-loaded store and DuckDB's table of the flat file."""
    out = tmp_path_factory.mktemp("flat")
    meta = generate(1500, out)
    store = Store(None)
    gate.ensure_base(store)
    store.bulk_load(out / "sources.nq")
    con = duckdb.connect()
    con.execute("SET threads = 1")
    assert duckdb_load_table(con, out / "events.csv") == meta.events  # one agent, at most one target each
    return json.loads((out / "meta.json").read_text()), store, con


def _cases(meta: dict) -> list[tuple[str, dict]]:
    return list(query_params(meta).items()) + EXTRA_CASES


def test_the_flat_table_has_the_documented_columns(both: tuple) -> None:
    _, _, con = both
    assert [c[0] for c in con.execute("DESCRIBE events").fetchall()] == list(FLAT_COLUMNS)
    assert con.execute("SELECT count(*) FROM events WHERE claimants IS NOT NULL").fetchone()[0] > 0
    assert con.execute("SELECT count(*) FROM events WHERE about IS NOT NULL").fetchone()[0] > 0


def test_each_sql_query_gives_the_named_querys_rows(both: tuple) -> None:
    meta, store, con = both
    for row, params in _cases(meta):
        name = query_file(row)
        dyad = queries.run(store, queries.load(name), params)
        columns, rows = duckdb_answer(con, name, params)
        assert columns == dyad.columns, name
        expected = answer_rows(dyad.columns, dyad.rows)
        assert expected, (name, params)  # an empty answer agrees with anything
        assert answer_rows(columns, rows) == expected, (name, params)
        assert answer_digest(columns, rows) == answer_digest(dyad.columns, dyad.rows)


def test_the_comparison_sees_a_different_answer(both: tuple) -> None:
    """One event's type changed in DuckDB's table: every query's answer that includes it differs."""
    meta, store, con = both
    for row, params in query_params(meta).items():
        name = query_file(row)
        dyad = queries.run(store, queries.load(name), params)
        if name == "dyads":  # no event column: any event the default status counts
            event = con.execute("SELECT event FROM events WHERE status = 'reported' AND ($from IS NULL OR "
                                "(end_date >= $from AND start_date <= $to)) LIMIT 1",
                                {"from": params.get("from"), "to": params.get("to")}).fetchone()[0]
        else:
            event = dyad.rows[0][dyad.columns.index("event")].value
        [(was,)] = con.execute("SELECT type FROM events WHERE event = $e", {"e": event}).fetchall()
        con.execute("UPDATE events SET type = 'Summons' || type WHERE event = $e", {"e": event})
        try:
            columns, rows = duckdb_answer(con, name, params)
            assert answer_rows(columns, rows) != answer_rows(dyad.columns, dyad.rows), name
            assert answer_digest(columns, rows) != answer_digest(dyad.columns, dyad.rows), name
        finally:
            con.execute("UPDATE events SET type = $t WHERE event = $e", {"t": was, "e": event})


def test_sql_parameters_are_bound_as_the_named_queries_read_them() -> None:
    from datetime import date

    assert sql_params("who-did-what", {"actor": "PRK", "from": "2020", "to": "2020-W10"}) == {
        "actor": "PRK", "type": None, "from": date(2020, 1, 1), "to": date(2020, 3, 8), "status": "reported"}
    assert sql_params("timeline", {"actor": "KOR", "status": "any", "to": "2024-02"})["to"] == date(2024, 2, 29)
    assert sql_params("claims", {})["status"] is None  # all three claim statuses
    with pytest.raises(ValueError):
        sql_params("timeline", {})  # actor is required
    with pytest.raises(ValueError):
        sql_params("dyads", {"nope": "x"})
