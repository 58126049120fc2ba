"""Partial dates ("2024", "2024-12", "2024-12-31"): parsing and chronological order. Pure."""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
EXPECTED = 'expected a date such as "2024", "2024-12" or "2024-12-31"'


class PartialDate(str):
    """A date known to the year, month or day: "2024", "2024-12", "2024-12-31".

    It stays a string (so it prints and serialises as curated) and orders chronologically, a
    year or month standing for its end: "2024" sorts with "2024-12-31".
    """

    def _parts(self) -> tuple:
        parts = self.split("-")
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else None, int(parts[2]) if len(parts) > 2 else None

    def sort_key(self) -> tuple:
        return _sort_key(self)

    def start_key(self) -> tuple:
        """(year, month, day) of the first day the date covers: "2024" starts on 2024-01-01."""
        year, month, day = self._parts()
        return (year, month or 1, day or 1)

    @property
    def year(self) -> int:
        return int(self[:4])

    def at_or_before(self, point: "PartialDate") -> bool:
        """Whether this date falls at or before `point`, read as the end of its year or month."""
        return self.sort_key()[:3] <= point.sort_key()[:3]

    @classmethod
    def parse(cls, raw: object) -> "PartialDate":
        if isinstance(raw, bool):
            raise ValueError(EXPECTED)
        if isinstance(raw, int):
            raw = str(raw)
        elif isinstance(raw, (_dt.date, _dt.datetime)):
            raw = raw.strftime("%Y-%m-%d")
        if not isinstance(raw, str):
            raise ValueError(EXPECTED)
        # NFKC: an IME's full-width ２０２４－０３ is 2024-03; the date is then ASCII, so that it
        # prefixes, sorts and prints like every other (and \d takes no other script's digits).
        text = unicodedata.normalize("NFKC", raw.strip())
        match = _DATE.match(text)
        if not match or not text.isascii():
            raise ValueError(f"{EXPECTED}, got {raw!r}")
        year, month, day = match.groups()
        try:
            _dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise ValueError(f"{raw!r} is not a real date") from None
        return cls(text)


@functools.lru_cache(maxsize=4096)
def _sort_key(date: PartialDate) -> tuple:
    """(year, month, day, -precision), a year or month standing for its end. Cached: ranking
    thousands of places sorts by the same few hundred dates tens of thousands of times."""
    year, month, day = date._parts()
    return (year, month or 12, day or 31, -date.count("-"))
