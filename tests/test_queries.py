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
