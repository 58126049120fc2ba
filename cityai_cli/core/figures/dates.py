"""Partial dates ("2024", "2024-12", "2024-12-31") and periods ("2020/2024"): parsing and
chronological order. Pure."""

from __future__ import annotations

import datetime as _dt
import functools
import re
from typing import Tuple

from ..text import nfkc

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
EXPECTED = 'expected a date such as "2024", "2024-12" or "2024-12-31"'
EXPECTED_SPAN = f'{EXPECTED}, or a period such as "2020/2024"'


class PartialDate(str):
    """A date known to the year, month or day: "2024", "2024-12", "2024-12-31"; or a period of
    two such dates, "2020/2024" (ISO 8601's interval: a figure over 2020—2024年间).

    It stays a string (so it prints and serialises as curated) and orders chronologically, a
    year or month standing for its end: "2024" sorts with "2024-12-31". A period stands for its
    end wherever one date is needed: its order, its `year`, when it is known (`at_or_before`,
    so `--as-of`) and a date distance (`end`); `start` and `start_key` give where it begins.
    """

    @property
    def is_period(self) -> bool:
        return "/" in self

    @property
    def start(self) -> "PartialDate":
        """The first date a period covers (the date itself when it is no period)."""
        return PartialDate(self.split("/")[0]) if self.is_period else self

    @property
    def end(self) -> "PartialDate":
        """The last date a period covers (the date itself when it is no period)."""
        return PartialDate(self.split("/")[1]) if self.is_period else self

    def _parts(self) -> tuple:
        parts = self.end.split("-")
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else None, int(parts[2]) if len(parts) > 2 else None

    def sort_key(self) -> tuple:
        return _sort_key(self)

    def start_key(self) -> tuple:
        """(year, month, day) of the first day the date covers: "2024" and "2024/2025" start on 2024-01-01."""
        parts = self.start.split("-")
        return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)

    @property
    def year(self) -> int:
        return int(self.end[:4])

    def at_or_before(self, point: "PartialDate") -> bool:
        """Whether this date (a period: its end) falls at or before `point`, read as the end of its
        year or month."""
        return self.sort_key()[:3] <= point.sort_key()[:3]

    @classmethod
    def parse(cls, raw: object) -> "PartialDate":
        """One date (what every option and most fields take)."""
        text = _text(raw, EXPECTED)
        _check(text, raw, EXPECTED)
        return cls(text)

    @classmethod
    def parse_span(cls, raw: object) -> "PartialDate":
        """One date or a period of two ("2020/2024"): what a fact's date takes."""
        text = _text(raw, EXPECTED_SPAN)
        ends = text.split("/")
        if len(ends) > 2:
            raise ValueError(f"{EXPECTED_SPAN}, got {raw!r}")
        for end in ends:
            _check(end, raw, EXPECTED_SPAN)
        date = cls(text)
        if date.is_period and date.start.start_key() >= date.end.start_key():
            raise ValueError(f"the period {raw!r} must end after it starts")
        return date


def _text(raw: object, expected: str) -> str:
    if isinstance(raw, bool):
        raise ValueError(expected)
    if isinstance(raw, int):
        raw = str(raw)
    elif isinstance(raw, (_dt.date, _dt.datetime)):
        raw = raw.strftime("%Y-%m-%d")
    if not isinstance(raw, str):
        raise ValueError(expected)
    # NFKC: an IME's full-width ２０２４－０３ is 2024-03; the date is then ASCII, so that it
    # prefixes, sorts and prints like every other (and \d takes no other script's digits).
    return nfkc(raw.strip())


def _check(text: str, raw: object, expected: str) -> None:
    match = _DATE.match(text)
    if not match or not text.isascii():
        raise ValueError(f"{expected}, got {raw!r}")
    year, month, day = match.groups()
    try:
        _dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"{raw!r} is not a real date") from None


@functools.lru_cache(maxsize=4096)
def _sort_key(date: PartialDate) -> tuple:
    """(year, month, day, -precision), a year or month standing for its end (a period: its end's).
    Cached: ranking thousands of places sorts by the same few hundred dates tens of thousands of
    times."""
    year, month, day = date._parts()
    return (year, month or 12, day or 31, -date.end.count("-"))


PRECISIONS = ("year", "month", "day")


def days_in_month(year: int, month: int) -> int:
    """28-31 (calendar.monthrange's second half, without importing calendar: ~0.3 ms a start)."""
    if month == 12:
        return 31
    return (_dt.date(year, month + 1, 1) - _dt.date(year, month, 1)).days


@functools.lru_cache(maxsize=4096)
def bounds(date: str) -> Tuple[_dt.date, _dt.date]:
    """The first and last day a partial date covers: "2024" is 2024-01-01..2024-12-31, "2024-02"
    is 2024-02-01..2024-02-29, a day is itself; a period "2020/2024" from its start's first day
    to its end's last. Cached: `rank` at 3,000 places asked it for the same few dates ~9,000
    times (the time rule, the anchor), a CSV of 3,000 rows 6,000 times more."""
    if "/" in date:
        start, end = date.split("/", 1)
        return bounds(start)[0], bounds(end)[1]
    year, month, day = (int(part) for part in (date.split("-") + ["0", "0"])[:3])
    if day:
        return _dt.date(year, month, day), _dt.date(year, month, day)
    if month:
        return _dt.date(year, month, 1), _dt.date(year, month, days_in_month(year, month))
    return _dt.date(year, 1, 1), _dt.date(year, 12, 31)


@functools.lru_cache(maxsize=4096)
def span(date: str) -> tuple:
    """(precision, first day, last day) of a partial date as ISO text: "2024-02" ->
    ("month", "2024-02-01", "2024-02-29"); a period "2020/2024" -> ("period", "2020-01-01",
    "2024-12-31"). What the export and tidy CSV write beside each date."""
    first, last = bounds(date)
    precision = "period" if "/" in date else PRECISIONS[date.count("-")]
    return precision, first.isoformat(), last.isoformat()
