"""The embedded store: persistence, idempotent writes, withdrawal, one writer at a time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, XSD

from conftest import SAMPLE
from dyad import gate, parse
from dyad.errors import NotConformingError, StoreError
from dyad.namespace import DERIVED_GRAPH, DY, ENTITIES_GRAPH, ID
from dyad.store import Store


def _load_sample(store: Store) -> None:
    gate.admit(store, parse.read(SAMPLE))


def test_same_input_twice_adds_nothing(store_dir: Path) -> None:
    store = Store(store_dir)
    _load_sample(store)
    before = len(store)
    results = gate.admit(store, parse.read(SAMPLE))
    assert [r.changed for r in results] == [False]
    assert len(store) == before


def test_store_persists_on_disk(store_dir: Path) -> None:
    store = Store(store_dir)
    _load_sample(store)
    stats = store.stats()
    store.flush()
    del store
    again = Store(store_dir, read_only=True)
    assert again.stats() == stats
    assert stats["events"] == 9 and stats["sources"] == 1


def test_union_holds_each_triple_once(store_dir: Path) -> None:
    """Shared descriptions live once in dyg:entities, whoever reports them."""
    store = Store(store_dir)
    _load_sample(store)
    summons = ID["event/sample-summons"]
    assert (summons, RDF.type, DY.Summons) in store.graph_triples(ENTITIES_GRAPH)
    _, rows = store.select("SELECT ?g WHERE { GRAPH ?g { <%s> a ?t } }" % summons)
    assert len(rows) == 1


def _second_report(store: Store, event, source, issued: str):
    g = Graph()
    for t in store.describe([event]):
        g.add(t)
    report = ID[f"report/{source.rsplit('/', 1)[1]}"]
    g.add((source, RDF.type, DY.Article))
    g.add((source, DCTERMS.title, Literal("A second report")))
    g.add((source, DCTERMS.language, Literal("en")))
    g.add((source, DCTERMS.issued, Literal(issued, datatype=XSD.dateTime)))
    g.add((report, RDF.type, DY.Report))
    g.add((report, DY.reportOf, event))
    g.add((report, DY.source, source))
    g.add((report, DY.status, DY.Reported))
    return [parse.SourceGraph(source, g, "test")]


def test_status_across_reports_and_withdrawal(store_dir: Path) -> None:
    """An alleged event becomes reported when a source reports it; withdrawing that source
    turns it back into a claim, and withdrawing the last source removes the event."""
    store = Store(store_dir)
    _load_sample(store)
    deployment = ID["event/sample-deployment"]
    second = ID["article/second"]
    gate.admit(store, _second_report(store, deployment, second, "2024-10-25T08:00:00Z"))
    derived = store.graph_triples(DERIVED_GRAPH)
    assert (deployment, DY.status, DY.Reported) in derived
    assert (deployment, DY.reportCount, Literal(2, datatype=XSD.integer)) in derived
    store.withdraw(second)
    derived = store.graph_triples(DERIVED_GRAPH)
    assert (deployment, DY.status, DY.Alleged) in derived
    assert second not in store.sources()
    store.withdraw(ID["article/sample-id-2024-10-24"])
    assert store.stats()["events"] == 0
    assert not any(s == deployment for s, _, _ in store.graph_triples(ENTITIES_GRAPH))
    assert not store.graph_triples(DERIVED_GRAPH)


def test_refused_write_leaves_store_unchanged(store_dir: Path, tmp_path: Path) -> None:
    store = Store(store_dir)
    _load_sample(store)
    before = len(store)
    bad = tmp_path / "bad.ttl"
    bad.write_text(SAMPLE.read_text(encoding="utf-8").replace(
        "dy:troops 1500", "dy:troops -3").replace("sample-id-2024-10-24", "other"), encoding="utf-8")
    with pytest.raises(NotConformingError):
        gate.admit(store, parse.read(bad))
    assert len(store) == before


def test_second_writer_gets_a_clear_message(store_dir: Path) -> None:
    store = Store(store_dir)
    _load_sample(store)
    code = (
        "import sys\nfrom dyad.store import Store\nfrom dyad.errors import StoreError\n"
        f"try:\n    Store({str(store_dir)!r})\nexcept StoreError as e:\n    print(e); sys.exit(2)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2
    assert "in use by another process" in p.stdout
    # a reader beside the writer is fine
    p = subprocess.run([sys.executable, "-c",
                        f"from dyad.store import Store; print(Store({str(store_dir)!r}, read_only=True).stats()['events'])"],
                       capture_output=True, text=True, timeout=120)
    assert p.stdout.strip() == "9", p.stderr


# A store directory as a writer killed early leaves it: the files RocksDB had written by then.
@pytest.mark.parametrize("files", [[], ["LOCK"], ["LOCK", "IDENTITY", "LOG"], ["LOCK", "IDENTITY", "MANIFEST-000001", "000001.dbtmp"]])
def test_a_store_whose_creation_was_cut_short_opens_empty(tmp_path: Path, files: list[str]) -> None:
    half = tmp_path / "half"
    half.mkdir()
    for name in files:
        (half / name).write_bytes(b"")
    assert Store(half, read_only=True).stats()["events"] == 0


def test_a_directory_that_is_no_store_is_named_not_made_one(tmp_path: Path) -> None:
    other = tmp_path / "papers"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match=r"papers.*not a Dyad store.*notes\.txt"):
        Store(other, read_only=True)
    assert sorted(f.name for f in other.iterdir()) == ["notes.txt"]


def test_own_graphs_cannot_be_written_as_sources() -> None:
    store = Store(None)
    with pytest.raises(StoreError):
        store.write_source(DERIVED_GRAPH, [])


# -- the summaries in dyg:derived (dyad/summary.py) ------------------------------------------


def test_summaries_kept_per_write_equal_those_computed_at_once(tmp_path: Path) -> None:
    """Sources written one at a time (incrementally summarised, reports of one event arriving
    from several sources) end with the summaries the benchmark generator computes on its own
    (status, report count, first source, agent and target codes)."""
    from rdflib import Dataset, URIRef

    from benchmarks.generate import generate

    generate(80, tmp_path)
    ds = Dataset()
    ds.parse(tmp_path / "sources.nq", format="nquads")
    entities = ds.graph(ENTITIES_GRAPH)
    store = Store(None)
    gate.ensure_base(store)
    sources = [g for g in ds.graphs() if isinstance(g.identifier, URIRef) and "/article/" in str(g.identifier)]
    for g in sources:
        triples = set(g)
        events = {o for _, p, o in triples if p == DY.reportOf}
        for e in events:
            triples |= set(entities.triples((e, None, None)))
        actors = {o for _, p, o in list(triples) if p in (DY.agent, DY.target, DY.claimant)}
        for a in actors:
            triples |= set(entities.triples((a, None, None)))
        store.write_source(g.identifier, triples)
    expected = set(Graph().parse(tmp_path / "derived.nt", format="nt"))
    assert store.graph_triples(DERIVED_GRAPH) == expected
    assert store.rebuild_derived() == 80
    assert store.graph_triples(DERIVED_GRAPH) == expected


def _event_source(event, agent, source, extra=()):
    g = Graph()
    report = ID[f"report/{source.rsplit('/', 1)[1]}"]
    for t in [(event, RDF.type, DY.Statement), (event, DY.agent, agent),
              (source, RDF.type, DY.Article), (source, DCTERMS.issued, Literal("2024-10-25T08:00:00Z", datatype=XSD.dateTime)),
              (report, RDF.type, DY.Report), (report, DY.reportOf, event), (report, DY.source, source),
              (report, DY.status, DY.Reported), *extra]:
        g.add(t)
    return g


def test_agent_codes_follow_new_actor_descriptions() -> None:
    """An event's agent code comes from its actor's description; a later source that says whom
    the actor acts for gives the event that code, and a registry change reaches it too."""
    store = Store(None)
    gate.ensure_base(store)
    event, person = ID["event/e1"], ID["person/someone"]
    store.write_source(ID["article/a1"], _event_source(event, person, ID["article/a1"]))
    assert not {t for t in store.graph_triples(DERIVED_GRAPH) if t[1] == DY.agentCode}
    other = ID["event/e2"]
    store.write_source(ID["article/a2"], _event_source(
        other, ID["state/KOR"], ID["article/a2"], extra=[(person, DY.actsFor, ID["state/KOR"])]))
    codes = {(s, o) for s, p, o in store.graph_triples(DERIVED_GRAPH) if p == DY.agentCode}
    assert codes == {(event, Literal("KOR")), (other, Literal("KOR"))}
    # the registry gives KOR another code: every event's codes follow once derived is refreshed
    actors = {t for t in store.graph_triples(gate.ACTORS_GRAPH) if not (t[0] == ID["state/KOR"] and t[1] == DY.code)}
    store.replace_graph(gate.ACTORS_GRAPH, actors | {(ID["state/KOR"], DY.code, Literal("ROK"))})
    # two agent codes replaced (4 quads), and the count table's one cell of both events (its count
    # and its string) replaced by ROK's (4 quads)
    assert store.refresh_derived() == 8
    cells = {(str(s), str(o)) for s, p, o in store.graph_triples(DERIVED_GRAPH) if p == DY.dyadCount}
    assert cells == {(str(ID["dyads/Reported/Statement"]), "2 ROK ")}
    codes = {(s, o) for s, p, o in store.graph_triples(DERIVED_GRAPH) if p == DY.agentCode}
    assert codes == {(event, Literal("ROK")), (other, Literal("ROK"))}
    assert store.refresh_derived() == 0


def test_place_names_follow_every_write_and_equal_a_rebuild() -> None:
    """dy:placeName (the one string the named queries show for where an event happened) is kept
    by each write: a place's English or untagged name, a state's code, the least of several; a
    later source naming an already known place in English renames the events there; withdrawal
    takes an event's place name with it. After every write the summaries equal a full rebuild."""
    from rdflib.namespace import RDFS

    store = Store(None)
    gate.ensure_base(store)
    e1, e2, e3 = ID["event/p1"], ID["event/p2"], ID["event/p3"]
    seoul, busan = ID["place/seoul"], ID["place/busan"]

    def names() -> dict:
        return {s: str(o) for s, p, o in store.graph_triples(DERIVED_GRAPH) if p == DY.placeName}

    def write(src: str, event, extra) -> None:
        store.write_source(ID[f"article/{src}"], _event_source(event, ID["state/KOR"], ID[f"article/{src}"], extra=extra))
        before = store.graph_triples(DERIVED_GRAPH)
        store.rebuild_derived()
        assert store.graph_triples(DERIVED_GRAPH) == before, f"after {src}: incremental != rebuild"

    # an Indonesian name only: no English or untagged name, so no place name
    write("a1", e1, [(e1, DY.place, seoul), (seoul, RDF.type, DY.Place), (seoul, RDFS.label, Literal("Seoul", lang="id"))])
    assert names() == {}
    # a state as the place: its code, from the registry
    write("a2", e2, [(e2, DY.place, ID["state/JPN"])])
    assert names() == {e2: "JPN"}
    # a later source names Seoul in English: the event already there gets the name
    write("a3", e3, [(e3, DY.place, seoul), (seoul, RDFS.label, Literal("Seoul", lang="en")),
                     (e3, DY.place, busan), (busan, RDF.type, DY.Place), (busan, RDFS.label, Literal("Busan"))])
    assert names() == {e1: "Seoul", e2: "JPN", e3: "Busan"}  # two places: the least name
    store.withdraw(ID["article/a3"])
    assert names() == {e1: "Seoul", e2: "JPN"}
    store.withdraw(ID["article/a2"])
    assert names() == {e1: "Seoul"}
    # a source that gives a place to an event it does not report still re-summarises that event
    write("a4", ID["event/p4"], [(e1, DY.place, busan)])
    assert names()[e1] == "Busan"
