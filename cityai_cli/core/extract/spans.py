"""Stretches of a normalised document: sentences and clauses (found once, looked up by
bisection), book titles and asides, the occurrences of a pattern, and the verbatim quote around
a figure. What every other part of `extract` looks things up in."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from .normalised import Normalised

QUOTE_MAX = 60


BOOK = re.compile(r"《[^《》\n]*》|\([^()\n]*\)")  # titles and asides: (每秒百亿亿次浮点运算)


_CLAUSE_END = ",、:;()"


class Occurrences:
    """The matches of a pattern over the whole document, found once. `first(start, end)` is what
    `pattern.search(text, start, end)` finds, by bisection instead of a search of the stretch for
    every figure; the pattern has no lookaround or anchor, so a match inside a stretch is a match of
    the whole text (or one that the stretch's end cuts short)."""

    def __init__(self, pattern: re.Pattern, text: str):
        self.pattern, self.text = pattern, text
        self.matches: list[re.Match] = []
        self.starts: list[int] | None = None  # found when first asked for

    def first(self, start: int, end: int) -> re.Match | None:
        if self.starts is None:
            self.matches = list(self.pattern.finditer(self.text))
            self.starts = [m.start() for m in self.matches]
        index = bisect_left(self.starts, start)
        if index > 0 and self.matches[index - 1].end() > start:
            # the stretch starts inside a match: its rest is matched afresh
            for position in range(start, min(end, self.matches[index - 1].end())):
                found = self.pattern.match(self.text, position, end)
                if found:
                    return found
        if index == len(self.matches) or self.matches[index].start() >= end:
            return None
        found = self.matches[index]
        return found if found.end() <= end else self.pattern.search(self.text, found.start(), end)


class Spans:
    """Sorted, disjoint spans of the text (sentences, paragraphs, book titles): the one containing
    a position is found by bisection, not by a scan of them all for every figure."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self.starts = [start for start, _ in spans]

    def index(self, position: int) -> int | None:
        """The index of the span containing `position`, or None."""
        index = bisect_right(self.starts, position) - 1
        return index if index >= 0 and position < self.spans[index][1] else None

    def containing(self, position: int) -> tuple[int, int]:
        """The span containing `position`; (position, position) when none does."""
        index = self.index(position)
        return (position, position) if index is None else self.spans[index]

    def inside(self, position: int) -> bool:
        return self.index(position) is not None


def spans_without(norm: str, ends: str) -> list[tuple[int, int]]:
    """The maximal stretches without any of the characters `ends`."""
    return [(m.start(), m.end()) for m in re.finditer(f"[^{re.escape(ends)}]+", norm)]


def cut_long(spans: list[tuple[int, int]], breaks: list[int], limit: int) -> list[tuple[int, int]]:
    """`spans` with each one longer than `limit` cut into consecutive pieces of at most `limit`,
    after the last clause break of the piece's second half where there is one."""
    pieces = []
    for start, end in spans:
        while end - start > limit:
            cut = start + limit
            last_break = bisect_left(breaks, cut) - 1
            if last_break >= 0 and breaks[last_break] >= start + limit // 2:
                cut = breaks[last_break] + 1
            pieces.append((start, cut))
            start = cut
        pieces.append((start, end))
    return pieces


def clause_breaks(norm: str) -> list[int]:
    """The index of every clause break (`_clause_break`), in order: found once for the document, so
    that a figure's clause is found by bisection rather than a walk to its ends."""
    return [m.start() for m in re.finditer(f"[{re.escape(_CLAUSE_END)}]", norm) if _clause_break(norm, m.start())]


def clause_of(breaks: list[int], start: int, end: int, s_start: int, s_end: int) -> tuple[int, int]:
    """The clause of [start, end): from after the last clause break before it to the first one after
    it, within the sentence [s_start, s_end)."""
    before = bisect_left(breaks, start) - 1  # the last break before `start`
    left = breaks[before] + 1 if before >= 0 and breaks[before] >= s_start else min(start, s_start)
    after = bisect_left(breaks, end)  # the first break at or after `end`
    right = breaks[after] if after < len(breaks) and breaks[after] < s_end else max(s_end, end)
    return left, right


def _clause_break(norm: str, index: int) -> bool:
    char = norm[index]
    if char not in _CLAUSE_END:
        return False
    # 3,000: a thousands separator, not a clause break
    return not (char == "," and norm[index - 1 : index].isdigit() and norm[index + 1 : index + 2].isdigit())


def quote_of(doc: Normalised, start: int, end: int, figure_start: int, figure_end: int) -> str:
    """Verbatim original text of normalised [start, end), at most QUOTE_MAX characters,
    always containing the figure."""
    end = min(end, max(figure_end + 12, start + QUOTE_MAX))
    # The length is counted in original characters, inserted pinyin included. The start moves up
    # (not past the figure) and then the end back (not into it) to the first position where the
    # quote fits: found by bisection on the offsets, which grow with the position, rather than a
    # character at a time, which made a clause of a long unpunctuated text quadratic.
    if start < figure_start and doc.length(start, end) > QUOTE_MAX:
        fits_from = bisect_left(doc.offsets, doc.offsets[end - 1] + 1 - QUOTE_MAX, start)
        start = min(figure_start, fits_from)
    if end > figure_end and doc.length(start, end) > QUOTE_MAX:
        fits_to = bisect_right(doc.offsets, doc.offsets[start] + QUOTE_MAX - 1, start, end)
        end = max(figure_end, fits_to)
    while start < end and doc.text[start] in _CLAUSE_END + " “”\"'":
        start += 1
    return doc.slice(start, end).strip()


def in_any(index: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a <= index < b for a, b in spans)
