"""The command line as a user runs it: real processes, a real store on disk, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from conftest import SAMPLE
from dyad import queries

WHO = queries.load("who-did-what")


def test_load_then_query_who_did_what(dyad, store_dir: Path) -> None:
    ran = dyad("load", str(SAMPLE), store=store_dir)
    assert ran.code == 0, ran.err
    ran = dyad("query", "who-did-what", "--format", "csv", store=store_dir)
    assert ran.code == 0, ran.err
    rows = list(csv.reader(io.StringIO(ran.out)))
    assert rows[0] == list(WHO.columns)
    assert ["Summons", "KOR", "RUS", "2024-10-21"] in [[r[1], r[3], r[5], r[6]] for r in rows[1:]]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_load_reads_a_file_with_a_byte_order_mark(dyad, store_dir: Path, tmp_path: Path, encoding: str) -> None:
    # as dyad ingest and dyad submit read it: the mark says the encoding
    path = tmp_path / "events.ttl"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode(encoding))
    ran = dyad("load", str(path), store=store_dir)
    assert ran.code == 0, ran.err
    plain = dyad("load", str(SAMPLE), store=store_dir)
    assert "unchanged" in plain.err  # the same triples


def test_query_json_is_sparql_results(dyad, store_dir: Path) -> None:
    dyad("load", str(SAMPLE), store=store_dir)
    ran = dyad("query", "dyads", "--format", "json", "--param", "status=any", store=store_dir)
    assert ran.code == 0, ran.err
    doc = json.loads(ran.out)
    assert ran.out.endswith("}\n")  # the answer ends with a newline, so a prompt starts on its own line
    assert doc["head"]["vars"] == ["agent_code", "target_code", "type", "events"]
    top = doc["results"]["bindings"][0]
    assert (top["agent_code"]["value"], top["type"]["value"], top["events"]["value"]) == ("PRK", "TroopDeployment", "2")


def test_query_xml_ends_with_a_newline(dyad, store_dir: Path) -> None:
    dyad("load", str(SAMPLE), store=store_dir)
    ran = dyad("query", "dyads", "--format", "xml", store=store_dir)
    assert ran.code == 0, ran.err
    assert ran.out.endswith("</sparql>\n"), ran.out[-40:]


def test_query_table_and_list(dyad, store_dir: Path) -> None:
    dyad("load", str(SAMPLE), store=store_dir)
    ran = dyad("query", "timeline", "-p", "actor=KOR", store=store_dir)
    assert ran.code == 0, ran.err
    assert ran.out.splitlines()[0].split()[:3] == ["date", "precision", "type"]
    listing = dyad("query", "--list", store=store_dir)
    for name in ("who-did-what", "timeline", "dyads", "denials", "claims"):
        assert f"{name}:" in listing.out


def test_usage_errors_are_one_line_exit_2(dyad, store_dir: Path) -> None:
    dyad("load", str(SAMPLE), store=store_dir)
    for args in (("query", "../../etc/passwd"), ("query", "who-did-what", "-p", "type=Invasion"),
                 ("query", "who-did-what", "-p", "from=2024-02-30"), ("query", "no-such-query")):
        ran = dyad(*args, store=store_dir)
        assert ran.code == 2, (args, ran.err)
        assert ran.err.startswith("dyad: ") and len(ran.err.strip().splitlines()) == 1, ran.err


def test_query_on_missing_store_says_so(dyad, tmp_path: Path) -> None:
    ran = dyad("query", "who-did-what", store=tmp_path / "nothing-here")
    assert ran.code == 2 and "no store at" in ran.err


def test_validate_broken_file_exits_1_with_messages(dyad, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(SAMPLE.read_text(encoding="utf-8")
                      .replace("dy:troops 1500", "dy:troops 0")
                      .replace("dy:agent dyid:state/PRK ;\n    dy:target dyid:state/RUS ;\n    dy:troops 10000",
                               "dy:agent state:PRK"), encoding="utf-8")
    ran = dyad("validate", str(broken), store=tmp_path / "none")
    assert ran.code == 1, ran.out + ran.err
    assert "dy:troops" in ran.out
    assert "violation" in ran.out


def test_validate_good_file_exits_0(dyad, tmp_path: Path) -> None:
    ran = dyad("validate", str(SAMPLE), store=tmp_path / "none")
    assert ran.code == 0, ran.out + ran.err


def test_unreadable_input_exits_2_naming_the_file(dyad, tmp_path: Path) -> None:
    cases = {
        "empty.ttl": b"",
        "binary.ttl": b"\x00\x01\x02PK",
        "latin1.ttl": "@prefix dy: <https://w3id.org/dyad/ontology#> . <http://x/caf\xe9> a dy:Event .".encode("latin-1"),
        "syntax.ttl": b"@prefix dy: <https://w3id.org/dyad/ontology#> .\n\n<http://x/a> dy:agent .\n",
        "unknown.xyz": b"hello",
    }
    for name, data in cases.items():
        f = tmp_path / name
        f.write_bytes(data)
        ran = dyad("validate", str(f), store=tmp_path / "none")
        assert ran.code == 2, (name, ran.out, ran.err)
        assert str(f) in ran.err, (name, ran.err)
    assert ":3" in dyad("validate", str(tmp_path / "syntax.ttl")).err  # the line of the error


def test_load_refuses_a_nonconforming_file_and_writes_nothing(dyad, store_dir: Path, tmp_path: Path) -> None:
    dyad("load", str(SAMPLE), store=store_dir)
    before = dyad("stats", store=store_dir).out
    bad = tmp_path / "bad.ttl"
    bad.write_text(SAMPLE.read_text(encoding="utf-8").replace("dy:status dy:Alleged ;\n    dy:claimant organization:KOR-nis ;",
                                                              "dy:status dy:Alleged ;")
                   .replace("sample-id-2024-10-24", "other-article"), encoding="utf-8")
    ran = dyad("load", str(bad), store=store_dir)
    assert ran.code == 1
    assert "claimant" in ran.err
    assert dyad("stats", store=store_dir).out == before


def test_export_formats_parse_back(dyad, store_dir: Path, tmp_path: Path) -> None:
    dyad("load", str(SAMPLE), store=store_dir)
    ttl = tmp_path / "out.ttl"
    assert dyad("export", "-o", str(ttl), store=store_dir).code == 0
    text = ttl.read_text(encoding="utf-8")
    assert "@prefix dy: <https://w3id.org/dyad/ontology#>" in text
    g = Graph().parse(ttl, format="turtle")
    trig = tmp_path / "out.trig"
    assert dyad("export", "--format", "trig", "-o", str(trig), store=store_dir).code == 0
    ds = Dataset().parse(trig, format="trig")
    names = {str(c.identifier) for c in ds.graphs()}
    assert "https://w3id.org/dyad/id/article/sample-id-2024-10-24" in names
    assert len(g) == len({(s, p, o) for s, p, o, _ in ds.quads()})
    out = tmp_path / "out.nt"
    assert dyad("export", "--format", "ntriples", "-o", str(out), store=store_dir).code == 0
    assert len(Graph().parse(out, format="nt")) == len(g)
    # JSON-LD: compacted with Dyad's context, one @graph per named graph, as TriG keeps them
    jsonld = tmp_path / "out.jsonld"
    assert dyad("export", "--format", "jsonld", "-o", str(jsonld), store=store_dir).code == 0
    doc = json.loads(jsonld.read_text(encoding="utf-8"))
    assert doc["@context"]["agent"]["@id"] == "dy:agent"
    assert "https://w3id.org/dyad/ontology#agent" not in jsonld.read_text(encoding="utf-8")
    back = Dataset().parse(jsonld, format="json-ld")
    assert {str(c.identifier) for c in back.graphs() if len(c)} >= {n for n in names if n.startswith("https://w3id.org/dyad/id/")}
    assert len({(s, p, o) for s, p, o, _ in back.quads()}) == len(g)
    again = tmp_path / "again.jsonld"  # the same store, the same file (another hash seed)
    assert dyad("export", "--format", "jsonld", "-o", str(again), store=store_dir,
                env={"PYTHONHASHSEED": "7"}).code == 0
    assert again.read_bytes() == jsonld.read_bytes()


def test_stats_and_withdraw(dyad, store_dir: Path) -> None:
    dyad("load", str(SAMPLE), store=store_dir)
    stats = dict(line.split("\t") for line in dyad("stats", store=store_dir).out.splitlines())
    assert stats["events"] == "9" and stats["sources"] == "1"
    ran = dyad("withdraw", "https://w3id.org/dyad/id/article/sample-id-2024-10-24", store=store_dir)
    assert ran.code == 0, ran.err
    stats = dict(line.split("\t") for line in dyad("stats", store=store_dir).out.splitlines())
    assert stats["events"] == "0" and stats["sources"] == "0"


def test_every_command_has_help(dyad) -> None:
    for cmd in ("load", "query", "validate", "export", "stats", "withdraw", "check"):
        ran = dyad(cmd, "--help")
        assert ran.code == 0 and "Usage:" in ran.out, cmd


def test_check_runs_hermit(dyad, tmp_path: Path) -> None:
    ran = dyad("check", str(SAMPLE))
    assert ran.code == 0 and "consistent" in ran.out, ran.out + ran.err
    bad = sorted((Path(__file__).parent / "data" / "reasoning").glob("inconsistent-*.ttl"))[0]
    ran = dyad("check", str(bad))
    assert ran.code == 1 and "inconsistent" in ran.out, ran.out + ran.err
