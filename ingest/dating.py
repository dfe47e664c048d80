"""An event's date from its sentence: the time expression of the trigger's clause, never the
publication date.

A time in the trigger's clause, nearest after it, else before; past an apposition, a place or a
quoted word of the object the clause runs on; a time told of the act's reason ("over the entry ...
on Sunday") is the reason's; a framing verb's time dates the claim, not the claimed act; a quote's
or, for a speech act, a closing attribution's time dates what was said. What the sentence leaves
undated the article-level rules of ``ingest.discourse`` may date from the story.
"""

from __future__ import annotations

from spacy.tokens import Doc

from dyad.dates import DateValue
from ingest import clauses, roles
from ingest.clauses import Words
from ingest.roles import Sent

__all__ = ["event_date", "place_after"]


def event_date(doc: Doc, sent: Sent, i: int, w: Words, frame: int | None = None, obj_end: int | None = None,
               speech: bool = False) -> DateValue | None:
    """The time in the trigger's clause, nearest after it, else before; none means undated.
    A time after a place apposition ("in Jakarta, on Wednesday") still belongs to the clause;
    a time before the frame verb dates the claim, not the claimed event ("accused X on Tuesday of ...").
    The clause runs on past a quoted word of the object (``obj_end``: 'sent a “large-scale” troop
    deployment to Russia on Friday')."""
    lo = clauses.clause_start(doc, sent.lo, i, w, commas=True, skip=sent.np_and)
    if frame is not None:
        lo = max(lo, i)
    hi = clauses.clause_end(doc, i, sent.hi, w, commas=True, skip=sent.np_and)
    if obj_end is not None and obj_end > hi:
        hi = clauses.clause_end(doc, obj_end - 1, sent.hi, w, commas=True, skip=sent.np_and)
    inside = [(a, m) for a, b, m in sent.times if lo <= a < hi and m.value is not None]
    # not a time told of the reason the act was done for ("over the entry ... on Sunday")
    time_starts = {a for a, _, _ in sent.times}
    reason = next((x for x in range(i + 1, hi) if (n := w.at(doc, x, "reason_markers", i + 1, hi))
                   and not w.at(doc, x, "not_reason", i + 1, hi) and not {x + n, x + n + 1} & time_starts), hi)
    after = [x for x in inside if i < x[0] < reason]
    before = [x for x in inside if x[0] < i]
    if after:
        first = min(after, key=lambda x: x[0])[1].value
        if first.precision == "year":
            # "..., Jumat siang, melakukan pertemuan ... Konsultasi Tahunan ... tahun 2008": a bare
            # year after the verb names a series or a period; a day set off just before it dates the act
            close = [(a, m.value) for a, b, m in sent.times if m.value is not None and i - 6 <= a < i
                     and not any(x in sent.verbs for x in range(b, i))]
            near = max(close, key=lambda x: x[0])[1] if close else None
            if near is not None and near.precision == "day":
                return near
        return first
    # "will summon, on Thursday, November 21, the ambassador": a time set off by commas right after
    # the verb is its own
    comma = next((x for x in (i + 1, i + 2) if x < sent.hi and doc[x].text == ","), None)
    if comma is not None:
        k = comma + 1 + w.at(doc, comma + 1, "time_preps", comma + 1, sent.hi)
        set_off = [m.value for a, b, m in sent.times if a in (comma + 1, k) and m.value is not None
                   and b < sent.hi and doc[b].text == ","]
        if set_off:
            return set_off[0]
    if before:
        return max(before, key=lambda x: x[0])[1].value
    framed = roles.frame_date(doc, sent, i, w) if frame is None else None
    if framed is not None:
        return framed
    said = roles.quote_time(doc, sent, i, w)
    if said is None and speech:
        # "Indonesia condemned Australia, the minister said on Monday": a speech act is done when
        # it is said; a summons or a meeting told so may be older (its own date or none)
        said = roles.attribution_time(doc, sent, i, hi, w)
    if said is not None:
        return said
    nxt = roles.object_and_time(doc, sent, hi, w)
    if nxt is not None:
        return nxt
    trailing = roles.trailing_time(doc, sent, i, w)
    if trailing is not None:
        return trailing
    named = _after_names(doc, sent, hi, w)
    if named is not None:
        return named
    # "met X at the palace in Jakarta, on Wednesday" / "menerima PM Malaysia, Dato' Sri Ismail Sabri,
    # di Istana Kepresidenan, Bogor, Jawa Barat, pada Rabu (10/11)": comma segments that are names
    # (an appositive, the city) or a place ("di Istana ...") are skipped, then a time may follow
    # (right after the clause, with no place or name between, a time set off by a comma is
    # another phrase's: "over the death of a student, in January 2016")
    starts = {a: m for a, b, m in sent.times if m.value is not None}
    skipped = place_after(doc, i + 1, hi, w) is not None
    k = hi
    for _ in range(6):
        if k >= sent.hi or doc[k].text != ",":
            return None
        k += 1
        for x in (k, k + 1):
            if x in starts and all(not doc[y].is_alpha or doc[y].lower_ in ("on", "pada") for y in range(k, x)) and (
                    skipped or reason == hi and _set_off(doc, sent, x) and not any(
                    w.at(doc, y, "subordinators", sent.lo, hi) for y in (lo - 1, lo) if y >= sent.lo)):
                # (or set off on both sides after a clause that gives no reason: "memanggil diplomat
                # India ke Kementerian Luar Negerinya, Kamis (15/10), untuk ..."; not after a fronted
                # "After X summoned ...,", whose time the main clause's is not)
                return starts[x].value
        k += w.at(doc, k, "place", k, sent.hi)
        first = k
        while k < sent.hi and (doc[k].text[:1].isupper() or (k > first and doc[k].text in ("'", "’", "."))):
            k += 1
        if k == first:
            return None  # a clause of its own, not a name
        skipped = True
    return None


