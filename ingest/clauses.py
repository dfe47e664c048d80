"""Clause-level reading of one sentence: where clauses start, who the subject is, what is hedged.

Extraction (``ingest.extract``) asks three questions about a trigger token, and the answers come
from the rule words in ``data/lexicons/<lang>/triggers.yaml`` (``words:``):

- *the agent*: the nearest actor to the left inside the trigger's clause, skipping an appositive
  ("Malaysia, yang juga ..., mengecam"), with pairs ("Baik Rusia maupun Korea Utara", "both X and
  Y") as two agents; a coordinated verb without a subject ("... dan mendesak") takes the
  sentence subject;
- *the time*: the time expression in the same clause (commas, coordinators and complementizers
  end clauses), nearest after the trigger, else before;
- *factuality*: negation, conditional antecedent, hypothetical/hedge/unconfirmed cues, reported
  speech (a complement of a speech verb or a claim noun, or "menurut X"/"according to X").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc

from dyad.resources import resource, read_yaml

STATUS_RANK = {"reported": 1, "alleged": 2, "unconfirmed": 3, "hypothetical": 4}


@dataclass(frozen=True)
class Words:
    """The rule words of one language; multi-word entries are tuples of lower-case tokens."""

    sets: dict[str, frozenset[tuple[str, ...]]]
    decimal: str
    group: str

    def __post_init__(self) -> None:
        # phrases indexed by their first and last token: each lookup tries only a few phrases
        first: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        last: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        for name, phrases in self.sets.items():
            for p in sorted(phrases, key=len, reverse=True):
                first.setdefault((name, p[0]), []).append(p)
                last.setdefault((name, p[-1]), []).append(p)
        object.__setattr__(self, "_first", first)
        object.__setattr__(self, "_last", last)

    def at(self, doc: Doc, i: int, name: str, lo: int = 0, hi: int | None = None) -> int:
        """Length of the longest entry of list `name` starting at token i (0 if none), within [lo, hi)."""
        low = lowers(doc)
        hi = len(low) if hi is None else hi
        if i < lo or i >= hi:
            return 0
        for p in self._first.get((name, low[i]), ()):  # type: ignore[attr-defined]
            n = len(p)
            if i + n <= hi and tuple(low[i:i + n]) == p:
                return n
        return 0

    def ending_at(self, doc: Doc, j: int, name: str, lo: int = 0) -> int:
        """Length of the longest entry of list `name` ending just before token j (0 if none)."""
        low = lowers(doc)
        if j - 1 < lo or j - 1 >= len(low):
            return 0
        for p in self._last.get((name, low[j - 1]), ()):  # type: ignore[attr-defined]
            n = len(p)
            if j - n >= lo and tuple(low[j - n:j]) == p:
                return n
        return 0


def lowers(doc: Doc) -> list[str]:
    """The lower-case token texts of a doc, computed once per doc."""
    low = doc.user_data.get("dyad_lower")
    if low is None:
        low = doc.user_data["dyad_lower"] = [t.lower_ for t in doc]
    return low


@lru_cache(maxsize=8)
def words(language: str) -> Words:
    return Words(**_load(language)["words"])


@lru_cache(maxsize=8)
def _load(language: str) -> dict[str, Any]:
    path = resource("data", "lexicons", language, "triggers.yaml")
    if not path.exists():
        path = resource("data", "lexicons", "en", "triggers.yaml")
    data = read_yaml(path)
    from ingest.actors import _nlp  # the same tokenizer as the text, so phrases split alike

    nlp = _nlp(language)
    w = data["words"]
    sets = {}
    for name, values in w.items():
        if isinstance(values, list):
            sets[name] = frozenset(tuple(t.lower_ for t in nlp.make_doc(str(v))) for v in values)
    data["words"] = {"sets": sets, "decimal": w.get("decimal", "."), "group": w.get("group", ",")}
    return data


def triggers(language: str) -> dict[str, Any]:
    return _load(language)["events"]


def clause_start(doc: Doc, lo: int, t: int, w: Words, *, commas: bool, skip: frozenset[int] = frozenset()) -> int:
    """First token of the clause holding token t (sentence starts at lo); `skip`: coordinators
    that join noun phrases ("X and Y"), not clauses. A boundary word inside an actor's name or
    title (``doc.user_data["dyad_named"]``: "Kuasa Usaha Sementara", a chargé d'affaires ad
    interim, holds "sementara", "while") is part of the name."""
    named = doc.user_data.get("dyad_named", ())
    i = t - 1
    while i >= lo:
        tok = doc[i]
        if commas and tok.text == ",":
            return i + 1
        for name in ("complementizers", "boundaries", "speech") + (("coordinators",) if commas and i not in skip else ()):
            if i not in named and w.ending_at(doc, i + 1, name, lo):
                return i + 1
        if tok.text in ('"', "“", "”"):
            return i + 1
        i -= 1
    return lo


def clause_end(doc: Doc, t: int, hi: int, w: Words, *, commas: bool, skip: frozenset[int] = frozenset()) -> int:
    """End (exclusive) of the clause holding token t; `skip` as in clause_start."""
    named = doc.user_data.get("dyad_named", ())
    i = t + 1
    while i < hi:
        tok = doc[i]
        if (commas and tok.text == ",") or tok.text in ('"', "“", "”"):
            return i
        for name in ("complementizers", "boundaries") + (("coordinators",) if commas and i not in skip else ()):
            if i not in named and w.at(doc, i, name, 0, hi):
                return i
        i += 1
    return hi


def negated(doc: Doc, t: int, lo: int, w: Words) -> bool:
    """A negation word among the three tokens before the trigger (adverbs may intervene), in its
    own clause: "the statements had no value, rejecting ..." does not negate "rejecting"."""
    for k in range(t - 1, max(lo, t - 3) - 1, -1):
        if doc[k].text in (",", ";", ":"):
            lo = k + 1
            break
    for i in range(max(lo, t - 3), t):
        n = w.at(doc, i, "negation", lo, t)
        if n and not w.at(doc, i, "unconfirmed", lo):
            return True
    return False


def cancelled(doc: Doc, j: int, hi: int, w: Words) -> bool:
    """An event noun ending at j that its clause says was called off ("the meeting between ... was
    postponed", "pertemuan ... batal"): no event."""
    for k in range(j, hi):
        if doc[k].text in (",", ";", ":"):
            return False
        if w.at(doc, k, "cancelled", j, hi):
            return True
    return False


def in_conditional(doc: Doc, t: int, lo: int, w: Words) -> bool:
    """The trigger is inside an if-clause ("jika Korea Utara mengirim pasukan"): not asserted."""
    i = t - 1
    while i >= lo:
        if doc[i].text == ",":
            return False
        if w.at(doc, i, "conditional", lo, t):
            return True
        i -= 1
    return False


def cue_before(doc: Doc, t: int, lo: int, w: Words, name: str, span: int = 4, unless: str | None = None) -> bool:
    """A cue of list `name` in the few tokens before the trigger, within its clause; not one that
    opens the clause as its subject with a word of list `unless` after it ("Rencana itu disusun
    dalam pembicaraan ...": the plan is a thing told of, the talks took place)."""
    for i in range(max(lo, t - span), t):
        n = w.at(doc, i, name, lo, t)
        if n and not (unless and i == lo and w.at(doc, i + n, unless, i + n, t)):
            return True
    return False


def strongest(statuses: list[str]) -> str:
    return min(statuses, key=lambda s: STATUS_RANK[s]) if statuses else "reported"


def weakest(statuses: list[str]) -> str:
    return max(statuses, key=lambda s: STATUS_RANK[s]) if statuses else "reported"
