"""`dyad submit` and `dyad validate` as a user runs them, from data files.

Each ``tests/submit/cases/<name>.expected.yaml`` describes one run against a fresh store: the
input is the sibling ``<name>.<ext>`` (or a file the runner generates, for the size limit), and
the expected outcome is the exit code, substrings of stdout/stderr, for ``--format json`` and
``--format turtle`` the parsed report, and for accepted submissions the who-did-what rows the
submission adds (columns type, agent_code, target_code, date, status, reports). Keys:

    command: submit | validate        (default submit)
    args: [...]                       extra arguments
    preload: seed                     load data/samples/seed-events.ttl first
    also: [file, ...]                 more case files in the same call
    generate: {name, bytes}           write a file of that size instead of a case file
    exit, out, err, json, turtle, rows, withdraw

A refused or validate-only run must leave the store exactly as it was (same ``dyad stats``; no
store created when there was none); ``withdraw: true`` withdraws the accepted submission and
checks the counts of sources, events and reports are back to what they were.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from rdflib import Graph
from rdflib.namespace import RDF, SH

from conftest import SAMPLE, run_dyad

CASES_DIR = Path(__file__).resolve().parent / "submit" / "cases"
CASES = sorted(CASES_DIR.glob("*.expected.yaml"))
COLUMNS = ("type", "agent_code", "target_code", "date", "status", "reports")


def _input(spec_path: Path, spec: dict, tmp: Path) -> Path:
    if gen := spec.get("generate"):
        path = tmp / gen["name"]
        line = b"- {type: Summons, agent: KOR, target: RUS, date: 2024-10-21}\n"
        path.write_bytes(line * (gen["bytes"] // len(line) + 1))
        return path
    stem = spec_path.name.removesuffix(".expected.yaml")
    found = [p for p in CASES_DIR.glob(stem + ".*") if not p.name.endswith(".expected.yaml")]
    assert len(found) == 1, f"{spec_path.name}: expected one input file {stem}.*, found {found}"
    return found[0]


def _stats(store: Path) -> str | None:
    if not store.exists():
        return None
    ran = run_dyad("stats", store=store)
    assert ran.code == 0, ran.err
    return ran.out


def _rows(store: Path) -> list[tuple[str, ...]]:
    if not store.exists():
        return []
    ran = run_dyad("query", "who-did-what", "-p", "status=any", "--format", "csv", store=store)
    assert ran.code == 0, ran.err
    table = list(csv.DictReader(io.StringIO(ran.out)))
    return sorted(tuple(r[c] for c in COLUMNS) for r in table)


def _counts(stats: str | None) -> dict[str, str]:
    if stats is None:
        return {"sources": "0", "events": "0", "reports": "0"}
    pairs = dict(line.split("\t") for line in stats.splitlines() if "\t" in line)
    return {k: pairs[k] for k in ("sources", "events", "reports")}


def test_cases_are_found() -> None:
    # Guards against a runner that passes empty; every input file has its expectation.
    assert len(CASES) == 34
    inputs = [p for p in CASES_DIR.iterdir() if not p.name.endswith(".expected.yaml")]
    stems = {p.name.removesuffix(".expected.yaml") for p in CASES}
    assert all(p.name.split(".")[0] in stems for p in inputs), "an input file without .expected.yaml"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.removesuffix(".expected.yaml"))
def test_case(case: Path, tmp_path: Path) -> None:
    assert case.read_text(encoding="utf-8").startswith("# "), "a case starts with a comment saying what it shows"
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    store = tmp_path / "store"
    if spec.get("preload") == "seed":
        assert run_dyad("load", str(SAMPLE), store=store).code == 0
    files = [str(_input(case, spec, tmp_path)), *(str(CASES_DIR / f) for f in spec.get("also", []))]
    command = spec.get("command", "submit")
    stats_before, rows_before = _stats(store), _rows(store)

    ran = run_dyad(command, *files, *map(str, spec.get("args", [])), store=store)

    context = f"\nstdout:\n{ran.out}\nstderr:\n{ran.err}"
    assert ran.code == spec["exit"], context
    for text in spec.get("out", []):
        assert text in ran.out, f"{text!r} not in stdout{context}"
    for text in spec.get("err", []):
        assert text in ran.err, f"{text!r} not in stderr{context}"
    if ran.code == 2:
        assert ran.err.startswith("dyad: ") and len(ran.err.strip().splitlines()) == 1, context
    if want := spec.get("json"):
        doc = json.loads(ran.out)
        assert doc["conforms"] is want["conforms"]
        problems = [p for f in doc["files"] for p in f["problems"]]
        assert sum(p["severity"] == "violation" for p in problems) == want["violations"]
        assert all(set(p) == {"line", "event", "focus", "field", "value", "message", "severity", "shape"}
                   for p in problems)
    if want := spec.get("turtle"):
        g = Graph().parse(data=ran.out, format="turtle")
        report = g.value(None, RDF.type, SH.ValidationReport, any=False)
        assert report is not None
        assert g.value(report, SH.conforms).toPython() is want["conforms"]
        assert len(list(g.objects(report, SH.result))) == want["results"]

    if ran.code != 0 or command == "validate":
        assert _stats(store) == stats_before, "a refused or checked-only submission changed the store"
        return
    if "rows" in spec:
        added = sorted(set(_rows(store)) - set(rows_before))
        want_rows = sorted(tuple(str(c) for c in r) for r in spec["rows"])
        assert added == want_rows, context
    if spec.get("withdraw"):
        source = re.search(r"added as (\S+)", ran.err)
        assert source, context
        assert run_dyad("withdraw", source[1], store=store).code == 0
        assert _counts(_stats(store)) == _counts(stats_before)
        assert _rows(store) == rows_before


def test_event_iris_are_minted_as_ingest_mints_them() -> None:
    """Submissions, ingest and imports mint event IRIs with one function (dyad/iris.py), and it is
    the formula docs/design.md gives: SHA-256 over type, sorted agents, sorted targets, sorted
    about events and the date (undated: source and row), 16 hex."""
    import hashlib

    from rdflib import URIRef

    from dyad import dates, gdelt, iris, submit
    from dyad.namespace import DY, ID
    from ingest import mapping

    assert submit.event_iri is mapping.event_iri is gdelt.event_iri is iris.event_iri
    kor, rus, prk, x = ID["state/KOR"], ID["state/RUS"], ID["state/PRK"], ID["event/x"]
    src = URIRef(ID["submission/s"])
    for date, last in ((dates.parse("2024-W42"), "2024-W42"), (None, f"undated|{src}|3")):
        parts = [str(DY.Summons), str(kor), "|", str(prk), str(rus), "|", str(x), last]
        want = ID["event/" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]]
        assert iris.event_iri(DY.Summons, frozenset({kor}), frozenset({rus, prk}), frozenset({x}), date, src, 3) == want
