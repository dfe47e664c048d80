"""Time expressions in news text, resolved against the publication date.

The words are data (``data/lexicons/<lang>/time.yaml``: relative phrases, prefixes, modifiers,
counted units) and month and weekday names come from Babel's CLDR tables for the lexicon's
``locale``, so a new language is a new YAML file, not code. One regular expression per language
is built from them once and cached.

Precision follows the form of the expression, never the parser: a weekday, "kemarin" or a full
date is a day; "minggu lalu"/"last week", "two weeks ago" an ISO week ("three weeks ago" and more
back, a round count, the month it lands in); "di bulan Juni", "bulan lalu" a month;
"tahun lalu", "pada tahun 2023" a year. Resolution rules (all against the publication date P):

- a bare weekday ("pada hari Senin", "on Monday") is the most recent such day on or before P:
  wire style names the weekday even for the day of publication ("said on Thursday" in a Thursday
  story), so the same weekday as P is P itself. With "lalu"/"last" it is strictly before P; with
  "depan"/"next" strictly after.
- a month without a year is the most recent such month not after P's month ("lalu"/"last":
  strictly before; "depan"/"next": strictly after). A bare month also carries ``ahead``, this or the
  next such month, which a planned event uses instead ("expected to sign ... in September");
  a bare weekday likewise, this or the next such day ("will on Monday summon ...").
- a day and month without a year take P's year, unless that lands more than a week after P,
  then the year before.
- vague words ("sebelumnya", "earlier") give ``value=None, relative=True``.
- when P is unknown every relative expression gets ``value=None``: never guess.

dateparser is not used: the CLDR names plus these forms parse every expression we match exactly,
and a regex is about a hundred times faster than ``dateparser.parse`` per mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from babel import Locale

from dyad.dates import DateValue
from dyad.resources import resource, read_yaml

__all__ = ["TimeMention", "find_times", "month_names", "timezones"]

# How far a yearless "16 Oktober" may land after publication before it means last year's.
_FUTURE_SLACK = timedelta(days=7)
_ABSOLUTE = ("dmy", "mdy", "num", "iso", "short")


@dataclass(frozen=True)
class TimeMention:
    """A time expression: offsets into Article.text, its value, and whether P resolved it."""

    start: int
    end: int
    text: str
    value: DateValue | None
    relative: bool
    ahead: DateValue | None = None  # a bare month or weekday read forward (this or the next such one): for a plan
    # the day coordinated with this one ("on 21 and 29 August": each mention holds the other): one
    # act told of each, as the text says it happened on each
    also: tuple[DateValue, ...] = ()


@dataclass(frozen=True)
class _Lexicon:
    pattern: re.Pattern[str]
    months: dict[str, int]          # lower-cased name or abbreviation -> 1..12
    weekdays: dict[str, int]        # lower-cased name -> 0 (Monday) .. 6
    relative: dict[str, tuple[str, int] | None]   # phrase -> (unit, shift); None = vague
    modifiers: dict[str, str]       # "lalu" -> "past", "next" -> "next"
    numbers: dict[str, int]
    units: dict[str, str]
    day_first: bool
    joined_day: re.Pattern[str] | None  # "21 and " before "29 August": an earlier day of the same month
    day_range: re.Pattern[str]  # "between " before "20 and 28 August": a span


def _alt(words: Any, *, names: bool = False) -> str:
    """An alternation, longest first (``re`` takes the first alternative that matches).

    Names are case-sensitive inside the case-insensitive pattern so that "Minggu" (Sunday) is
    not "minggu" (week) and English "May" is not the verb.
    """
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    parts = [re.escape(w).replace(r"\ ", r"\s+") for w in ordered]
    if names:
        parts = [f"(?-i:{p})" for p in parts]
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _prefix(words: list[str]) -> str:
    """Optional leading words kept in the mention; "mid-" needs no space after it."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    parts = [re.escape(w).replace(r"\ ", r"\s+") + ("" if w.endswith("-") else r"\s+") for w in ordered]
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


