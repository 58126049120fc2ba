"""The figures a document states (step 1 of `engine`): the pattern, what is not a figure
(years, titles, the whole a part is drawn from, a class of items), implicit units (超3200万开发者),
and the stretches a metric's keyword can reach."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from functools import lru_cache

from ..base.lint import number_in_quote
from ..figures.quantity import _MEMBER_WORDS, _RANK_WORDS, FigureError, Quantity, parse_figure
from .metrics import Frames
from .normalised import PINYIN, Normalised
from .spans import Spans

_PREFIX = "约|大约|超过|超出|越过|超|逾|将近|近|突破|最高|最多|不少于|至少|不低于|不超过|不到|不足|高达|达到|达"


_CN = "零〇一二两三四五六七八九十百千万亿"


_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"


_MAG = "万亿|亿|万|千"


_NUM = rf"(?:{_ARABIC}(?:{_MAG})?|[{_CN}]+)"


# Ranks and memberships in words, as `parse_figure` reads them: 首位/榜首 (rank 1), 位居前列 (a
# member of a leading group; 位居前线 is a machine rewording), longest first.
_RANK_WORD = "|".join(sorted(_RANK_WORDS, key=len, reverse=True))


_MEMBER_WORD = "|".join(sorted(_MEMBER_WORDS, key=len, reverse=True))


_UNITS = (
    "EFLOPS|PFLOPS|TFLOPS|%|成|家|个|款|台|项|名|人|所|座|条|件|次|位|只|倍|卡|张|宗"
    "|元|美元|E(?![A-Za-z])|P(?![A-Za-z])|B(?![A-Za-z])"
)


_FIGURE = re.compile(
    rf"(?:(?P<prefix>{_PREFIX}))?"
    rf"(?:(?P<share>[一二三四五六七八九十百]+分之[一二三四五六七八九十]+|\d{{1,3}}/\d{{1,3}}|一半|半数)"
    rf"|(?P<rank>第(?:\d+|[一二三四五六七八九十]+)|{_RANK_WORD})"
    rf"|(?P<member>{_MEMBER_WORD})"
    rf"|(?P<num>{_NUM}(?:(?:-|~|至){_NUM})?)(?P<more>余|多)?(?P<unit>{_UNITS})"
    rf"|(?P<bare>(?:{_ARABIC}|[一二三四五六七八九十百千]+)(?:万亿|亿))(?=级|基金))"
    rf"(?P<tail>以上|左右)?"
)


# A run of digits (thousands separators and decimals included) or of numeral characters longer than
# this is no figure a document states (an identifier, a flattened table, an attack): the figure
# pattern is not tried inside it. There it would read the rest of the run from every position of
# it only to find no unit after it: quadratic in the run (万亿万亿…, 1111…).
RUN_MAX = 24


_NUMERAL_RUN = re.compile(rf"\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN}]+")


_NUMERAL = re.compile(f"[{_CN}]")


# A qualifier separated from its number: 约占全国四成, 约为1/3, 至少有29个.
_DETACHED = re.compile(r"(约|近|超过|超|至少|不到)(?:为|有|占[^,。;:]{0,4}?)$")


_VERB_PREFIX = ("突破", "达到", "高达", "达")


_NOT_A_FIGURE_BEFORE = re.compile(r"[数几多]$")


_NOT_A_FIGURE_AFTER = re.compile(r"^(?:方面|阶段|维度)")


# The whole a part is drawn from (内地31个省份中,至少有29个…) is not itself a finding.
_DENOMINATOR_AFTER = re.compile(r"^[^\d,。;、:()在]{0,4}?(?<![其集])中[,:]")


# 第一梯队的大模型企业: a rank that describes the noun after it, not a place.
_ATTRIBUTIVE_AFTER = re.compile(r"^[^\d,。;、:()]{0,3}的")


# 多个10E级智能算力集群: the class of each item, not a total.
_CLASS_BEFORE = re.compile(r"(?:多|若干|几|数)个$|(?:一批|一些|一系列)$")


# A number written straight before the noun it counts, without a unit: 超3200万开发者, 五大公共服务平台.
_IMPLICIT_REACH = 20  # how far before the noun such a number is looked for


_IMPLICIT = re.compile(
    rf"(?:(?P<prefix>{_PREFIX}))?(?:(?P<num>{_ARABIC}(?:{_MAG}))(?P<more>余|多)?"
    r"|(?P<big>[二两三四五六七八九十])大)$"
)


class _Implicit:
    """A figure whose unit the text leaves to the noun after it (超3200万开发者, 五大公共服务平台):
    quacks like the `re.Match` of `_FIGURE`; group "implicit" is the unit taken from the metric."""

    def __init__(self, string: str, start: int, end: int, groups: dict[str, str | None]):
        self.string, self._start, self._end, self._groups = string, start, end, groups

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, name: int | str = 0) -> str | None:
        return self.string[self._start : self._end] if name == 0 else self._groups.get(str(name))


def reachable(
    sentences: Spans, keywords: list[tuple[int, int, str]], frames: Frames, full_sentences: Spans
) -> list[tuple[int, int]]:
    """The stretches of text whose figures a metric can reach: the sentences with a keyword from the
    second sentence before them to their end, or with a source framing them. A figure anywhere else
    gets no metric and so is no candidate, and is not looked for: a long text with few keywords
    costs no more than finding them (第一 x 700,000 in a document that names no metric). A sentence
    with a keyword less than _IMPLICIT_REACH after its end is read too: a number written before the
    keyword (`_Implicit`) may stand there, and any match it overlaps must be known.

    A sentence cut from a longer one (`cut_long`) is a stretch of its own, as if a full stop stood at
    the cut; consecutive whole sentences are one stretch."""
    hit_starts = [start for start, _, _ in keywords]
    stretches: list[tuple[int, int]] = []
    for index, (start, end) in enumerate(sentences.spans):
        context_start = sentences.spans[max(0, index - 2)][0]
        first_hit = bisect_left(hit_starts, context_start)
        framed = frames.by_sentence.get(full_sentences.containing(start)[1])
        if not (
            first_hit < len(hit_starts)
            and hit_starts[first_hit] < end + _IMPLICIT_REACH
            or framed
            and framed[0][0] < end
        ):
            continue
        if stretches and stretches[-1][1] < start:
            stretches[-1] = (stretches[-1][0], end)  # a full stop between: a match ends before it anyway
        else:
            stretches.append((start, end))
    return stretches


def figure_matches(norm: str, stretches: list[tuple[int, int]]) -> list[re.Match]:
    """Every match of `_FIGURE` in the stretches, in order, but inside runs of more than RUN_MAX
    digits or numerals."""
    matches: list[re.Match] = []
    for stretch_start, stretch_end in stretches:
        start = stretch_start
        for run in _NUMERAL_RUN.finditer(norm, stretch_start, stretch_end):
            if run.end() - run.start() > RUN_MAX:
                matches.extend(_FIGURE.finditer(norm, start, run.start()))
                start = run.end()
        matches.extend(_FIGURE.finditer(norm, start, stretch_end))
    return matches


def figures_in(
    norm: str, matches: list[re.Match], books: Spans, keywords, dimensions: Mapping[str, str], units: Mapping[str, str]
):
    """(match, (figure text, quantity)) for every figure, in document order; `matches`: those of
    the pattern (`figure_matches`)."""
    found: list = []
    # Whether a match is a figure depends on its groups and the text just around it, so a document
    # that repeats its sentences repeats the verdicts: each is reached once.
    verdicts: dict[tuple, tuple[str, Quantity] | None] = {}
    for match in matches:
        start, end = match.start(), match.end()
        if books.inside(start):
            continue
        around = (norm[max(0, start - _BEFORE_A_FIGURE) : start], match.groups(), norm[end : end + _AFTER_A_FIGURE])
        if around not in verdicts:
            verdicts[around] = _figure_in_context(norm, match)
        figure = verdicts[around]
        if figure is not None:
            found.append((match, figure))
    # an implicit figure overlaps no match of the pattern (the last one starting before its end
    # ends before it: matches never overlap) and starts no figure
    match_starts = [m.start() for m in matches]
    figure_starts = {m.start() for m, _ in found}
    for start, _, metric in keywords:
        unit = units.get(metric)
        if dimensions.get(metric) != "count" or not unit or books.inside(start):
            continue
        base = max(0, start - _IMPLICIT_REACH)
        head = _IMPLICIT.search(norm[base:start])  # a magnitude is required: 2025人工智能… is a year
        if not head or head.group("big") and re.search(f"[{_CN}]$", norm[base : base + head.start("big")]):
            continue  # 二十大 is a congress, not ten of anything
        begin, end = base + head.start(), start - 1 if head.group("big") else start
        last = bisect_left(match_starts, end) - 1
        if last >= 0 and matches[last].end() > begin or begin in figure_starts:
            continue
        number = head.group("big") or head.group("num")
        text = (head.group("prefix") or "") + number + (head.group("more") or "") + unit
        quantity = parsed_figure(text)
        if quantity is None:
            continue
        groups = {
            "prefix": head.group("prefix"),
            "num": number,
            "more": head.group("more"),
            "unit": unit,
            "implicit": unit,
        }
        found.append((_Implicit(norm, begin, end, groups), (text, quantity)))
        figure_starts.add(begin)
    return sorted(found, key=lambda item: item[0].start())


@lru_cache(maxsize=4096)
def parsed_figure(text: str) -> Quantity | None:
    """parse_figure(text), or None when the text is no figure. Cached: a document repeats its
    figures' texts (every 第一 of a ranking), and parsing is the dearest step of a figure."""
    try:
        return parse_figure(text)
    except FigureError:
        return None


