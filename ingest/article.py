"""Text in, :class:`Article` out: the first stage of ingest.

:func:`read_path` reads ``.txt`` (anything not JSON), ``.json`` (one object or a list) and
``.jsonl`` (JSON Lines) files, or ``-`` for stdin; :func:`read_text` recognises the metadata of
scraped layouts at the head of a text and tolerates its absence:

    • News                                            section line (skipped)
    Korea Selatan Panggil Utusan Rusia ...            title
    Yati Maulana | Kamis, 24/10/2024 09:35 WIB        author | published (WIB = UTC+7)
    Korea Selatan Panggil ... 2024. Foto via REUTERS  photo caption (repeats the title; credit)
    SEOUL - Kementerian Luar Negeri ...               dateline, then the body

    By Jane Doe and John Roe | Reuters                author, publisher
    October 21, 2024 10:15 AM GMT+9  Updated 2 hours ago
    SEOUL, Oct 21 (Reuters) - South Korea ...          dateline (publisher from the agency)

``body_start`` is after the dateline (which is metadata, kept in ``Article.dateline``).
:class:`Metadata` (command-line flags) overrides what was recognised. Decisions:

- a time without a zone ("24/10/2024 09:35") and a date-only ``--published 2024-10-24`` are
  taken as UTC wall time: the *date* stays what the text or flag says, and the date is what
  relative expressions resolve against (:attr:`Article.published_date`).
- undecodable bytes are an error naming the file, line and byte, never mojibake.
The head recogniser is :mod:`ingest.layout`. Every error is an :class:`~dyad.errors.InputError` whose ``where`` names the file (and line).
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import URIRef

from dyad.dates import DateValue
from dyad.encoding import decode
from dyad.errors import InputError
from dyad.iris import article_iri
from ingest.layout import _Head, _recognise, languages, parse_published

__all__ = ["Article", "Metadata", "iter_paths", "languages", "parse_published", "read_path", "read_text"]

SUFFIXES = (".txt", ".json", ".jsonl")


@dataclass(frozen=True)
class Metadata:
    """What the command line says about an input; each field given overrides the text."""

    published: datetime | DateValue | None = None
    language: str | None = None
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Article:
    """One article: the text as given, every offset indexes into ``text``."""

    text: str
    body_start: int
    title: str | None
    author: str | None
    publisher: str | None
    published: datetime | DateValue | None  # a DateValue when only the month or year is known
    language: str
    url: str | None
    dateline: str | None
    name: str
    # (kind, start, end) of the recognised head: "title" and "caption" (the caption without the
    # repeated title and the photo credit), for ingest.nlp to make sentences of.
    parts: tuple[tuple[str, int, int], ...] = field(default=())

    @property
    def iri(self) -> URIRef:
        """``dyid:article/<first 16 hex of SHA-256 of the URL, else of the NFC text>``."""
        key = self.url if self.url else unicodedata.normalize("NFC", self.text)
        return article_iri(key)

    @property
    def published_date(self) -> date | None:
        """The publication date in the article's own time zone: what relative dates resolve against."""
        return self.published.date() if isinstance(self.published, datetime) else None

    @property
    def published_period(self) -> DateValue | None:
        """The publication date at the precision known: the day, else the month or year."""
        if isinstance(self.published, DateValue):
            return self.published
        return DateValue.day(self.published.date()) if self.published else None


# ---- languages -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _detector() -> tuple[Any, dict[Any, str]]:
    # Built once: loading lingua's models is the slow part, detecting is fast.
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    by_lang: dict[Any, str] = {}
    for code in languages():
        try:
            by_lang[Language.from_iso_code_639_1(IsoCode639_1.from_str(code))] = code
        except ValueError:
            continue  # a lexicon folder lingua does not know: never detected, still usable by flag
    if len(by_lang) < 2:
        return None, by_lang
    return LanguageDetectorBuilder.from_languages(*by_lang).build(), by_lang


def _detect(text: str) -> str:
    detector, by_lang = _detector()
    if detector is None:
        return next(iter(by_lang.values()), languages()[0])
    sample = text[:2000]
    found = detector.detect_language_of(sample)
    if found is None:  # too close to call: take the most likely anyway (the text is its language)
        ranked = detector.compute_language_confidence_values(sample)
        found = ranked[0].language if ranked else None
    return by_lang.get(found, "en" if "en" in languages() else languages()[0])


def _language(given: str, where: str) -> str:
    code = given.strip().replace("_", "-").split("-")[0].lower()
    if code not in languages():
        raise InputError(f"language {given!r} is not supported (no data/lexicons/{code}/); "
                         f"use one of {', '.join(languages())}", where=where)
    return code


# ---- public API ------------------------------------------------------------------------------