@lru_cache(maxsize=None)
def _lexicon(language: str) -> _Lexicon:
    path = resource("data", "lexicons", language, "time.yaml")
    try:
        data = read_yaml(path)
    except FileNotFoundError:
        raise ValueError(f"no time lexicon for language {language!r} ({path})") from None
    loc = Locale.parse(data.get("locale", language))
    wide = {n: m for m, n in loc.months["format"]["wide"].items()}
    abbr = {n: m for m, n in loc.months["format"]["abbreviated"].items()}
    wide.update({n: m for n, m in data.get("extra_months", {}).items() if len(n) > 4})
    abbr.update({n: m for n, m in data.get("extra_months", {}).items() if len(n) <= 4})
    weekdays = {n: d for d, n in loc.days["format"]["wide"].items()}
    weekdays.update(data.get("extra_weekdays", {}))
    prefixes = data.get("prefixes", {})
    mods = data.get("modifiers", {})
    counted = data.get("counted", {})
    relative = {
        p: None if spec.get("vague") else (spec["unit"], int(spec["shift"]))
        for p, spec in data.get("relative", {}).items()
    }
    # only an abbreviation takes a dot ("Oct."); "October." ends a sentence
    day_month = f"(?:{_alt(wide, names=True)}|{_alt(abbr, names=True)}\\.?)"
    month_wide = _alt(wide, names=True)
    weekday = _alt(weekdays, names=True)
    num = r"(?:\d+|" + _alt(counted.get("numbers", {})) + ")"
    year = r"(?:1[89]|2\d)\d\d"
    before = _alt(mods.get("before", {}))
    after = _alt(mods.get("after", {}))
    p_date, p_month = _prefix(prefixes.get("date", [])), _prefix(prefixes.get("month", []))
    forms = {  # order matters: at one position the first form that matches wins
        "dmy": rf"{p_date}?(?P<dmy_d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<dmy_m>{day_month})"
               rf"(?:,?\s+(?P<dmy_y>{year}))?(?!\s*\d)",
        "mdy": rf"{p_date}?(?P<mdy_m>{day_month})\s+(?P<mdy_d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
               rf"(?:,?\s+(?P<mdy_y>{year}))?(?![\d:])",
        "iso": rf"{p_date}?(?P<iso_v>{year}-\d\d-\d\d)",
        "num": rf"{p_date}?(?P<num_a>\d{{1,2}})(?P<sep>[/.-])(?P<num_b>\d{{1,2}})(?P=sep)(?P<num_y>{year})",
        "short": r"\((?P<short_a>\d{1,2})/(?P<short_b>\d{1,2})\)",
        "my": rf"{p_month}?(?P<my_m>{month_wide}|{day_month})\s+(?P<my_y>{year})",
        "counted": rf"(?P<cnt_n>{num})\s+(?P<cnt_u>{_alt(counted.get('units', {}))})\s+"
                   rf"{_alt(counted.get('after', []))}",
        "rel": rf"(?P<rel_p>{_alt(relative)})",
        "weekday": rf"(?:(?P<wd_b>{before})\s+)?{_prefix(prefixes.get('weekday', []))}?"
                   rf"(?P<wd>{weekday})(?:\s+(?P<wd_a>{after}))?",
        "month": rf"(?:(?P<mo_b>{before})\s+(?P<mo_m1>{month_wide})|{p_month}(?P<mo_m2>{month_wide}))"
                 rf"(?:\s+(?P<mo_a>{after}))?",
        "year": rf"{_prefix(prefixes.get('year', []))}(?P<yr>{year})",
    }
    body = "|".join(f"(?P<{name}>{rx})" for name, rx in forms.items())
    pattern = re.compile(rf"(?<![\w/.-])(?:{body})(?![\w/]|-\d)", re.IGNORECASE)
    return _Lexicon(
        pattern=pattern,
        months={n.lower(): m for n, m in {**wide, **abbr}.items()},
        weekdays={n.lower(): d for n, d in weekdays.items()},
        relative={re.sub(r"\s+", " ", p.lower()): v for p, v in relative.items()},
        modifiers={k.lower(): v for d in (mods.get("before", {}), mods.get("after", {})) for k, v in d.items()},
        numbers={k.lower(): v for k, v in counted.get("numbers", {}).items()},
        units={k.lower(): v for k, v in counted.get("units", {}).items()},
        day_first=data.get("numeric_order", "dmy") == "dmy",
        joined_day=re.compile(rf"(?<![\w/.,-])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_alt(data['day_joiners'])}\s+$", re.IGNORECASE)
        if data.get("day_joiners") else None,
        day_range=re.compile(rf"\b{_alt(data.get('day_range_openers', []))}(?:\s+\w+)?\s+$", re.IGNORECASE),
    )


@lru_cache(maxsize=None)
def timezones(language: str) -> dict[str, str]:
    """Time zone abbreviations of a language's bylines ("WIB" -> "+07:00")."""
    path = resource("data", "lexicons", language, "time.yaml")
    data = read_yaml(path) or {}
    return {str(k): str(v) for k, v in data.get("timezones", {}).items()}


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.lower())


def _add_months(d: date, n: int) -> tuple[int, int]:
    k = d.year * 12 + d.month - 1 + n
    return k // 12, k % 12 + 1


def _shift(unit: str, n: int, p: date) -> DateValue | None:
    """``n`` units from ``p``; None past the calendar's range ("110000 minggu lalu")."""
    try:
        return _shift_unchecked(unit, n, p)
    except (OverflowError, ValueError):
        return None