# How far before and after a match `_figure_in_context` reads the text.
_BEFORE_A_FIGURE = 8


_AFTER_A_FIGURE = 12


def _figure_in_context(norm: str, match: re.Match) -> tuple[str, Quantity] | None:
    """(figure text, parsed) for a pattern match, or None when it is no figure: a date, or not a
    figure by `figure_of`, or one the words after it make something else (the whole a part is drawn
    from, a rank describing a noun, the class of several items)."""
    if _is_date(norm, match):
        return None
    figure = figure_of(norm, match)
    if figure is None:
        return None
    after = norm[match.end() : match.end() + _AFTER_A_FIGURE]
    if (
        _DENOMINATOR_AFTER.match(after)
        or match.group("rank")
        and _ATTRIBUTIVE_AFTER.match(after)
        or (after.startswith("级") and _CLASS_BEFORE.search(norm[max(0, match.start() - 4) : match.start()]))
    ):
        return None
    return figure


def figure_of(norm: str, match: re.Match) -> tuple[str, Quantity] | None:
    """(figure text, parsed) for a pattern match, or None when it is not a figure."""
    text, number = match.group(0), match.group("num") or ""
    if match.group("bare"):
        text += "元"  # 百亿基金, 千亿级: money without its unit
    if match.group("unit") and match.group("unit") in "EPB" and not re.search(r"\d", number):
        return None  # 一E, 十P: Chinese numerals never carry a Latin unit
    if number in ("一", "两") and not match.group("prefix") or number == "一":
        return None  # 一家, 一个, 两个: articles, not figures
    if (
        # [数几多]$ looks at the last character, or the one before a final line break
        _NOT_A_FIGURE_BEFORE.search(norm[max(0, match.start() - 2) : match.start()])
        and _NUMERAL.match(text)
        or _NOT_A_FIGURE_AFTER.match(norm[match.end() : match.end() + 2])
    ):
        return None  # 数十亿元, 四个方面
    detached = _DETACHED.search(norm[max(0, match.start() - _BEFORE_A_FIGURE) : match.start()])
    if detached and not match.group("prefix"):
        text = detached.group(1) + text
    for attempt in (text, *(text[len(p) :] for p in _VERB_PREFIX if text.startswith(p))):
        quantity = parsed_figure(attempt)
        if quantity is not None:
            return attempt, quantity
    return None