def _finish(text: str, head: _Head, name: str, overrides: Metadata | None,
            given: Metadata | None = None) -> Article:
    """Combine what was recognised, what the record gave and what the flags say (in that order)."""
    title, published, language, url = head.title, head.published, None, None
    for layer in (given, overrides):
        if layer is None:
            continue
        title = layer.title if layer.title is not None else title
        published = layer.published if layer.published is not None else published
        language = layer.language if layer.language is not None else language
        url = layer.url if layer.url is not None else url
    lang = _language(language, name) if language else _detect(text[head.body_start:] or text)
    return Article(text=text, body_start=head.body_start, title=title, author=head.author,
                   publisher=head.publisher, published=published, language=lang, url=url,
                   dateline=head.dateline, name=name, parts=tuple(head.parts))


def read_text(text: str, *, name: str, overrides: Metadata | None = None) -> Article:
    """An article from plain text, with the metadata its head shows.

    >>> a = read_text("SEOUL, Oct 21 (Reuters) - South Korea summoned Russia's envoy.", name="x")
    >>> a.dateline, a.publisher, a.language, a.text[a.body_start:a.body_start + 11]
    ('Seoul', 'Reuters', 'en', 'South Korea')
    """
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}", where=name)
    if not text.strip():
        raise InputError("empty input: no article text", where=name)
    return _finish(text, _recognise(text), name, overrides)


def _from_record(obj: Any, name: str, overrides: Metadata | None) -> Article:
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object with \"body\", got {type(obj).__name__}", where=name)
    body = obj.get("body")
    if not isinstance(body, str) or not body.strip():
        what = "has no \"body\"" if body is None else "has an empty or non-text \"body\""
        raise InputError(f"article {what}; each object needs the article text in \"body\"", where=name)
    fields: dict[str, str | None] = {}
    for key in ("title", "published", "url", "language"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"\"{key}\" must be a string, got {type(value).__name__}", where=name)
        fields[key] = value.strip() if value and value.strip() else None
    title = fields["title"]
    prefix = f"{title}\n\n" if title else ""
    text = prefix + body
    head = _recognise(text, len(prefix))
    if title:
        head.title = title
        head.parts.insert(0, ("title", 0, len(title)))
    given = Metadata(
        published=parse_published(fields["published"], where=name) if fields["published"] else None,
        language=fields["language"], url=fields["url"], title=title,
    )
    return _finish(text, head, name, overrides, given)


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise InputError("empty file: no article text", where=name)
    text = decode(data, name, expected="UTF-8 text or JSON")
    if not text.strip():
        raise InputError("empty file: no article text", where=name)
    # offsets index the text we store, so line ends are normalised once, here
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_path(path: Path | str, *, overrides: Metadata | None = None) -> Iterator[Article]:
    """Articles of one file (``-`` = stdin): text, ``.json`` (object or list) or ``.jsonl``.

    Raises :class:`InputError` (``where`` = file, or file:line[:column]) for unreadable, empty,
    binary or undecodable files, JSON syntax errors and records without ``body``.
    """
    stdin = str(path) == "-"
    name = "<stdin>" if stdin else str(path)
    try:
        data = sys.stdin.buffer.read() if stdin else Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where=name) from None
    text = _decode(data, name)
    suffix = "" if stdin else Path(path).suffix.lower()
    lead = text.lstrip()[:1]
    if suffix in (".jsonl", ".ndjson") or (stdin and lead == "{" and not _is_json(text)):
        yield from _json_lines(text, name, overrides)
    elif suffix == ".json" or (stdin and lead in "[{"):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"JSON syntax error: {exc.msg}", where=f"{name}:{exc.lineno}:{exc.colno}") from None
        items = obj if isinstance(obj, list) else [obj]
        if not items:
            raise InputError("empty JSON list: no articles", where=name)
        for i, item in enumerate(items):
            yield _from_record(item, f"{name}[{i}]" if isinstance(obj, list) else name, overrides)
    else:
        yield read_text(text, name=name, overrides=overrides)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


def _json_lines(text: str, name: str, overrides: Metadata | None) -> Iterator[Article]:
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"JSON syntax error: {exc.msg}", where=f"{name}:{lineno}:{exc.colno}") from None
        yield _from_record(obj, f"{name}:{lineno}", overrides)


def iter_paths(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files to read: files as given, folders walked for *.txt/*.json/*.jsonl (sorted, no hidden).

    ``-`` passes through as ``Path("-")``; a missing path raises :class:`InputError`.
    """
    for p in paths:
        path = Path(p)
        if str(p) == "-" or path.is_file():
            yield path
        elif path.is_dir():
            found = (f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                     and not any(part.startswith(".") for part in f.relative_to(path).parts))
            yield from sorted(found)
        else:
            raise InputError("no such file or folder", where=str(p))