def _shift_unchecked(unit: str, n: int, p: date) -> DateValue:
    if unit == "day":
        return DateValue.day(p + timedelta(days=n))
    if unit == "week":
        y, w, _ = (p + timedelta(weeks=n)).isocalendar()
        return DateValue.week(y, w)
    if unit == "month":
        return DateValue.month(*_add_months(p, n))
    return DateValue.year(p.year + n)


def _weekday(wd: int, mode: str | None, p: date) -> DateValue:
    if mode == "next":
        return DateValue.day(p + timedelta(days=(wd - p.weekday()) % 7 or 7))
    back = (p.weekday() - wd) % 7
    if mode == "past" and back == 0:
        back = 7
    return DateValue.day(p - timedelta(days=back))


def _month(m: int, mode: str | None, p: date) -> DateValue:
    if mode == "next":
        return DateValue.month(p.year if m > p.month else p.year + 1, m)
    if mode == "past":
        return DateValue.month(p.year if m < p.month else p.year - 1, m)
    return DateValue.month(p.year if m <= p.month else p.year - 1, m)


def _day(y: int | None, m: int, d: int, p: date | None) -> tuple[DateValue | None, bool] | None:
    """A calendar day; None when it does not exist (31 February), value None when P is needed."""
    if y is not None:
        try:
            return DateValue.day(date(y, m, d)), False
        except ValueError:
            return None
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    if p is None:
        return (None, True)
    for year in (p.year, p.year - 1):
        try:
            cand = date(year, m, d)
        except ValueError:
            continue
        if cand <= p + _FUTURE_SLACK:
            return DateValue.day(cand), True
    return None


def _resolve(lx: _Lexicon, g: dict[str, str | None], kind: str, p: date | None
             ) -> tuple[DateValue | None, bool] | None:
    """(value, relative) of one match, or None when it is not a real date."""
    if kind == "dmy":
        return _day(int(g["dmy_y"]) if g["dmy_y"] else None, lx.months[g["dmy_m"].lower().rstrip(".")],
                    int(g["dmy_d"]), p)
    if kind == "mdy":
        return _day(int(g["mdy_y"]) if g["mdy_y"] else None, lx.months[g["mdy_m"].lower().rstrip(".")],
                    int(g["mdy_d"]), p)
    if kind == "iso":
        try:
            return DateValue.day(date.fromisoformat(g["iso_v"])), False
        except ValueError:
            return None
    if kind in ("num", "short"):
        a, b = int(g[f"{kind}_a"]), int(g[f"{kind}_b"])
        d, m = (a, b) if lx.day_first else (b, a)
        if m > 12 >= d:  # "16/10/2024" in an mdy language is still unambiguous
            d, m = m, d
        return _day(int(g["num_y"]) if kind == "num" else None, m, d, p)
    if kind == "my":
        return DateValue.month(int(g["my_y"]), lx.months[g["my_m"].lower().rstrip(".")]), False
    if kind == "year":
        return DateValue.year(int(g["yr"])), False
    if kind == "rel":
        spec = lx.relative[_norm(g["rel_p"])]
        return (None if spec is None or p is None else _shift(spec[0], spec[1], p)), True
    if kind == "counted":
        word = _norm(g["cnt_n"])
        n = int(word) if word.isdigit() else lx.numbers[word]
        unit = lx.units[_norm(g["cnt_u"])]
        value = None if p is None else _shift(unit, -n, p)
        if value is not None and unit == "week" and n >= _APPROXIMATE_WEEKS:
            # "tiga minggu yang lalu", "five weeks ago": a round count, not a calendar week
            back = p - timedelta(weeks=n)
            value = DateValue.month(back.year, back.month)
        return value, True
    if kind == "weekday":
        mod = g["wd_b"] or g["wd_a"]
        mode = lx.modifiers[_norm(mod)] if mod else None
        return (None if p is None else _weekday(lx.weekdays[g["wd"].lower()], mode, p)), True
    if kind == "month":
        mod = g["mo_b"] or g["mo_a"]
        mode = lx.modifiers[_norm(mod)] if mod else None
        m = lx.months[(g["mo_m1"] or g["mo_m2"]).lower()]
        return (None if p is None else _month(m, mode, p)), True
    raise AssertionError(kind)  # every form in _lexicon has a branch above


# Between a weekday and its date ("Monday, Oct. 21", "Kamis (24/10)"); between a vague word and
# the time it is vague about ("earlier on Monday", "sebelumnya pada hari Senin").
_JOIN_DATE = re.compile(r",?\s*")
_JOIN_VAGUE = re.compile(r"\s+")


