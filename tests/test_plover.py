"""``dyad export --format plover``: every record read back against the PLOVER record schema
(tests/data/plover/record.schema.json, from the PLOVER manual 0.8) and against the store.

The store holds the seed's hand-made events and the real GDELT file; tests/data/plover/expected.yaml
lists what chosen events must become.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from rdflib import Graph

from conftest import ROOT, SAMPLE, run_dyad
from dyad.namespace import DY
from dyad.resources import resource

DATA = ROOT / "tests" / "data" / "plover"
SCHEMA = json.loads((DATA / "record.schema.json").read_text(encoding="utf-8"))
EXPECTED = yaml.safe_load((DATA / "expected.yaml").read_text(encoding="utf-8"))
GDELT = ROOT / "tests" / "data" / "gdelt" / "20150218230000.export.CSV.zip"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict], str]:
    base = tmp_path_factory.mktemp("plover")
    store = base / "store"
    assert run_dyad("load", str(SAMPLE), store=store).code == 0
    assert run_dyad("import", "gdelt", str(GDELT), store=store).code == 0
    out = base / "events.jsonl"
    ran = run_dyad("export", "--format", "plover", "-o", str(out), store=store)
    assert ran.code == 0, ran.err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return store, records, ran.err


def test_every_record_is_a_plover_record(exported: tuple[Path, list[dict], str]) -> None:
    _, records, _ = exported
    validator = jsonschema.Draft202012Validator(SCHEMA)
    assert records
    for rec in records:
        errors = sorted(validator.iter_errors(rec), key=str)
        assert not errors, f"{rec['id']}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_records_say_what_the_store_says(exported: tuple[Path, list[dict], str]) -> None:
    """Each record's category, actors and date are its event's, read back through who-did-what;
    every event is written or counted as left out."""
    store, records, err = exported
    onto = Graph().parse(resource("ontology", "dyad.ttl"))
    category = {str(c).rsplit("#", 1)[1]: str(v) for c, v in onto.subject_objects(DY.ploverCategory)}
    ran = run_dyad("query", "who-did-what", "-p", "status=any", "--format", "csv", store=store)
    events: dict[str, dict] = {}
    for row in csv.DictReader(io.StringIO(ran.out)):
        e = events.setdefault(row["event"], {"type": row["type"], "agents": set(), "targets": set(), "date": row["date"]})
        e["agents"].add(row["agent_code"])
        if row["target_code"]:
            e["targets"].add(row["target_code"])
    for rec in records:
        e = events[rec["id"]]
        assert rec["dyad_type"] == e["type"] and rec["event"] == [category[e["type"]]]
        assert {a["dyad_code"] for a in rec["source"]} == e["agents"]
        assert {a["dyad_code"] for a in rec.get("recipient", [])} == e["targets"]
        assert rec["dyad_date"] == e["date"] and rec["date"] <= rec.get("enddate", rec["date"])
        assert e["date"].startswith(rec["date"][:4])
    written = re.match(r"(\d+) PLOVER records; left out: (.*)$", err.strip())
    assert written and int(written[1]) == len(records), err
    left = sum(int(n) for n in re.findall(r"(\d+) [A-Za-z]+:", written[2]))
    assert len(records) + left == len(events)
    # PLOVER has no category for a statement and needs a date: exactly those are left out
    assert left == sum(1 for e in events.values() if e["type"] == "Statement" or not e["date"])


@pytest.mark.parametrize("case", EXPECTED, ids=[c["name"] for c in EXPECTED])
def test_expected_record(case: dict, exported: tuple[Path, list[dict], str]) -> None:
    _, records, _ = exported
    by_id = {r["id"]: r for r in records}
    if case.get("left_out"):
        assert case["event"] not in by_id
        return
    rec = by_id[case["event"]]
    for key, want in case["record"].items():
        if key in ("source", "recipient"):
            assert [a["code"] for a in rec.get(key, [])] == want, key
        else:
            assert rec.get(key) == want, key


def test_selection_and_bad_options(exported: tuple[Path, list[dict], str], tmp_path: Path) -> None:
    store, records, _ = exported
    ran = run_dyad("export", "--format", "plover", "--actor", "KOR", "--from", "2024", store=store)
    assert ran.code == 0, ran.err
    ids = [json.loads(line)["id"] for line in ran.out.splitlines()]
    assert ids and set(ids) < {r["id"] for r in records}
    assert all("2024" <= r["date"] for r in records if r["id"] in ids)
    ran = run_dyad("export", "--format", "plover", "--source", "https://w3id.org/dyad/id/gdelt/x", store=store)
    assert ran.code == 2 and len(ran.err.strip().splitlines()) == 1
    ran = run_dyad("export", "--format", "plover", "--from", "yesterday", "-o", str(tmp_path / "x.jsonl"), store=store)
    assert ran.code == 2 and ran.err.startswith("dyad: --from") and not (tmp_path / "x.jsonl").exists()
