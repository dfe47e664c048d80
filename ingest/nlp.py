"""Sentences of an article: one blank spaCy pipeline per language, cached.

No statistical model: ``spacy.blank(lang)`` (tokenizer with the language's exceptions) plus the
rule-based ``sentencizer``, tuned by data (``data/lexicons/<lang>/sentences.yaml``: abbreviations
such as "Jl.", "Oct.", "U.S." that end with a period but not a sentence) and by three rules the
sentencizer lacks:

- a line break ends a sentence (scraped news has one paragraph or heading per line), except in
  hard-wrapped text: a long line with no final punctuation runs on into the next (in a text of
  short lines whose paragraphs blank lines part, any but a heading-short one does);
- an opening quote left at the end of a sentence (`said. "We`) moves to the next one;
- a "sentence" that starts with a lower-case letter continues the previous one (an abbreviation
  spaCy did not know).

Title and caption (from ``Article.parts``) are sentences too, marked by ``part``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.symbols import ORTH

from dyad.resources import resource, read_yaml
from ingest.article import Article

__all__ = ["Sentence", "pipeline", "sentences"]

_WRAP = 60                       # a line this long without final punctuation is hard-wrapped
_WRAP_PARTED = 20                # ... or this long, where blank lines part the paragraphs
_FINAL = re.compile(r"[.!?:;\"”’')\]`|]\s*$")  # "|": a caption or menu separator ends its line
_QUOTES = "\"“'‘«"


@dataclass(frozen=True)
class Sentence:
    """A sentence: offsets into Article.text; ``part`` is "title", "caption" or "body"."""

    start: int
    end: int
    text: str
    part: str


def blank(language: str) -> Language:
    """spaCy's blank pipeline for ``language``, whose tokenizer also splits a double hyphen or an
    em dash that touches the words around it ("(Jiji Press)--Chinese Vice Foreign Minister ...",
    "Moscow—The Kremlin"): glued, the first word of the lead is no word and no name matches it."""
    nlp = spacy.blank(language)
    infixes = [*nlp.Defaults.infixes, r"--+", r"(?<=[\w)\]])—(?=[\w(])"]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    return nlp


@lru_cache(maxsize=None)
def pipeline(language: str) -> Language:
    """The blank pipeline for ``language`` (tokenizer + sentencizer), built once."""
    nlp = blank(language)
    path = resource("data", "lexicons", language, "sentences.yaml")
    if path.is_file():
        for abbr in (read_yaml(path) or {}).get("abbreviations", []):
            nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    nlp.add_pipe("sentencizer")
    return nlp


def _blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Line-bounded blocks of text[start:end]; hard-wrapped lines stay together."""
    blocks: list[tuple[int, int]] = []
    pos, block_start = start, None
    # a text of short lines in paragraphs parted by blank lines is hard-wrapped: a line break inside
    # a paragraph runs on, however short the line ("Pemerintah Indonesia telah memanggil-pulang
    # duta\nbesarnya di Australia ..."); one blank line in a page of long paragraphs is not that
    lines = [len(x) for x in text[start:end].split("\n") if x.strip()]
    parted = "\n\n" in text[start:end] and len(lines) >= 5 and sum(n < _WRAP + 20 for n in lines) >= 0.8 * len(lines)
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        line = text[pos:line_end]
        if line.strip():
            if block_start is None:
                block_start = pos
            if (len(line.rstrip()) < (_WRAP_PARTED if parted else _WRAP)) or _FINAL.search(line) or line_end == end \
                    or not text[line_end + 1:line_end + 2].strip():
                blocks.append((block_start, line_end))
                block_start = None
        elif block_start is not None:
            blocks.append((block_start, pos))
            block_start = None
        pos = line_end + 1
    if block_start is not None:
        blocks.append((block_start, end))
    return blocks


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _split(text: str, spans: list[tuple[int, int]], language: str) -> list[list[tuple[int, int]]]:
    """Sentence spans of each block, with the quote and lower-case repairs."""
    nlp = pipeline(language)
    out: list[list[tuple[int, int]]] = []
    for (bs, _be), doc in zip(spans, nlp.pipe(text[s:e] for s, e in spans)):
        sents: list[tuple[int, int]] = []
        for sent in doc.sents:
            s, e = _trim(text, bs + sent.start_char, bs + sent.end_char)
            if s >= e:
                continue
            if sents:
                ps, pe = sents[-1]
                # `said. "We` — the sentencizer leaves the opening quote behind
                if text[pe - 1] in _QUOTES and pe - 2 >= ps and text[pe - 2].isspace():
                    sents[-1] = _trim(text, ps, pe - 1)
                    s = pe - 1
                if text[s].islower():
                    sents[-1] = (sents[-1][0], e)
                    continue
            sents.append((s, e))
        out.append(sents)
    return out


def sentences(article: Article) -> list[Sentence]:
    """Sentences of the title, the caption and the body, in text order."""
    text = article.text
    spans: list[tuple[int, int]] = []
    kinds: list[str] = []
    for kind, s, e in article.parts:
        if kind in ("title", "caption"):
            spans.append((s, e))
            kinds.append(kind)
    for s, e in _blocks(text, article.body_start, len(text)):
        spans.append((s, e))
        kinds.append("body")
    result = [
        Sentence(s, e, text[s:e], kind)
        for kind, sents in zip(kinds, _split(text, spans, article.language))
        for s, e in sents
    ]
    return sorted(result, key=lambda x: x.start)