# from this many weeks back a count is approximate: the month it lands in ("two weeks ago" is the
# week before last; "three weeks ago" is about then)
_APPROXIMATE_WEEKS = 3
# forms that count from the publication day itself: unresolved against a month or a year
_NEEDS_DAY = frozenset({"rel", "counted", "weekday"})


def find_times(text: str, language: str, published: date | DateValue | None, *, offset: int = 0
               ) -> list[TimeMention]:
    """Time expressions in ``text``; offsets are shifted by ``offset`` (the text's place in the article).

    ``published`` is the publication date in the article's own time zone (a ``datetime`` is
    reduced to its date), or the month or year when that is all that is known. Unknown ``language`` raises ``ValueError``.

    >>> [(t.text, t.value.text) for t in find_times("pada hari Senin", "id", date(2024, 10, 24))]
    [('pada hari Senin', '2024-10-21')]
    """
    if isinstance(published, datetime):
        published = published.date()
    # a publication known only to the month or year: days and months without a year resolve
    # against its last day; what needs the day itself ("on Monday", "yesterday") stays unresolved
    relative_ok = not isinstance(published, DateValue) or published.precision == "day"
    if isinstance(published, DateValue):
        published = published.end
    lx = _lexicon(language)
    found: list[tuple[int, int, str, DateValue | None, bool, DateValue | None, tuple[DateValue, ...]]] = []
    for m in lx.pattern.finditer(text):
        kind = m.lastgroup
        assert kind is not None
        resolved = _resolve(lx, m.groupdict(), kind, published if relative_ok or kind not in _NEEDS_DAY else None)
        if resolved is None:
            continue
        value, relative = resolved
        start, end = m.span()
        if found:
            prev = found[-1]
            if (prev[2] == "weekday" and kind in _ABSOLUTE and _JOIN_DATE.fullmatch(text, prev[1], start)) or (
                    prev[2] == "vague" and kind != "rel" and _JOIN_VAGUE.fullmatch(text, prev[1], start)):
                # one mention, dated by the more precise part
                found[-1] = (prev[0], end, kind, value, relative, None, ())
                continue
        vague = kind == "rel" and lx.relative[_norm(m["rel_p"])] is None
        joined = _joined_day(lx, text, m, kind, value)
        if joined is not None:
            found.append(joined + (relative, None, (value,)))
        # each day of the pair holds the other: the act may be told before or after them
        also = (joined[3],) if joined is not None else ()
        found.append((start, end, "vague" if vague else kind, value, relative, _ahead(lx, m, kind, published, value), also))
    return [TimeMention(s + offset, e + offset, text[s:e], v, r, a, also) for s, e, _, v, r, a, also in found]


def _joined_day(lx: _Lexicon, text: str, m: re.Match, kind: str, value: DateValue | None
                ) -> tuple[int, int, str, DateValue] | None:
    """The earlier day of "21 and 29 August" / "21 dan 29 Agustus", in the month (and year) of the
    day-month date ``m`` that follows it: (start, end, kind, value), else None."""
    if kind != "dmy" or value is None or lx.joined_day is None:
        return None
    day = m.start("dmy_d")
    hit = lx.joined_day.search(text, max(0, day - 20), day)
    if hit is None or lx.day_range.search(text, max(0, hit.start() - 24), hit.start()):
        return None  # "between 20 and 28 August" is one span, no two days
    try:
        earlier = DateValue.day(value.start.replace(day=int(hit["d"])))
    except ValueError:
        return None
    return (hit.start(), hit.start("d") + len(hit["d"]), "dmy", earlier) if earlier.start < value.start else None


def _ahead(lx: _Lexicon, m: re.Match, kind: str, p: date | None, value: DateValue | None) -> DateValue | None:
    """"in September" or "on Monday" with no modifier, read as a plan's time: this month or day,
    or the next such one ("will on Monday summon ..." in a Sunday story is the next day)."""
    if kind == "weekday" and p is not None and not m["wd_b"] and not m["wd_a"]:
        ahead = DateValue.day(p + timedelta(days=(lx.weekdays[m["wd"].lower()] - p.weekday()) % 7))
        return ahead if ahead != value else None
    if kind != "month" or p is None or m["mo_b"] or m["mo_a"]:
        return None
    month = lx.months[(m["mo_m1"] or m["mo_m2"]).lower()]
    ahead = DateValue.month(p.year if month >= p.month else p.year + 1, month)
    return ahead if ahead != value else None


def weekday_names(language: str) -> frozenset[str]:
    """Lower-cased weekday names of a language ("senin", "monday"), from CLDR."""
    return frozenset(_lexicon(language).weekdays)


def month_names(language: str) -> dict[str, int]:
    """Lower-cased month names and abbreviations of a language ("oktober" -> 10), from CLDR."""
    return dict(_lexicon(language).months)
