"""The benchmark code cannot rot: generator and runner at a tiny size. No timing assertions here;
speed and memory targets are checked by ``make bench`` (benchmarks/README.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import __main__ as runner  # noqa: E402
from benchmarks.generate import generate, sample_graph  # noqa: E402
from dyad import gate  # noqa: E402
from dyad.namespace import DERIVED_GRAPH, ENTITIES_GRAPH  # noqa: E402
from dyad.store import Store  # noqa: E402
from dyad.validate import validate  # noqa: E402

ROWS = {"load", "query who-did-what", "query timeline", "query dyads", "query claims",
        "validate whole graph", "validate 100-event submission", "export turtle", "ingest"}


def test_generated_sample_conforms() -> None:
    g = sample_graph(200)
    report = validate(g, context=gate.registry())
    assert report.conforms, report.format_text()
    assert len(g) > 200 * 10


def test_bulk_load_keeps_the_layout_and_computes_the_summaries(tmp_path: Path) -> None:
    meta = generate(150, tmp_path)
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
                        "--skip", "validate_full,validate_submission",
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
    assert size["rows"]["query dyads"]["dyad"]["rows"] > 0
    assert size["rows"]["validate 100-event submission"]["dyad"]["conforms"] is False  # two planted mistakes
    assert "###" in runner.table(results)
