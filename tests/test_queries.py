"""Named queries, specified by the cases in tests/queries/*.yaml (see its README)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dyad import gate, parse, queries
from dyad.errors import DyadError
from dyad.store import Store

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((Path(__file__).parent / "queries").glob("*.yaml"))


def test_cases_found() -> None:
    assert len(CASES) >= 14


@pytest.fixture(scope="module")
def loaded() -> dict[tuple[str, ...], Store]:
    return {}


def _store(files: list[str], cache: dict[tuple[str, ...], Store]) -> Store:
    key = tuple(files)
    if key not in cache:
        store = Store(None)
        gate.admit(store, [s for f in files for s in parse.read(ROOT / f)])
        cache[key] = store
    return cache[key]


def _cell(term: object) -> str:
    """A cell as text; ";"-lists (GROUP_CONCAT, whose order SPARQL leaves open) sorted."""
    text = "" if term is None else term.value  # type: ignore[attr-defined]
    return ";".join(sorted(text.split(";"))) if ";" in text else text


def _cell_text(text: str) -> str:
    return ";".join(sorted(text.split(";"))) if ";" in text else text


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_query_case(path: Path, loaded: dict[tuple[str, ...], Store]) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    store = _store(case["data"], loaded)
    query = queries.load(case["query"])
    params = {k: str(v) for k, v in case["params"].items()}
    if "error" in case:
        with pytest.raises(DyadError, match=None) as info:
            queries.run(store, query, params)
        assert case["error"] in str(info.value)
        return
    if "counted" in case:  # which form answers: the count table's or the events'
        assert (query.counts is not None and "dy:dyadCount" in queries.bind(query, params)) == case["counted"]
    result = queries.run(store, query, params)
    assert result.columns == list(query.columns), "columns differ from the query's #+ columns"
    index = [result.columns.index(c) for c in case["columns"]]
    got = [[_cell(row[i]) for i in index] for row in result.rows]
    expected = [[_cell_text(str(v)) for v in row] for row in case["expect"]]
    assert got == expected


def test_every_query_declares_its_metadata() -> None:
    found = queries.available()
    assert {q.name for q in found} >= {"who-did-what", "timeline", "dyads", "denials", "claims"}
    for q in found:
        assert q.summary and q.columns, q.name
        assert q.text.lstrip().startswith("#+ summary:"), q.name


def test_query_names_cannot_walk_the_file_system() -> None:
    for name in ("../../etc/passwd", "/etc/passwd", "who-did-what/../x", "..", "WHO-DID-WHAT"):
        with pytest.raises(DyadError):
            queries.load(name)


def test_who_did_what_lists_an_event_once_however_many_sources() -> None:
    """A second source reporting the same event adds a report, not a row."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF, XSD

    from dyad.namespace import DY, ID

    store = Store(None)
    gate.admit(store, parse.read(ROOT / "data/samples/seed-events.ttl"))
    second = ID["article/second"]
    g = Graph()
    summons = ID["event/sample-summons"]
    for t in store.describe([summons]):
        if t[1] in (RDF.type, DY.agent, DY.target, DY.date, DY.precision, DY.start, DY.end, DY.about, DY.place):
            g.add(t)
    report = ID["report/second-summons"]
    g.add((second, RDF.type, DY.Article))
    g.add((second, DCTERMS.title, Literal("South Korea summons Russian envoy")))
    g.add((second, DCTERMS.language, Literal("en")))
    g.add((second, DCTERMS.issued, Literal("2024-10-21T12:00:00+09:00", datatype=XSD.dateTime)))
    g.add((report, RDF.type, DY.Report))
    g.add((report, DY.reportOf, summons))
    g.add((report, DY.source, second))
    g.add((report, DY.status, DY.Reported))
    gate.admit(store, [parse.SourceGraph(second, g, "test")])
    rows = queries.run(store, queries.load("who-did-what"), {"type": "Summons"}).rows
    assert len(rows) == 1
    cols = queries.load("who-did-what").columns
    assert rows[0][cols.index("reports")].value == "2"
    # the earlier publication (2024-10-21 12:00 +09) is the first source
    assert rows[0][cols.index("source")].value == str(second)
    store.withdraw(second)
    rows = queries.run(store, queries.load("who-did-what"), {"type": "Summons"}).rows
    assert [r[cols.index("reports")].value for r in rows] == ["1"]


