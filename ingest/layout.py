"""The head of a scraped article: section, title, byline, date line, caption, dateline.

Split from :mod:`ingest.article` (which documents the layouts) to keep each module small. Time
zone abbreviations ("WIB") and month names come from the time lexicons of every language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from dyad import dates
from dyad.dates import DateValue
from dyad.errors import InputError
from dyad.resources import resource
from ingest.temporal import month_names, timezones

_PERIOD = re.compile(r"\d{4}(?:-\d{2})?")  # a publication known only to the month or year
_HEAD_LINES = 12          # metadata lives in the first lines; the rest is body


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """Supported languages: the folders of data/lexicons/ (adding a language = adding a folder)."""
    root = resource("data", "lexicons")
    return tuple(sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "time.yaml").is_file()))


# ---- dates in the head -----------------------------------------------------------------------

@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    return {n: m for lang in languages() for n, m in month_names(lang).items()}


@lru_cache(maxsize=1)
def _zones() -> dict[str, timezone]:
    zones = {}
    for lang in languages():
        for abbr, off in timezones(lang).items():
            zones[abbr.upper()] = _offset(off)
    return zones


def _offset(text: str) -> timezone:
    m = re.fullmatch(r"([+-])(\d{1,2})(?::?(\d{2}))?", text.strip())
    if not m:
        raise ValueError(f"bad UTC offset {text!r}")
    delta = timedelta(hours=int(m[2]), minutes=int(m[3] or 0))
    return timezone(-delta if m[1] == "-" else delta)


_UPDATED = r"(?:Updated|Published|Posted|Diperbarui|Diterbitkan|Dipublikasikan)"
_DATETIME = re.compile(
    rf"(?P<upd>{_UPDATED}\s*:?\s+)?(?:[^\W\d]+'?[^\W\d]*,?\s+)?"
    r"(?:(?P<d1>\d{1,2})[/.-](?P<m1>\d{1,2})[/.-](?P<y1>\d{4})"
    r"|(?P<mn2>[^\W\d]+)\.?\s+(?P<d2>\d{1,2}),?\s+(?P<y2>\d{4})"
    r"|(?P<d3>\d{1,2})\s+(?P<mn3>[^\W\d]+)\.?\s+(?P<y3>\d{4})"
    r"|(?P<iso>\d{4}-\d\d-\d\d))"
    r"(?:(?:,|\s+at|\s+pukul|\s+-|T)?\s*(?P<H>\d{1,2})[:.](?P<M>\d\d)(?::\d\d)?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
    r"\s*(?P<tz>[A-Z]{2,5}(?:\s*[+-]\d{1,2}(?::?\d\d)?)?|[+-]\d\d:?\d\d|Z)?)?"
)


def _parse_datetime(text: str) -> tuple[datetime, bool] | None:
    """(aware datetime, is an "Updated" line) of a head line that starts with a date, else None."""
    m = _DATETIME.match(text.strip())
    if not m:
        return None
    try:
        if m["d1"]:  # numeric dates in heads are day-first (id); 10/21/2024 still reads right
            d, mo, y = int(m["d1"]), int(m["m1"]), int(m["y1"])
            if mo > 12 >= d:
                d, mo = mo, d
        elif m["iso"]:
            y, mo, d = (int(x) for x in m["iso"].split("-"))
        else:
            name = (m["mn2"] or m["mn3"]).lower()
            if name not in _months():
                return None
            d, mo, y = int(m["d2"] or m["d3"]), _months()[name], int(m["y2"] or m["y3"])
        hour, minute = int(m["H"] or 0), int(m["M"] or 0)
        if m["ampm"]:
            hour = hour % 12 + (12 if m["ampm"][0] in "pP" else 0)
        tz = _tz(m["tz"]) if m["tz"] else timezone.utc
        if tz is None:
            return None
        return datetime(y, mo, d, hour, minute, tzinfo=tz), bool(m["upd"])
    except ValueError:
        return None  # 31/02/2024: not a date, so not a date line


def _tz(text: str) -> timezone | None:
    if text == "Z":
        return timezone.utc
    m = re.fullmatch(r"([A-Z]{2,5})?\s*([+-]\d{1,2}(?::?\d\d)?)?", text)
    if not m:
        return None
    base = _zones().get(m[1]) if m[1] else timezone.utc
    if base is None:
        return None
    if not m[2]:
        return base
    return timezone(base.utcoffset(None) + _offset(m[2]).utcoffset(None))


def parse_published(text: str, *, where: str = "--published") -> datetime | DateValue:
    """An ISO 8601 date or date-time (or a byline date) as an aware datetime.

    A date alone is midnight UTC of that date; a time without a zone is taken as UTC. A month or
    a year alone ("2019-12", "2019": all a page may tell) is kept as that period, a
    :class:`~dyad.dates.DateValue`: nothing that needs the day is resolved against it.

    >>> parse_published("2024-10-24").isoformat()
    '2024-10-24T00:00:00+00:00'
    >>> parse_published("2019-12").text
    '2019-12'
    """
    if _PERIOD.fullmatch(text.strip()):
        try:
            return dates.parse(text)
        except ValueError as exc:
            raise InputError(f"published {exc}", where=where) from None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        parsed = _parse_datetime(text)
        if parsed is None:
            raise InputError(f"published {text!r} is not a date; use ISO 8601 "
                             "(2024-10-24T09:35:00+07:00, 2024-10-24, or 2024-10 / 2024 when only "
                             "the month or year is known)", where=where) from None
        value = parsed[0]
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


# ---- the head of a scraped article -----------------------------------------------------------

_SECTION = re.compile(r"[•·▪►»]\s*\S.{0,40}")
_BY = re.compile(r"(?:By|Oleh)\s*:?\s+(?P<author>[^|\n]+?)\s*(?:\|\s*(?P<publisher>[^|\n]+?))?\s*", re.I)
_PIPE = re.compile(r"(?P<author>[^|\n\d]{2,80}?)\s*\|\s*(?P<when>.+)")
_UPDATED_LINE = re.compile(rf"{_UPDATED}\b", re.I)
_CREDIT = re.compile(r"\s*(?:\(?\b(?:Foto|Photo|Image|Gambar|Ilustrasi)\b\s*(?:via|:|/|by|oleh)?\s*"
                     r"[^.\n]{0,60}\)?|\bREUTERS/[^\n]{0,60}|\(?(?:ANTARA|AFP|AP) ?(?:FOTO|PHOTO)[^\n]{0,60})$",
                     re.I)
_DATELINE = re.compile(r"(?P<place>[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,3})(?:,\s*(?P<when>[A-Za-z]{3,9}\.?\s+\d{1,2}))?"
                       r"(?:,?\s*\((?P<agency>[^()\n]{2,40})\))?(?:\s+[-–—]{1,2}\s+|(?<=\))(?:--|[–—])\s*)")
# (the dash may touch the agency's parenthesis: "Beijing, May 22 (Jiji Press)--Chinese ...";
# a comma may part the place and the agency: "TEHRAN, (Reuters) – Iran accused ...")
# a dateline alone on its line, as Indian and Pakistani dailies print it: "New Delhi, March 26"
_DATELINE_LINE = re.compile(r"(?P<place>[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,3}),\s*"
                            r"(?:(?P<m1>[A-Z][a-z]{2,8})\.?\s+\d{1,2}|\d{1,2}\s+(?P<m2>[A-Z][a-z]{2,8}))\s*:?")
# after a date that opens a line: "(KAMPALA) — " or " — ", then the lead (more than this many characters)
_DATED_LEAD = re.compile(r"\s*(?:\((?P<place>[A-Z][A-Z .'-]{1,30})\)\s*)?[-–—]{1,2}\s+")
_LEAD_AFTER_DATE = 40
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]$")


@dataclass
class _Head:
    body_start: int = 0
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: datetime | None = None
    dateline: str | None = None
    parts: list[tuple[str, int, int]] = field(default_factory=list)


def _lines(text: str, start: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the non-blank lines from ``start``, end without the newline."""
    pos = start
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        if text[pos:end].strip():
            yield pos, end
        pos = end + 1


