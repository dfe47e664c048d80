"""One event, many reports: the same summons told by two articles, a submission and a loaded file
is one event with a report from each, whatever each report says it is about (dyad.identity)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SAMPLE, SEED_TEXT

# a second report of the seed's summons, in English, a day earlier; it mints its own node for the
# deployment the summons protests, so the two reports' `about` links differ
SECOND = ("South Korea summoned Russia's ambassador on Monday over North Korea's troop deployment "
          "to Russia, the foreign ministry in Seoul said.\n")
SUBMISSION = """\
- type: Summons
  agent: South Korea
  target: Russia
  date: 2024-10-21
  source: https://example.org/news/korea-summons-russian-envoy
  evidence: South Korea's foreign ministry summoned the Russian ambassador on Monday.
"""


def _summonses(dyad, store: Path) -> list[tuple[str, str, str, str, str]]:
    ran = dyad("query", "who-did-what", "-p", "status=any", "--format", "json", store=store)
    assert ran.code == 0, ran.err
    rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(ran.out)["results"]["bindings"]]
    return sorted((r["event"], r["agent_code"], r["target_code"], r["date"], r["reports"])
                  for r in rows if r["type"] == "Summons")


def _second(tmp_path: Path) -> Path:
    p = tmp_path / "second-en.txt"
    p.write_text(SECOND, encoding="utf-8")
    return p


@pytest.mark.parametrize("order", ["seed first", "second first"])
def test_two_articles_one_summons(dyad, store_dir: Path, tmp_path: Path, order: str) -> None:
    second = _second(tmp_path)
    runs = [(str(SEED_TEXT), "2024-10-24", "id"), (str(second), "2024-10-22", "en")]
    if order == "second first":
        runs.reverse()
    for path, published, lang in runs:
        ran = dyad("ingest", path, "--published", published, "--lang", lang, store=store_dir)
        assert ran.code == 0, ran.err
    summons = _summonses(dyad, store_dir)
    assert [(a, t, d, n) for _, a, t, d, n in summons] == [("KOR", "RUS", "2024-10-21", "2")]
    dyads = dyad("query", "dyads", "-p", "status=any", "--format", "json", store=store_dir)
    rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(dyads.out)["results"]["bindings"]]
    counts = [r["events"] for r in rows if r["type"].endswith("Summons") and r["agent_code"] == "KOR"
              and r["target_code"] == "RUS"]
    assert counts == ["1"], rows
    # the reports' `about` links stay, and point at the deployment both articles merged into
    export = dyad("export", "--format", "ntriples", store=store_dir).out.splitlines()
    about = {line.split()[2] for line in export if line.startswith(f"<{summons[0][0]}>") and "#about>" in line}
    assert len(about) == 1, about
    assert any(line.startswith(next(iter(about))) and "#TroopDeployment>" in line for line in export)


def test_submission_of_a_known_event_adds_a_report(dyad, store_dir: Path, tmp_path: Path) -> None:
    assert dyad("ingest", str(SEED_TEXT), store=store_dir).code == 0
    before = _summonses(dyad, store_dir)
    events = tmp_path / "events.yaml"
    events.write_text(SUBMISSION, encoding="utf-8")
    ran = dyad("submit", str(events), "--by", "Ana Analyst", store=store_dir)
    assert ran.code == 0, ran.err
    assert "already has this event" in ran.out + ran.err
    after = _summonses(dyad, store_dir)
    assert [(e, a, t, d) for e, a, t, d, _ in after] == [(e, a, t, d) for e, a, t, d, _ in before]
    assert after[0][4] == "2"


def test_load_of_a_known_event_adds_a_report(dyad, store_dir: Path) -> None:
    assert dyad("ingest", str(SEED_TEXT), store=store_dir).code == 0
    before = _summonses(dyad, store_dir)
    ran = dyad("load", str(SAMPLE), store=store_dir)
    assert ran.code == 0, ran.err
    assert "already in the store" in ran.err
    after = _summonses(dyad, store_dir)
    assert [(e, a, t, d) for e, a, t, d, _ in after] == [(e, a, t, d) for e, a, t, d, _ in before]
    assert after[0][4] == "2"
    again = dyad("stats", store=store_dir).out
    assert dyad("load", str(SAMPLE), store=store_dir).code == 0
    assert dyad("stats", store=store_dir).out == again  # loading twice adds nothing
