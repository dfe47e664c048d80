"""``dyad import gdelt``: a real GDELT 2.0 export in, linked events with provenance out.

The cases are data: tests/data/gdelt/rows.yaml (one row each) and bad-files.yaml (damaged copies
of the real file); the real file is tests/data/gdelt/20150218230000.export.CSV.zip.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from conftest import ROOT, run_dyad
from dyad.errors import InputError
from dyad.gdelt import CODER, LAYOUTS, columns, map_file, tables
from dyad.namespace import DY, GEO, ID, SCHEMA
from dyad.resources import resource

DATA = ROOT / "tests" / "data" / "gdelt"
REAL = DATA / "20150218230000.export.CSV.zip"
GRAPH = ID["gdelt/20150218230000.export"]
ROW_CASES = yaml.safe_load((DATA / "rows.yaml").read_text(encoding="utf-8"))
BAD_FILES = yaml.safe_load((DATA / "bad-files.yaml").read_text(encoding="utf-8"))


def real_text() -> str:
    with zipfile.ZipFile(REAL) as z:
        return z.read("20150218230000.export.CSV").decode("utf-8")


def actor(code: str) -> URIRef:
    from dyad.registry import load_registry

    return load_registry().coded(code)


# -- row by row ---------------------------------------------------------------------------------

def _row_file(tmp_path: Path, case: dict) -> Path:
    layout = LAYOUTS[case.get("layout", 61)]
    names = columns(layout)
    values = {"GLOBALEVENTID": "1", "SQLDATE": "20241021", "DATEADDED": "20241021120000",
              "SOURCEURL": "https://example.org/news/1", **case["row"]}
    unknown = set(values) - set(names)
    assert not unknown, f"{case['name']}: no such column {unknown}"
    path = tmp_path / "20241021120000.export.CSV"
    path.write_text("\t".join(str(values.get(n, "")) for n in names) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("case", ROW_CASES, ids=[c["name"] for c in ROW_CASES])
def test_row(case: dict, tmp_path: Path) -> None:
    path = _row_file(tmp_path, case)
    if "error" in case:
        with pytest.raises(InputError, match=case["error"]) as info:
            map_file(path)
        assert str(info.value).startswith(f"{path}:1: ")  # names the file and the line
        return
    result = map_file(path)
    g = result.graph
    events = sorted(set(g.objects(None, DY.reportOf)))
    if "skip" in case:
        assert events == []
        assert result.skipped == Counter({case["skip"]: 1})
        return
    want = case["event"]
    assert len(events) == 1 and result.mapped == 1
    (ev,) = events
    assert g.value(ev, RDF.type) == DY[want["type"]]
    assert set(g.objects(ev, DY.agent)) == {actor(want["agent"])}
    if "target" in want:
        assert set(g.objects(ev, DY.target)) == ({actor(want["target"])} if want["target"] else set())
    if "date" in want:
        assert g.value(ev, DY.date) == Literal(want["date"], datatype=XSD.date)
        assert g.value(ev, DY.precision) == DY.Day
    if "topic" in want:
        assert g.value(ev, DY.topic) == Literal(want["topic"])
    if "place" in want:
        assert g.value(ev, DY.place) == (URIRef(want["place"]) if want["place"] else None)
    if "point" in want:
        geometry = g.value(g.value(ev, DY.place), GEO.hasGeometry)
        assert g.value(geometry, GEO.asWKT) == Literal(want["point"], datatype=GEO.wktLiteral)
    if "in" in want:
        assert g.value(g.value(ev, DY.place), SCHEMA.containedInPlace) == actor(want["in"])
    # every report is GDELT's, of the article at the row's URL, with the row's CAMEO code and id
    (report,) = g.subjects(DY.reportOf, ev)
    assert g.value(report, PROV.wasAttributedTo) == CODER
    if "citation" in case:
        assert g.value(report, DY.source) == result.name
        assert g.value(report, DCTERMS.bibliographicCitation) == Literal(case["citation"])
    else:
        assert str(g.value(g.value(report, DY.source), SCHEMA.url)) == "https://example.org/news/1"
    assert g.value(report, DY.cameoCode) == Literal(case["row"]["EventCode"])
    assert g.value(report, DY.sourceEventId) == Literal("1")


def test_duplicate_rows_fold_into_one_event_with_one_report_per_url(tmp_path: Path) -> None:
    names = columns(LAYOUTS[61])
    base = {"SQLDATE": "20241021", "DATEADDED": "20241021120000", "Actor1Code": "KOR",
            "Actor1CountryCode": "KOR", "Actor2Code": "RUS", "Actor2CountryCode": "RUS"}
    rows = [  # the same accusation three times from two articles; a condemnation beside it
        {**base, "GLOBALEVENTID": "1", "EventCode": "112", "SOURCEURL": "https://example.org/a"},
        {**base, "GLOBALEVENTID": "2", "EventCode": "1121", "SOURCEURL": "https://example.org/a"},
        {**base, "GLOBALEVENTID": "3", "EventCode": "112", "SOURCEURL": "https://example.org/b"},
        {**base, "GLOBALEVENTID": "4", "EventCode": "111", "SOURCEURL": "https://example.org/b"},
    ]
    path = tmp_path / "x.export.CSV"
    path.write_text("".join("\t".join(r.get(n, "") for n in names) + "\n" for r in rows), encoding="utf-8")
    result = map_file(path)
    assert (result.mapped, result.events, result.reports) == (4, 2, 3)
    g = result.graph
    (accusation,) = g.subjects(RDF.type, DY.Accusation)
    reports = {str(g.value(g.value(r, DY.source), SCHEMA.url)): r for r in g.subjects(DY.reportOf, accusation)}
    assert sorted(reports) == ["https://example.org/a", "https://example.org/b"]
    assert set(g.objects(reports["https://example.org/a"], DY.sourceEventId)) == {Literal("1"), Literal("2")}
    assert set(g.objects(reports["https://example.org/a"], DY.cameoCode)) == {Literal("112"), Literal("1121")}


# -- the data tables ----------------------------------------------------------------------------

def test_each_cameo_key_falls_under_a_code_its_class_annotates() -> None:
    onto = Graph().parse(resource("ontology", "dyad.ttl"))
    for key, cls in tables().events.items():
        annotated = [str(c) for c in onto.objects(cls, DY.cameoCode)]
        assert any(key.startswith(c) for c in annotated), (key, cls, annotated)


def test_country_tables_name_states_dyad_knows() -> None:
    from dyad.registry import load_registry

    states = load_registry().states
    t = tables()
    assert {iso for iso in t.fips.values() if iso} - set(states) <= {"XKX"} - set(states)
    assert {iso for iso in t.countries.values() if iso} <= set(states)
    assert set(t.groups.values()) <= set(load_registry().organizations)
    assert not set(t.regions) & set(states)  # a region code is never a state's


# -- the real file, through the command line ----------------------------------------------------

@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    store = tmp_path_factory.mktemp("gdelt") / "store"
    ran = run_dyad("import", "gdelt", str(REAL), store=store)
    assert ran.code == 0, ran.err
    return store, ran.err


def _summary(err: str) -> dict:
    head = re.search(r"(\d+) rows: (\d+) mapped, (\d+) skipped; (\d+) events, (\d+) reports", err)
    assert head, err
    rows, mapped, skipped, events, reports = map(int, head.groups())
    reasons = {m[2]: int(m[1]) for m in re.finditer(r"^  skipped (\d+): (.+)$", err, re.M)}
    return {"rows": rows, "mapped": mapped, "skipped": skipped, "events": events, "reports": reports,
            "reasons": reasons}


def test_real_file_rows_are_counted_and_classified(imported: tuple[Path, str]) -> None:
    s = _summary(imported[1])
    rows = list(csv.reader(io.StringIO(real_text()), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert s["rows"] == len(rows) == 2271
    assert s["mapped"] + s["skipped"] == s["rows"] and sum(s["reasons"].values()) == s["skipped"]
    # counted apart from the importer: the rows whose EventCode the docs say map
    mapped_codes = ("010", "016", "040", "041", "042", "043", "044", "046", "057", "10", "111", "112", "154")
    with_class = sum(1 for r in rows if r[26].startswith(mapped_codes))
    assert s["rows"] - s["reasons"]["event code has no Dyad class"] == with_class
    # GDELT's duplication: many rows, fewer events, never more events than rows
    assert 0 < s["events"] < s["reports"] <= s["mapped"]


def test_real_file_in_the_store(imported: tuple[Path, str]) -> None:
    from dyad.store import Store

    store_dir, err = imported
    s = _summary(err)
    store = Store(store_dir, read_only=True)
    assert store.stats()["events"] == s["events"] and store.stats()["reports"] == s["reports"]
    assert store.sources() == [GRAPH]
    _, rows = store.select(f"""
        PREFIX dy: <{DY._NS}> PREFIX prov: <{PROV}>
        SELECT (COUNT(?r) AS ?n) (SUM(IF(EXISTS {{ ?r prov:wasAttributedTo <{CODER}> }}, 1, 0)) AS ?gdelt)
        WHERE {{ GRAPH <{GRAPH}> {{ ?r a dy:Report }} }}""")
    assert int(rows[0]["n"]) == int(rows[0]["gdelt"]) == s["reports"]
    # places are shared GeoSPARQL points: no place has two geometries
    _, rows = store.select(f"""
        PREFIX geo: <{GEO}>
        SELECT ?p (COUNT(DISTINCT ?g) AS ?n) WHERE {{ ?p geo:hasGeometry ?g }} GROUP BY ?p HAVING (COUNT(DISTINCT ?g) > 1)""")
    assert rows == []
    _, rows = store.select(f"PREFIX dy: <{DY._NS}> SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e dy:place ?p }}")
    assert int(rows[0]["n"]) > 0


def test_who_did_what_lists_gdelt_events_with_their_source(imported: tuple[Path, str]) -> None:
    store_dir, err = imported
    ran = run_dyad("query", "who-did-what", "-p", "status=any", "--format", "csv", store=store_dir)
    assert ran.code == 0, ran.err
    table = list(csv.DictReader(io.StringIO(ran.out)))
    assert len({r["event"] for r in table}) == _summary(err)["events"]
    assert all(r["source"].startswith(str(ID["article/"])) and r["precision"] == "day" for r in table)


def _dump(store: Path) -> str:
    ran = run_dyad("export", "--format", "nquads", store=store)
    assert ran.code == 0, ran.err
    return "\n".join(sorted(ran.out.splitlines()))


def test_importing_again_plain_or_zipped_changes_nothing(imported: tuple[Path, str], tmp_path: Path) -> None:
    store_dir, _ = imported
    before = _dump(store_dir)
    plain = tmp_path / "20150218230000.export.CSV"
    plain.write_text(real_text(), encoding="utf-8")
    for f in (REAL, plain):
        ran = run_dyad("import", "gdelt", str(f), store=store_dir)
        assert ran.code == 0 and "(unchanged)" in ran.err, ran.err
    assert _dump(store_dir) == before


def _damaged(case: dict, tmp_path: Path) -> Path:
    path = tmp_path / case["file"]
    text = real_text()
    lines = text.split("\n")
    damage = case["damage"]
    if "drop_last_column_of_line" in damage:
        n = damage["drop_last_column_of_line"] - 1
        lines[n] = lines[n].rsplit("\t", 1)[0]
        path.write_text("\n".join(lines), encoding="utf-8")
    elif "keep_columns" in damage:
        path.write_text("\n".join("\t".join(l.split("\t")[:damage["keep_columns"]]) for l in lines if l), encoding="utf-8")
    elif "truncate_zip_to" in damage:
        data = REAL.read_bytes()
        path.write_bytes(data[: int(len(data) * damage["truncate_zip_to"])])
    elif "latin1_byte_on_line" in damage:
        n = damage["latin1_byte_on_line"] - 1
        raw = [l.encode("utf-8") for l in lines]
        raw[n] = raw[n].replace(b"\t", "\t\u00e9".encode("latin-1"), 1)
        path.write_bytes(b"\n".join(raw))
    elif "empty" in damage:
        path.write_bytes(b"")
    return path


@pytest.mark.parametrize("case", BAD_FILES, ids=[c["name"] for c in BAD_FILES])
def test_bad_file_is_one_line_and_changes_nothing(case: dict, imported: tuple[Path, str], tmp_path: Path) -> None:
    store_dir, _ = imported
    before = _dump(store_dir)
    path = _damaged(case, tmp_path)
    ran = run_dyad("import", "gdelt", str(path), store=store_dir)
    assert ran.code == 2
    assert len(ran.err.strip().splitlines()) == 1, ran.err
    assert re.search(case["error"].replace("{file}", re.escape(str(path))), ran.err.strip()), ran.err
    assert _dump(store_dir) == before


def test_a_bad_file_among_good_ones_writes_none(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = _row_file(tmp_path, ROW_CASES[0])
    assert run_dyad("import", "gdelt", str(first), store=store).code == 0
    before = run_dyad("stats", store=store).out
    assert "sources\t1\n" in before
    bad = _damaged(BAD_FILES[0], tmp_path)
    ran = run_dyad("import", "gdelt", str(REAL), str(bad), store=store)
    assert ran.code == 2, ran.err
    assert run_dyad("stats", store=store).out == before


def test_gdelt_event_folds_into_the_same_event_told_by_another_source(tmp_path: Path) -> None:
    """A hand submission of an event GDELT also has: one event, two reports (dyad.identity)."""
    store = tmp_path / "store"
    names = columns(LAYOUTS[61])
    row = {"GLOBALEVENTID": "7", "SQLDATE": "20241021", "DATEADDED": "20241021120000", "Actor1Code": "KORGOV",
           "Actor1CountryCode": "KOR", "Actor1Type1Code": "GOV", "Actor2Code": "RUS", "Actor2CountryCode": "RUS",
           "EventCode": "111", "SOURCEURL": "https://example.org/news/7"}
    path = tmp_path / "20241021120000.export.CSV"
    path.write_text("\t".join(row.get(n, "") for n in names) + "\n", encoding="utf-8")
    submission = tmp_path / "by-hand.ttl"
    submission.write_text(f"""
