"""A figure's kind (actual, target, forecast) and date (step 4 of `engine`): markers and
dates in the sentence before it, resolved against the publication date."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .spans import BOOK, Occurrences, Spans, in_any

# Date expressions, most specific first; all on normalised text.
_DATES = [
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"), "ymd"),
    (re.compile(r"(\d{4})年(\d{1,2})月(?:底|末)"), "ym_end"),
    (re.compile(r"(\d{4})年(\d{1,2})月"), "ym"),
    (re.compile(r"(\d{4})年(?:年底|年末|底|末)"), "y_end"),
    (re.compile(r"(\d{4})年(?!\d)"), "y"),
    (re.compile(r"(去年|今年|本年|前年|明年)(?:年底|年末|底|末)"), "rel_end"),
    (re.compile(r"(去年|今年|本年|前年|明年)(\d{1,2})月(?:(\d{1,2})日)?"), "rel_md"),
    (re.compile(r"(去年|今年|本年|前年|明年)"), "rel"),
    (re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日"), "md"),
    (re.compile(r"(?<![\d年])(\d{1,2})月"), "m"),
    (re.compile(r"当年"), "that_year"),
]


_RELATIVE = {"前年": -2, "去年": -1, "今年": 0, "本年": 0, "明年": 1}


_TARGET = re.compile(
    r"到(\d{4})年|力争|目标|计划|(?<!完成)将(?=达到|达|突破|超|实现|建设|建成|设立|培育|推动|"
    r"支持|打造|形成|新增|增加|提升|统筹|带动|力争|成为|继续|进一步|加快|重点|专门|在)"
)


_FORECAST = re.compile(r"预计|有望|预期")


_THIRD_PARTY = re.compile(r"报告|研究院|机构|智库|赛迪|IDC|Gartner|咨询|券商|分析师|显示|估算|测算")


_DONE_TARGET = re.compile(r"完成[^,。;]{0,8}目标")


class KindMarkers:
    """Where the words that make a figure a forecast or a target stand in the document, found once."""

    def __init__(self, norm: str, books: Spans, published: str | None):
        self.forecasts = Occurrences(_FORECAST, norm)
        self.third_parties = Occurrences(_THIRD_PARTY, norm)
        year = _year(published)
        self.targets = [m for m in _TARGET.finditer(norm) if _sets_a_target(norm, m, books, year)]
        self.target_starts = [m.start() for m in self.targets]


def _sets_a_target(norm: str, marker: re.Match, books: Spans, year: int | None) -> bool:
    """Whether a `_TARGET` marker makes the figures after it targets: not inside a book title, a
    year not past (到2020年 in 2025 is history), and not a target reported met (完成…目标)."""
    if books.inside(marker.start()):
        return False
    if marker.group(1):
        return year is None or int(marker.group(1)) >= year
    return not (marker.group(0) == "目标" and _DONE_TARGET.search(norm[marker.start() - 10 : marker.end()]))


def kind_of(norm: str, sentence_start: int, figure_start: int, markers: KindMarkers) -> str:
    """forecast, target or actual, from the markers in the sentence before the figure."""
    forecast = markers.forecasts.first(sentence_start, figure_start) is not None
    if forecast and markers.third_parties.first(sentence_start, figure_start):
        return "forecast"
    index = bisect_left(markers.target_starts, sentence_start)
    while index < len(markers.targets) and markers.targets[index].start() < figure_start:
        marker = markers.targets[index]
        # matched again up to the figure: 将 counts only before a verb the sentence gives before it
        if marker.end() <= figure_start and _TARGET.match(norm, marker.start(), figure_start):
            return "target"
        index += 1
    return "target" if forecast else "actual"


def date_hits(norm: str, books: Spans) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Every date, most specific pattern first: a less specific one overlapping it is not a date
    of its own (2024年3月 is not also 3月)."""
    hits: list[tuple[int, int, str, tuple[str, ...]]] = []
    # the spans taken by the patterns before, sorted and disjoint: the one that could overlap a
    # match is the last starting before its end
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    for pattern, form in _DATES:
        found = []
        for m in pattern.finditer(norm):
            before = bisect_left(taken_starts, m.end()) - 1
            if before >= 0 and taken_ends[before] > m.start():
                continue
            found.append((m.start(), m.end(), form, m.groups()))
        hits.extend(found)
        taken = sorted([*zip(taken_starts, taken_ends), *((start, end) for start, end, _, _ in found)])
        taken_starts, taken_ends = [start for start, _ in taken], [end for _, end in taken]
    hits = [h for h in hits if not books.inside(h[0]) or h[2] == "y"]
    return sorted(hits)


