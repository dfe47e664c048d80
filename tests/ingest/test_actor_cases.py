"""Actor mentions from data: tests/ingest/actor_cases.yaml (one runner, counts its cases)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from ingest.actors import find_actors

CASES = yaml.safe_load((Path(__file__).parent / "actor_cases.yaml").read_text(encoding="utf-8"))["cases"]


@dataclass(frozen=True)
class _Article:  # the fields find_actors reads
    text: str
    language: str
    dateline: str | None = None
    body_start: int = 0


def test_case_count() -> None:
    assert len(CASES) >= 16


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_actor_case(case: dict) -> None:
    art = _Article(case["text"], case["lang"])
    found = {m.text: m for m in find_actors(art, [(0, len(art.text))])}
    for text, want in case["expect"].items():
        code, *flags = want if isinstance(want, list) else [want]
        assert text in found, f"{text!r} not found; got {sorted(found)}"
        assert found[text].code == code
        assert found[text].envoy == ("envoy" in flags)
    for text in case.get("absent", []):
        assert text not in found
