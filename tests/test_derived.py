"""The derived graph (per-event summaries, index keys and the count table, dyad/summary.py) is
kept by every write path in the same transaction as the data: after each step of
tests/data/derived/writes.yaml it equals what a full rebuild computes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import yaml
from click.testing import CliRunner

from dyad import gate
from dyad.cli import cli
from dyad.namespace import ACTORS_GRAPH, DERIVED_GRAPH, DY, ONTOLOGY_GRAPH
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
    kinds, claims, counts = set(), set(), set()
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
        assert any(p == DY.dyadCount for _, p, _ in kept), step  # and the count table
        counts |= {o for _, p, o in kept if p == DY.eventCount}
        claims |= {s for s, p, _ in kept if p == DY.claimKey}
    assert kinds == {"load", "ingest", "submit", "import", "withdraw"}
    assert claims  # some step kept claim keys
    assert any(int(n) > 1 for n in counts)  # cells counting several events were kept


def test_a_bulk_load_computes_the_derived_graph_the_writes_kept(tmp_path: Path, monkeypatch) -> None:
    """Store.bulk_load computes the summaries as its file streams in and writes them one event at
    a time. Fed the quads the writes above left (without dyg:derived and Dyad's own graphs), it
    makes the derived graph they kept: data with what the benchmark generator never makes (two
    agents, places and their names, several reports of one event, year spans, claims)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("DYAD_STORE", raising=False)
    path = tmp_path / "store"
    for step in STEPS:
        ran = CliRunner().invoke(cli, [*step, "--store", str(path)], catch_exceptions=False)
        assert ran.exit_code == 0, (step, ran.output)
    store = Store(path)
    try:
        kept = store.graph_triples(DERIVED_GRAPH)
        own = {ox.NamedNode(str(g)) for g in (ONTOLOGY_GRAPH, ACTORS_GRAPH, DERIVED_GRAPH)}
        ox.serialize((q for q in store.quads_in() if q.graph_name not in own), str(tmp_path / "sources.nq"),
                     format=ox.RdfFormat.N_QUADS)
        events = store.stats()["events"]
    finally:
        del store
    assert {p for _, p, _ in kept} >= {DY.placeName, DY.agentCode, DY.actorYearKey, DY.claimKey, DY.dyadCount}
    loaded = Store(None)
    gate.ensure_base(loaded)
    result = loaded.bulk_load(tmp_path / "sources.nq")
    assert result.events == events
    assert loaded.graph_triples(DERIVED_GRAPH) == kept


def test_a_withdrawal_on_a_store_of_an_earlier_version_counts_its_events_first(tmp_path: Path, monkeypatch) -> None:
    """A store written before the count table has summaries but no counts: a withdrawal (like
    every write command) brings its summaries up to date first, so the cells it adjusts were
    counted, and the table equals a rebuild."""
    from rdflib import Literal
    from rdflib.namespace import DCTERMS

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("DYAD_STORE", raising=False)
    path = tmp_path / "store"
    for step in (["load", "data/samples/seed-events.ttl"], ["load", "tests/data/queries/year-spans.ttl"]):
        assert CliRunner().invoke(cli, [*step, "--store", str(path)], catch_exceptions=False).exit_code == 0
    store = Store(path)
    try:  # as an earlier Dyad left it: no count table, another ontology fingerprint
        for p in (DY.eventCount, DY.dyadCount, DY.dyadSpanCount):
            for q in list(store._ox.quads_for_pattern(None, ox.NamedNode(str(p)), None)):
                store._ox.remove(q)
        for q in list(store._ox.quads_for_pattern(None, ox.NamedNode(str(DCTERMS.identifier)), None,
                                                  ox.NamedNode(str(ONTOLOGY_GRAPH)))):
            store._ox.remove(q)
        store._ox.add(ox.Quad(ox.NamedNode(str(ONTOLOGY_GRAPH)), ox.NamedNode(str(DCTERMS.identifier)),
                              ox.Literal(str(Literal("an earlier version"))), ox.NamedNode(str(ONTOLOGY_GRAPH))))
        assert not store.keeps_counts()
    finally:
        del store
    ran = CliRunner().invoke(cli, ["withdraw", "https://w3id.org/dyad/id/article/years-2021-01-05", "--store", str(path)],
                             catch_exceptions=False)
    assert ran.exit_code == 0, ran.output
    kept = _derived(path)
    store = Store(path)
    try:
        assert store.keeps_counts()
        store.rebuild_derived()
        assert store.graph_triples(DERIVED_GRAPH) == kept
    finally:
        del store