def test_who_did_what_lists_an_event_once_when_two_graphs_hold_a_triple() -> None:
    """The union of graphs repeats a triple two graphs hold (an organ's dy:actsFor in an article's
    descriptions and, after an upgrade, in the registry): still one row per (event, agent, target)."""
    import pyoxigraph as ox

    from dyad.namespace import DY, ID

    store = Store(None)
    gate.admit(store, parse.read(ROOT / "data/samples/seed-events.ttl"))
    before = queries.run(store, queries.load("who-did-what"), {"status": "any"}).rows
    summons = ox.NamedNode(str(ID["event/sample-summons"]))
    for q in list(store._ox.quads_for_pattern(summons, ox.NamedNode(str(DY.agent)), None)):
        store._ox.add(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("https://example.org/another-graph")))
    after = queries.run(store, queries.load("who-did-what"), {"status": "any"}).rows
    assert len(after) == len(before)


@pytest.mark.parametrize("path", [c for c in CASES if "error" not in yaml.safe_load(c.read_text(encoding="utf-8"))],
                         ids=lambda p: p.stem)
def test_when_lines_never_change_the_rows(path: Path, loaded: dict[tuple[str, ...], Store]) -> None:
    """``#+when NAME:`` lines only narrow where the engine starts: the rows are the same without them."""
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    store = _store(case["data"], loaded)
    query = queries.load(case["query"])
    params = {k: str(v) for k, v in case["params"].items()}
    listed = lambda text: [tuple(str(t) for t in s) for s in store.raw_query(text, use_default_graph_as_union=True)]  # noqa: E731
    fast, slow = listed(queries.bind(query, params)), listed(queries.bind(query, params, when=False))
    assert sorted(fast) == sorted(slow)
    if query.counts is not None:  # its ORDER BY keys are its group keys: one order only
        assert fast == slow


def test_when_lines_are_kept_only_for_given_parameters(tmp_path: Path) -> None:
    rq = tmp_path / "w.rq"
    rq.write_text("#+ summary: s\n#+ param actor: actor, optional. x\n#+ columns: e\n"
                  "SELECT ?e WHERE {\n  VALUES (?p_actor) { (UNDEF) }\n"
                  "  #+when actor: ?e ?p ?p_actor .\n  ?e ?q ?r .\n}\n", encoding="utf-8")
    q = queries.parse(rq)
    with_actor = queries.bind(q, {"actor": "KOR"})
    assert '\n  ?e ?p ?p_actor .\n' in with_actor and "#+when" not in with_actor
    assert 'VALUES (?p_actor) { ("KOR") }' in with_actor
    without = queries.bind(q, {})
    assert "?p_actor ." not in without and "#+when" not in without
    assert "#+when" not in queries.bind(q, {"actor": "KOR"}, when=False).split("WHERE")[1].replace("?e ?q", "")
    rq.write_text(rq.read_text().replace("#+when actor:", "#+when actr:"), encoding="utf-8")
    with pytest.raises(DyadError, match="names no declared parameter"):
        queries.parse(rq)


def test_a_date_range_binds_one_index_key_row_per_year(tmp_path: Path) -> None:
    """With both ends of a range, bind() adds the index keys the lines name, one VALUES row per
    year; a coded actor gets actor-year keys, an actor named by IRI none; ``!NAME`` drops a line
    when NAME has a value."""
    rq = tmp_path / "k.rq"
    rq.write_text("#+ summary: s\n#+ param actor: actor, optional. x\n#+ param from: date-from, optional. x\n"
                  "#+ param to: date-to, optional. x\n#+ columns: e\n"
                  "SELECT ?e WHERE {\n  VALUES (?p_actor ?p_from ?p_to) { (UNDEF UNDEF UNDEF) }\n"
                  "  #+when actor_year: ?e <k:ay> ?p_actor_year .\n"
                  "  #+when year !actor_year: ?e <k:y> ?p_year .\n"
                  "  #+when actor !actor_year: ?e <k:a> ?p_actor .\n  ?e ?q ?r .\n}\n", encoding="utf-8")
    q = queries.parse(rq)
    coded = queries.bind(q, {"actor": "KOR", "from": "2023-12", "to": "2024"})
    assert '"KOR 2023") (' in coded and '"KOR 2024") }' in coded and coded.count('("KOR" ') == 2
    assert "<k:ay> ?p_actor_year" in coded and "<k:y>" not in coded and "<k:a>" not in coded
    years = queries.bind(q, {"from": "2024-W01", "to": "2024-W02"})
    assert '"2024") }' in years and "<k:y> ?p_year" in years and "<k:ay>" not in years
    person = queries.bind(q, {"actor": "dyid:person/someone", "from": "2024", "to": "2024"})
    assert "actor_year" not in person.split("WHERE")[1] and "<k:a> ?p_actor" in person
    for values in ({"actor": "KOR", "from": "2024"}, {"actor": "KOR", "from": "1990", "to": "2024"}):
        assert "?p_actor_year" not in queries.bind(q, values).split("WHERE")[1].replace("<k:ay> ?p_actor_year", "")
    assert "<k:ay>" not in queries.bind(q, {"actor": "KOR", "from": "1990", "to": "2024"})
    assert "?p_actor_year" not in queries.bind(q, {"actor": "KOR", "from": "2024", "to": "2024"}, when=False)


