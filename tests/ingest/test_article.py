"""Runs every case in article_cases/: an input file and, beside it, <stem>.yaml with the expected
articles (recognised metadata) or the expected error (message substring and where)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from dyad.errors import InputError
from ingest.article import Metadata, iter_paths, read_path, read_text

CASES = Path(__file__).resolve().parent / "article_cases"
INPUTS = sorted(p for p in CASES.iterdir() if p.suffix in (".txt", ".json", ".jsonl"))
EXPECTED_CASES = 22  # the runner must not pass empty or silently lose cases


def test_case_count() -> None:
    assert len(INPUTS) == EXPECTED_CASES
    assert all(p.with_suffix(".yaml").is_file() for p in INPUTS)


@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_article_case(path: Path) -> None:
    expected = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
    if "error" in expected:
        with pytest.raises(InputError) as info:
            list(read_path(path))
        assert expected["error"] in info.value.message
        assert info.value.where and info.value.where.endswith(expected["where_ends"])
        return
    articles = list(read_path(path))
    assert len(articles) == len(expected["articles"])
    for article, want in zip(articles, expected["articles"]):
        for key in ("title", "author", "publisher", "language", "dateline", "url"):
            if key in want:
                assert getattr(article, key) == want[key], key
        if "published" in want:
            got = article.published.isoformat() if article.published else None
            assert got == want["published"]
        if "body_begins" in want:
            assert article.text[article.body_start:].startswith(want["body_begins"])
        if "caption" in want:
            captions = [article.text[s:e] for k, s, e in article.parts if k == "caption"]
            assert captions == [want["caption"]]
        if "name_ends" in want:
            assert article.name.endswith(want["name_ends"])
        if "iri" in want:
            assert str(article.iri) == want["iri"]
        if "text_has_cr" in want:
            assert ("\r" in article.text) == want["text_has_cr"]
        for _kind, s, e in article.parts:
            assert 0 <= s <= e <= article.body_start


def test_overrides_win() -> None:
    text = (CASES / "seed-id.txt").read_text(encoding="utf-8")
    flags = Metadata(published=datetime.fromisoformat("2024-10-25T00:00:00+00:00"), language="id",
                     url="https://example.org/seed", title="Another title")
    article = read_text(text, name="seed", overrides=flags)
    assert (article.title, article.url, article.published.day) == ("Another title", "https://example.org/seed", 25)
    assert article.author == "Yati Maulana"  # recognised fields not overridden stay


def test_unsupported_language() -> None:
    with pytest.raises(InputError, match="not supported"):
        read_text("Bonjour.", name="x", overrides=Metadata(language="xx"))


def test_iri_is_stable_and_url_based() -> None:
    a = read_text("Some text here.", name="a")
    b = read_text("Some text here.", name="b")
    assert a.iri == b.iri and str(a.iri).startswith("https://w3id.org/dyad/id/article/")
    c = read_text("Some text here.", name="c", overrides=Metadata(url="https://example.org/a/1"))
    assert str(c.iri).endswith("/" + __import__("hashlib").sha256(b"https://example.org/a/1").hexdigest()[:16])


def test_iter_paths_walks_folders(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b.txt", "a.json", "sub/c.jsonl", "x.gold.yaml", "notes.md", ".hidden/d.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    got = [p.relative_to(tmp_path).as_posix() for p in iter_paths([tmp_path])]
    assert got == ["a.json", "b.txt", "sub/c.jsonl"]
    assert list(iter_paths(["-"])) == [Path("-")]
    with pytest.raises(InputError, match="no such file"):
        list(iter_paths([tmp_path / "missing"]))
