"""Event extraction from data: tests/ingest/event_cases.yaml (one runner, counts its cases)."""

from __future__ import annotations

from datetime import datetime, time, timezone
from pathlib import Path

import pytest
import yaml

from ingest.article import Article
from ingest.pipeline import process

CASES = yaml.safe_load((Path(__file__).parent / "event_cases.yaml").read_text(encoding="utf-8"))["cases"]
_TYPES = {"Summons", "TroopDeployment", "Denial", "Accusation", "Condemnation", "Demand", "Statement",
          "Consultation", "Agreement"}


def test_case_count_and_coverage() -> None:
    assert len(CASES) >= 40
    assert {e["type"] for c in CASES for e in c["events"]} == _TYPES
    assert {lang for lang in (c["lang"] for c in CASES)} == {"id", "en"}
    assert sum(1 for c in CASES if not c["events"]) >= 10  # negatives and negations


def _article(case: dict) -> Article:
    published = datetime.combine(case["published"], time(12), tzinfo=timezone.utc)
    title = case.get("title")  # a headline: the article's first line, read as a title is
    text = f"{title}\n\n{case['text']}" if title else case["text"]
    return Article(text=text, body_start=len(title) + 2 if title else 0, title=title, author=None, publisher=None,
                   published=published, language=case["lang"], url=case.get("url"), dateline=None, name="case",
                   parts=(("title", 0, len(title)),) if title else ())


def _row(e) -> dict:  # noqa: ANN001
    return {"type": e.type.split("#")[-1], "agents": sorted(a.code for a in e.agents),
            "targets": sorted(t.code for t in e.targets), "date": e.date.text if e.date else None,
            "status": e.status, "troops": e.troops}


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_event_case(case: dict) -> None:
    rows = [_row(e) for e in process(_article(case)).events]
    if not case["events"]:
        assert rows == [], rows

    def fits(want: dict, row: dict) -> bool:
        for k, v in want.items():
            if k in ("agents", "targets"):
                v = sorted(v)
            elif k == "date" and v is not None:
                v = str(v)
            if row[k] != v:
                return False
        return True

    for want in case["events"]:
        assert any(fits(want, r) for r in rows), f"{want} not in {rows}"
    if case.get("only"):  # the listed events and no others: as many rows, each one of those listed
        assert len(rows) == len(case["events"]), rows
        assert all(any(fits(want, r) for want in case["events"]) for r in rows), rows
