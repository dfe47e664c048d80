"""The seed article against its gold annotation (dyad.evaluate)."""

from __future__ import annotations

from pathlib import Path

from dyad.evaluate import load_gold, records_from_graph, score
from dyad.registry import registry_graph
from ingest.article import read_path
from ingest.pipeline import process

DATA = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_seed_scores() -> None:
    article = next(iter(read_path(DATA / "article-id-2024-10-24.txt")))
    gold = load_gold(DATA / "article-id-2024-10-24.gold.yaml")
    assert sum(len(v) for v in gold.records.values()) >= 20
    s = score(gold, records_from_graph(process(article).graph, registry_graph()))
    assert s.tiers["core"].recall == 1.0, s.misses
    assert not s.must_not_violations
    assert s.tiers["extended"].recall >= 0.8, s.misses
    assert s.tiers["extended"].precision >= 0.8, s.false_alarms