def _set_off(doc: Doc, sent: Sent, x: int) -> bool:
    """The time starting at token x is followed by a comma ("..., Kamis (15/10), untuk ...")."""
    end = next((b for a, b, m in sent.times if a == x), x)
    return end < sent.hi and doc[end].text == ","


def _after_names(doc: Doc, sent: Sent, hi: int, w: Words) -> DateValue | None:
    """"talks between the envoys of the two countries, Narayanan and Dai, in New Delhi on Sunday.":
    after the clause's comma, the names it lists (and where they met), then the time that ends
    the sentence or its clause, is the clause's."""
    k = hi
    if k >= sent.hi or doc[k].text != ",":
        return None
    k, names = k + 1, 0
    while k < sent.hi:
        if doc[k].is_alpha and doc[k].text[:1].isupper() and not roles.is_time(sent, k):
            k, names = k + 1, names + 1
        elif (doc[k].text == "," or w.at(doc, k, "pair_joiners", k, k + 1)) and k + 1 < sent.hi \
                and doc[k + 1].text[:1].isupper() and not roles.is_time(sent, k + 1):
            k += 1
        elif (n := w.at(doc, k, "place", k, sent.hi)) and k + n < sent.hi and doc[k + n].text[:1].isupper():
            k += n
        else:
            break
    if names < 2:
        return None
    for a, b, m in sent.times:
        if m.value is not None and (a == k or (a == k + 1 and doc[k].lower_ in ("on", "pada"))) \
                and (b >= sent.hi or doc[b].is_punct):
            return m.value
    return None


def place_after(doc: Doc, j: int, hi: int, w: Words) -> str | None:
    for k in range(j, hi):
        n = w.at(doc, k, "place", j, hi)
        if n and k + n < hi and doc[k + n].text[:1].isupper():
            e = k + n
            while e < hi and e - (k + n) < 3 and doc[e].text[:1].isupper() and doc[e].is_alpha:
                e += 1
            if e > k + n:
                return doc[k + n:e].text
    return None