def test_an_actor_by_code_binds_its_claim_key_whatever_the_dates(tmp_path: Path) -> None:
    """``actor_claim`` is the coded actor itself (one row), with or without a range; an actor named
    by IRI has none, and the line for it stays."""
    rq = tmp_path / "c.rq"
    rq.write_text("#+ summary: s\n#+ param actor: actor, optional. x\n#+ columns: e\n"
                  "SELECT ?e WHERE {\n  VALUES (?p_actor) { (UNDEF) }\n"
                  "  #+when actor_claim: ?e <k:c> ?p_actor_claim .\n"
                  "  #+when actor !actor_claim: ?e <k:a> ?p_actor .\n  ?e ?q ?r .\n}\n", encoding="utf-8")
    q = queries.parse(rq)
    coded = queries.bind(q, {"actor": "PRK"})
    assert '("PRK" "PRK") }' in coded and "<k:c> ?p_actor_claim" in coded and "<k:a>" not in coded
    person = queries.bind(q, {"actor": "dyid:person/someone"})
    assert "<k:c>" not in person and "<k:a> ?p_actor" in person and "?p_actor_claim" not in person
    assert "<k:c>" not in queries.bind(q, {}) and "<k:a>" not in queries.bind(q, {})


def test_shipped_query_files_are_valid_sparql_as_they_stand() -> None:
    import pyoxigraph as ox

    for q in queries.available():
        ox.Store().query(q.text)  # #+when lines are comments here


def test_a_counted_form_must_declare_the_query_s_parameters(tmp_path: Path) -> None:
    """A query's counted form (``#+ counts:``) is run in its place, so it must take the same
    parameters and give the same columns; a file that does not is refused when read."""
    (tmp_path / "counts").mkdir()
    head = "#+ summary: s\n#+ param status: status, default reported. x\n#+ columns: e\n"
    (tmp_path / "q.rq").write_text(head + "#+ counts: counts/q.rq\nSELECT ?e WHERE {\n"
                                   "  VALUES (?p_status) { (UNDEF) }\n  ?e ?p ?o .\n}\n", encoding="utf-8")
    counted = tmp_path / "counts" / "q.rq"
    counted.write_text(head + "SELECT ?e WHERE {\n  VALUES (?p_status) { (UNDEF) }\n  ?p_bucket ?p ?e .\n}\n",
                       encoding="utf-8")
    q = queries.parse(tmp_path / "q.rq")
    assert q.counts is not None and "?p_bucket ?p ?e" in queries.bind(q, {})
    assert "?p_bucket" not in queries.bind(q, {}, when=False)
    counted.write_text(counted.read_text().replace("#+ columns: e", "#+ columns: f"), encoding="utf-8")
    with pytest.raises(DyadError, match="must declare this query's parameters and columns"):
        queries.parse(tmp_path / "q.rq")


def test_a_store_without_the_count_table_answers_dyads_from_its_events() -> None:
    """A store written before the count table existed has events but no counts until its next
    write refreshes its summaries: its dyads are read from the events, not from empty buckets."""
    import pyoxigraph as ox

    from dyad.namespace import DY

    store = Store(None)
    gate.admit(store, parse.read(ROOT / "data/samples/seed-events.ttl"))
    q = queries.load("dyads")
    counted = queries.run(store, q, {"status": "any"}).rows
    assert counted and store.keeps_counts()
    for p in (DY.eventCount, DY.dyadCount, DY.dyadSpanCount):
        for quad in list(store._ox.quads_for_pattern(None, ox.NamedNode(str(p)), None)):
            store._ox.remove(quad)
    assert not store.keeps_counts()
    assert queries.run(store, q, {"status": "any"}).rows == counted
    assert Store(None).keeps_counts()  # an empty store has nothing to count
