"""Runs sentence_cases.yaml: a body text and the sentences it must split into."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ingest.article import Article
from ingest.nlp import sentences

CASES = yaml.safe_load((Path(__file__).resolve().parent / "sentence_cases.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["why"][:50] for c in CASES])
def test_sentence_case(case: dict) -> None:
    article = Article(text=case["text"], body_start=0, title=None, author=None, publisher=None, published=None,
                      language=case["lang"], url=None, dateline=None, name="case")
    assert [s.text for s in sentences(article)] == case["sentences"]
