"""Dates at the precision the text gives: a day, an ISO week, a month or a year.

One value, four views: the ISO 8601 text (``2024-10-21``, ``2024-W42``, ``2024-06``, ``2024``),
the precision, and the first and last day it covers (what range queries compare). In RDF the
text is ``dy:date`` typed ``xsd:date``, ``dy:isoWeek``, ``xsd:gYearMonth`` or ``xsd:gYear``, and
``dy:precision``, ``dy:start``, ``dy:end`` follow from it (:func:`triples`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from dyad.namespace import DY, PRECISIONS

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")

DATATYPES: dict[str, URIRef] = {
    "day": XSD.date, "week": DY.isoWeek, "month": XSD.gYearMonth, "year": XSD.gYear,
}
_PRECISION_OF_DATATYPE = {dt: p for p, dt in DATATYPES.items()}


@dataclass(frozen=True, order=True)
class DateValue:
    """A date at a precision; ``start``/``end`` are the first and last day it covers."""

    start: date
    end: date
    precision: str
    text: str

    @classmethod
    def day(cls, d: date) -> DateValue:
        return cls(d, d, "day", d.isoformat())

    @classmethod
    def week(cls, year: int, week: int) -> DateValue:
        start = date.fromisocalendar(year, week, 1)
        return cls(start, start + timedelta(days=6), "week", f"{year:04d}-W{week:02d}")

    @classmethod
    def month(cls, year: int, month: int) -> DateValue:
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), "month", f"{year:04d}-{month:02d}")

    @classmethod
    def year(cls, year: int) -> DateValue:
        return cls(date(year, 1, 1), date(year, 12, 31), "year", f"{year:04d}")

    def overlaps(self, other: DateValue) -> bool:
        """True when the two periods share a day (2024-10-21 and 2024-W43 do)."""
        return self.start <= other.end and other.start <= self.end

    def literal(self) -> Literal:
        """The ``dy:date`` literal, typed by precision."""
        return Literal(self.text, datatype=DATATYPES[self.precision])


def parse(text: str) -> DateValue:
    """Parse ISO 8601 at day, week, month or year precision.

    >>> parse("2024-W42").start.isoformat()
    '2024-10-14'
    >>> parse("2024-02-30")
    Traceback (most recent call last):
    ...
    ValueError: '2024-02-30' is not a real date (day is out of range for month)
    """
    text = text.strip()
    try:
        if m := _DAY.match(text):
            return DateValue.day(date(int(m[1]), int(m[2]), int(m[3])))
        if m := _WEEK.match(text):
            return DateValue.week(int(m[1]), int(m[2]))
        if m := _MONTH.match(text):
            return DateValue.month(int(m[1]), int(m[2]))
        if m := _YEAR.match(text):
            return DateValue.year(int(m[1]))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None
    raise ValueError(
        f"{text!r} is not an ISO 8601 date at day, week, month or year precision "
        "(2024-10-21, 2024-W42, 2024-06, 2024)"
    )


def from_literal(lit: Literal) -> DateValue:
    """Read a ``dy:date`` literal; its datatype must agree with its form."""
    precision = _PRECISION_OF_DATATYPE.get(lit.datatype) if lit.datatype else None
    if precision is None:
        raise ValueError(
            f"dy:date {str(lit)!r} has datatype {lit.datatype}; expected xsd:date, dy:isoWeek, "
            "xsd:gYearMonth or xsd:gYear"
        )
    value = parse(str(lit))
    if value.precision != precision:
        raise ValueError(f"dy:date {str(lit)!r} is not a valid {lit.datatype} value")
    return value


def triples(event: URIRef, value: DateValue) -> list[tuple[URIRef, URIRef, object]]:
    """The four time triples of an event dated ``value``."""
    return [
        (event, DY.date, value.literal()),
        (event, DY.precision, PRECISIONS[value.precision]),
        (event, DY.start, Literal(value.start.isoformat(), datatype=XSD.date)),
        (event, DY.end, Literal(value.end.isoformat(), datatype=XSD.date)),
    ]