def _is_date(norm: str, match: re.Match) -> bool:
    """2024年, 3月 and the like are dates, not figures; so are 2020-2024 spans."""
    after = norm[match.end() : match.end() + 1]
    return bool(match.group("num")) and after in ("年", "月", "日")


@lru_cache(maxsize=4096)
def _number_in_quote(figure_text: str, quote: str) -> bool:
    """Whether the figure's number is in the quote (lint's check): cached, a repeated sentence gives
    the same figure and quote."""
    quantity = parsed_figure(figure_text)
    return quantity is not None and number_in_quote(quantity, quote)


def value_text(doc: Normalised, match: re.Match, figure_text: str, quote: str) -> str:
    """The figure in simplified characters, unless that hides its number from the quote check
    (100亿 is not in a quote that says 100億): then as the document writes it."""
    if _number_in_quote(figure_text, quote):
        return figure_text
    written = re.sub(r"\s+", "", PINYIN.sub("", doc.slice(match.start(), match.end())))
    suffix = "元" if match.group("bare") else match.group("implicit") if isinstance(match, _Implicit) else ""
    head = figure_text[: len(figure_text) - len(match.group(0)) - len(suffix)]
    prefix = match.group(0)[: len(match.group(0)) - len(written)] if len(written) < len(match.group(0)) else ""
    candidate = head + prefix + written + suffix
    for attempt in (candidate, *(candidate[len(p) :] for p in _VERB_PREFIX if candidate.startswith(p))):
        if parsed_figure(attempt) is not None:
            return attempt
    return figure_text