@prefix dy: <{DY._NS}> . @prefix dyid: <{ID}> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <{PROV}> . @prefix dcterms: <http://purl.org/dc/terms/> .
<{ID}submission/hand> a dy:Submission ; prov:generatedAtTime "2024-10-22T08:00:00Z"^^xsd:dateTime ;
    prov:wasAttributedTo <{ID}submitter/analyst> ; dy:fileName "by-hand.ttl" .
<{ID}submitter/analyst> a prov:Agent .
<{ID}event/by-hand> a dy:Condemnation ; dy:agent <{ID}state/KOR> ; dy:target <{ID}state/RUS> ;
    dy:date "2024-10-21"^^xsd:date .
<{ID}report/by-hand> a dy:Report ; dy:reportOf <{ID}event/by-hand> ; dy:source <{ID}submission/hand> ;
    dy:status dy:Reported .
""", encoding="utf-8")
    assert run_dyad("import", "gdelt", str(path), store=store).code == 0
    ran = run_dyad("load", str(submission), store=store)
    assert ran.code == 0, ran.err
    ran = run_dyad("query", "who-did-what", "--format", "csv", store=store)
    (only,) = list(csv.DictReader(io.StringIO(ran.out)))
    assert (only["type"], only["agent_code"], only["target_code"], only["reports"]) == ("Condemnation", "KOR", "RUS", "2")


def test_a_page_gdelt_cites_and_dyad_ingests_is_one_node_with_one_language(tmp_path: Path) -> None:
    """GDELT knows only a page's address (a dy:Source); Dyad's ingest of the same URL, before or
    after the import, makes that node the dy:Article with the language it detected."""
    from conftest import SEED_TEXT
    from dyad.iris import article_iri
    from dyad.store import Store

    url = "https://example.org/news/1"  # the URL of every row case
    row_file = _row_file(tmp_path, ROW_CASES[0])
    for order in (("ingest", "import"), ("import", "ingest")):
        store = tmp_path / "-".join(order)
        for step in order:
            ran = (run_dyad("ingest", str(SEED_TEXT), "--url", url, "--lang", "id", "--published",
                            "2024-10-24T09:35:00+07:00", store=store) if step == "ingest"
                   else run_dyad("import", "gdelt", str(row_file), store=store))
            assert ran.code == 0, ran.err
        s = Store(store, read_only=True)
        _, rows = s.select(f"SELECT DISTINCT ?l WHERE {{ <{article_iri(url)}> <http://purl.org/dc/terms/language> ?l }}")
        assert [str(r["l"]) for r in rows] == ["id"], order
        from dyad import gate
        assert gate.check_store(s).conforms, order
        del s


def test_who_did_what_lists_gdelt_events_beside_ingested_ones_each_with_its_source(tmp_path: Path) -> None:
    """Dyad's own extraction of the seed article and GDELT's file in one store: who-did-what
    lists both, each row naming its source; the event query says who coded each report."""
    from conftest import SEED_TEXT

    store = tmp_path / "store"
    assert run_dyad("ingest", str(SEED_TEXT), store=store).code == 0
    assert run_dyad("import", "gdelt", str(REAL), store=store).code == 0
    ran = run_dyad("query", "who-did-what", "-p", "status=any", "--format", "csv", store=store)
    rows = list(csv.DictReader(io.StringIO(ran.out)))
    years = {r["date"][:4] for r in rows if r["date"]}
    assert {"2024", "2015"} <= years  # the seed's events and GDELT's
    coders = {}
    for year in ("2024", "2015"):
        row = next(r for r in rows if r["date"].startswith(year) and r["source"])
        event = run_dyad("query", "event", "-p", f"event={row['event']}", "--format", "csv", store=store)
        coders[year] = {r["coder"] for r in csv.DictReader(io.StringIO(event.out))}
    assert coders == {"2024": {""}, "2015": {str(CODER)}}
