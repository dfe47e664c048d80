"""Runs every row of time_cases.yaml through find_times: the mentions found, their values and
precisions, and that offsets index the text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from ingest.temporal import find_times

ROWS = yaml.safe_load((Path(__file__).resolve().parent / "time_cases.yaml").read_text(encoding="utf-8"))
EXPECTED_ROWS = 65  # the runner must not pass empty or silently lose rows


def test_row_count() -> None:
    assert len(ROWS) == EXPECTED_ROWS
    assert {r["lang"] for r in ROWS} == {"id", "en"}


@pytest.mark.parametrize("row", ROWS, ids=[f"{i}-{r['lang']}-{r['text'][:30]}" for i, r in enumerate(ROWS)])
def test_time_row(row: dict) -> None:
    published: date | None = row["published"]
    found = find_times(row["text"], row["lang"], published)
    got = [[m.text, m.value.text if m.value else None, m.value.precision if m.value else None] for m in found]
    want = [[t, str(v) if v is not None else None, p] for t, v, p in row["expect"]]
    assert got == want
    for m in found:
        assert row["text"][m.start:m.end] == m.text


def test_offset_shifts() -> None:
    [m] = find_times("pada hari Senin", "id", date(2024, 10, 24), offset=100)
    assert (m.start, m.end, m.relative) == (100, 115, True)


def test_bare_month_ahead() -> None:
    """A bare month carries the coming such month too, which a planned event uses."""
    p = date(2025, 7, 15)
    (m,) = find_times("to sign an agreement in September", "en", p)
    assert (m.value.text, m.ahead.text) == ("2024-09", "2025-09")
    (m,) = find_times("menandatangani perjanjian pada bulan Maret", "id", p)
    assert (m.value.text, m.ahead.text) == ("2025-03", "2026-03")
    assert find_times("signed in July", "en", p)[0].ahead is None  # this month: both readings agree
    assert find_times("last September", "en", p)[0].ahead is None


def test_bare_weekday_ahead() -> None:
    """A bare weekday carries the coming such day too: "will on Monday summon" in a Sunday story."""
    p = date(2018, 1, 14)  # a Sunday
    (m,) = find_times("will on Monday summon the envoy", "en", p)
    assert (m.value.text, m.ahead.text) == ("2018-01-08", "2018-01-15")
    (m,) = find_times("akan memanggil dubes pada hari Rabu", "id", p)
    assert (m.value.text, m.ahead.text) == ("2018-01-10", "2018-01-17")
    assert find_times("on Sunday", "en", p)[0].ahead is None  # today: both readings agree
    assert find_times("last Monday", "en", p)[0].ahead is None
    assert find_times("next Monday", "en", p)[0].ahead is None