class Dates:
    """The date hits (sorted, never overlapping) with, at each, the last plain date up to it (not
    in a book title, not 当年), the last year (2024年) and the count of 当年: the date a sentence
    gives before a figure is then found by bisection."""

    def __init__(self, hits: list[tuple[int, int, str, tuple[str, ...]]], books: Spans):
        self.hits = hits
        self.starts = [hit[0] for hit in hits]
        self.ends = [hit[1] for hit in hits]
        self.last_plain: list[int] = []
        self.last_year: list[int] = []
        self.that_years = [0]
        plain = year = -1
        for index, (start, _, form, _) in enumerate(hits):
            if form != "that_year" and not books.inside(start):
                plain = index
            if form == "y":
                year = index
            self.last_plain.append(plain)
            self.last_year.append(year)
            self.that_years.append(self.that_years[-1] + (form == "that_year"))


def date_of(
    norm: str, dates: Dates, books: Spans, sentence_start: int, figure_start: int, published: str | None
) -> tuple[str | None, str]:
    """The date the sentence gives before the figure, else the publication date."""
    first, end = bisect_left(dates.starts, sentence_start), bisect_right(dates.ends, figure_start)
    if first >= end:
        return published, "published"
    title = books.index(sentence_start)
    if title is not None and books.spans[title][0] < sentence_start:
        # the sentence starts inside a book title (《…?…》): the titles are those of the sentence
        # itself, and a date after its cut-off opening is no longer in one
        own = [(m.start(), m.end()) for m in BOOK.finditer(norm, sentence_start, figure_start)]
        in_sentence = dates.hits[first:end]
        plain = [h for h in in_sentence if not in_any(h[0], own) and h[2] != "that_year"]
        if plain:
            return _resolve(plain[-1], published), "stated"
        if any(h[2] == "that_year" for h in in_sentence):
            years = [h for h in in_sentence if h[2] == "y"]
            if years:
                return years[-1][3][0], "inferred"
        return published, "published"
    last = dates.last_plain[end - 1]
    if last >= first:
        return _resolve(dates.hits[last], published), "stated"
    if dates.that_years[end] > dates.that_years[first]:
        year = dates.last_year[end - 1]
        if year >= first:
            return dates.hits[year][3][0], "inferred"
    return published, "published"


def _resolve(hit, published: str | None) -> str | None:
    _, _, form, groups = hit
    year = _year(published)
    if form == "ymd":
        return f"{groups[0]}-{int(groups[1]):02d}-{int(groups[2]):02d}"
    if form == "ym_end":
        return _month_end(int(groups[0]), int(groups[1]))
    if form == "ym":
        return f"{groups[0]}-{int(groups[1]):02d}"
    if form == "y_end":
        return f"{groups[0]}-12-31"
    if form == "y":
        return groups[0]
    if year is None:
        return None
    if form in ("rel", "rel_end", "rel_md"):
        target = year + _RELATIVE[groups[0]]
        if form == "rel":
            return str(target)
        if form == "rel_end":
            return f"{target}-12-31"
        month = int(groups[1])
        return f"{target}-{month:02d}-{int(groups[2]):02d}" if groups[2] else f"{target}-{month:02d}"
    month = int(groups[0])
    published_month = int(published[5:7]) if published and len(published) >= 7 else 12
    if month > published_month:
        year -= 1  # "12月" in a March article: last December
    if form == "md":
        return f"{year}-{month:02d}-{int(groups[1]):02d}"
    return f"{year}-{month:02d}"


def _month_end(year: int, month: int) -> str:
    days = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return f"{year}-{month:02d}-{days:02d}"


def _year(published: str | None) -> int | None:
    return int(published[:4]) if published and published[:4].isdigit() else None