def _dateline(head: _Head, text: str, start: int) -> bool:
    m = _DATELINE.match(text, start)
    if not m or not (m["place"].isupper() or m["agency"]):
        return False
    place = m["place"]
    head.dateline = " ".join(w.capitalize() for w in place.split()) if place.isupper() else place
    if m["agency"] and not head.publisher:
        head.publisher = m["agency"].strip()
    head.body_start = m.end()
    return True


def _recognise(text: str, start: int = 0) -> _Head:
    """Recognise the head of ``text`` from ``start``; what is not there stays None."""
    head = _Head(body_start=len(text))
    title_at: tuple[int, int] | None = None
    meta = False           # a byline, date, caption or dateline seen: the head is real
    for n, (ls, le) in enumerate(_lines(text, start)):
        s_off = ls + len(text[ls:le]) - len(text[ls:le].lstrip())
        line = text[s_off:le].rstrip()
        if n >= _HEAD_LINES:
            head.body_start = s_off
            break
        if n == 0 and _SECTION.fullmatch(line):
            continue
        if m := _BY.fullmatch(line):
            head.author, meta = m["author"], True
            head.publisher = head.publisher or (m["publisher"] or None)
            continue
        if (m := _PIPE.fullmatch(line)) and (when := _parse_datetime(m["when"])):
            head.author, meta = m["author"].strip(), True
            head.published = head.published or when[0]
            continue
        if when := _parse_datetime(line):
            rest = line[_DATETIME.match(line).end():]  # type: ignore[union-attr]
            if len(rest.strip()) > _LEAD_AFTER_DATE:
                # "Feb 13, 2007 (KAMPALA) — Uganda's parliament voted ...": the date and dateline open the lead
                lead = _DATED_LEAD.match(rest)
                if lead is None:
                    head.body_start = s_off
                    break
                head.published = head.published or when[0]
                if lead["place"]:
                    head.dateline = " ".join(w.capitalize() for w in lead["place"].split())
                head.body_start = s_off + len(line) - len(rest) + lead.end()
                meta = True
                break
            if not when[1] or head.published is None:
                head.published = when[0] if not when[1] or head.published is None else head.published
            meta = True
            continue
        if _UPDATED_LINE.match(line):
            meta = True
            continue
        credit = _CREDIT.search(line)
        repeats = head.title is not None and line.startswith(head.title) and len(line) > len(head.title)
        if (credit or repeats) and (meta or head.title):
            cs = s_off + (len(head.title) if repeats and head.title else 0)
            cs += len(text[cs:le]) - len(text[cs:le].lstrip())
            ce = s_off + (credit.start() if credit else len(line))
            if ce > cs:
                head.parts.append(("caption", cs, ce))
            meta = True
            continue
        if _dateline(head, text, s_off):
            meta = True
            break
        if (m := _DATELINE_LINE.fullmatch(line)) and (m["m1"] or m["m2"]).lower() in _months():
            # the filing place and day, not the story's ("Israel-Hamas War, Day 45" is a title)
            head.dateline, meta = m["place"], True
            head.body_start = le + len(text[le:]) - len(text[le:].lstrip())
            continue
        if head.title is None and not meta and len(line) <= 200 and not _SENTENCE_END.search(line):
            head.title, title_at = line, (s_off, s_off + len(line))
            continue
        head.body_start = s_off
        break
    if head.title is not None and title_at is not None:
        # a lone short first line is a title only with more head or a paragraph break after it
        followed_by_blank = text.startswith("\n\n", title_at[1]) or text.startswith("\n\r\n", title_at[1])
        if meta or (followed_by_blank and len(head.title.split()) <= 20 and head.body_start < len(text)):
            head.parts.insert(0, ("title", *title_at))
        else:
            head = _Head(body_start=title_at[0])
            _dateline(head, text, title_at[0])
    return head
