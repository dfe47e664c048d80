"""The derived graph (per-event summaries and index keys, dyad/summary.py) is kept by every write
path in the same transaction as the data: after each step of tests/data/derived/writes.yaml it
equals what a full rebuild computes."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from dyad.cli import cli
from dyad.namespace import DERIVED_GRAPH, DY
from dyad.store import Store

ROOT = Path(__file__).resolve().parent.parent
STEPS = yaml.safe_load((ROOT / "tests" / "data" / "derived" / "writes.yaml").read_text(encoding="utf-8"))


def _derived(path: Path) -> set:
    store = Store(path, read_only=True)
    try:
        return store.graph_triples(DERIVED_GRAPH)
    finally:
        del store


def test_every_write_keeps_the_derived_graph_equal_to_a_rebuild(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("DYAD_STORE", raising=False)
    path = tmp_path / "store"
    kinds, claims = set(), set()
    for step in STEPS:
        ran = CliRunner().invoke(cli, [*step, "--store", str(path)], catch_exceptions=False)
        assert ran.exit_code == 0, (step, ran.output)
        kept = _derived(path)
        store = Store(path)
        try:
            store.rebuild_derived()
            rebuilt = store.graph_triples(DERIVED_GRAPH)
        finally:
            del store
        assert kept == rebuilt, (step, sorted(kept ^ rebuilt)[:10])
        kinds.add(step[0])
        assert any(p == DY.actorYearKey for _, p, _ in kept), step  # not vacuous: keys are there
        claims |= {s for s, p, _ in kept if p == DY.claimKey}
    assert kinds == {"load", "ingest", "submit", "import", "withdraw"}
    assert claims  # some step kept claim keys
