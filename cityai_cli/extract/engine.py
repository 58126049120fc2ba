"""Find the figures a document states, each with place, metric, kind, date and a verbatim quote.

`extract` is pure: text in, `Candidate`s out. It works on a normalised copy of the document
(see `text.py`: simplified characters, no inserted pinyin, no spaces inside figures) and slices
every quote out of the ORIGINAL text through the offset map, so quotes pass the knowledge
base's quote check (whitespace-insensitive substring) unchanged.

How a figure becomes a candidate:
1. Figures are found by a pattern (qualifier, number, 余/多, unit, 以上/左右; ranks 第N, 首位,
   榜首; membership of a leading group 位居前列; shares such as 四成, 1/3, 一半) and kept only if
   `parse_figure` accepts them. Years (2024年), figures inside book titles 《…》 and inside
   dates are skipped, and so are the whole a part is drawn from (内地31个省份中,…), the class
   of several items (多个10E级…集群) and a rank that describes the noun after it
   (第一梯队的大模型企业). A number with a magnitude, or N大, written straight
   before a count metric's keyword takes that metric's unit (超3200万开发者 -> 超3200万人,
   五大公共服务平台 -> 五个).
2. Metric: among the metrics whose dimension equals the figure's, the one with a keyword
   closest to the figure: containing it (第一梯队) or in its clause before it, then a keyword in
   a source framing the sentence (据胡润研究院发布…显示, reaching past ; to the full stop), then
   after it in the clause, then elsewhere in the sentence, then in the two sentences before.
   Keywords never overlap: the longest wins. No keyword, no candidate. A count in another unit
   than the metric's (20家企业 … 应用场景), and money naming another kind of money (超10亿元
   战略融资), need the keyword in the figure's clause.
3. Place: a place named in the figure's clause (before it, else after it); else the nearest
   one named earlier in the sentence; else earlier in the paragraph; else the subject of the
   sentences just before; else, when the clause names the metric, the country the document
   names (中国, 我国, 内地: nationwide figures). Place names inside book titles do not count
   (《2024胡润中国人工智能企业50强》 is not about 中国). A rank shared by a list of places
   (北京、上海、深圳处于第一梯队) gives one candidate per place; so does a collective counting a
   region's members (长三角…三省一市全部置身第一梯队, see `gazetteer.REGIONS`). A share held by a
   list of places jointly (珠三角…,深圳、广州占了7成以上) belongs to the whole named before them.
   A membership (北京、广东…江苏位居前列) goes to each place of the list it directly follows, and
   to no place at all when a noun stands between (南京入围企业数目位居前列: the count leads).
4. Kind, date and date basis from markers in the sentence before the figure (see `_kind`,
   `_date`).

The work grows with the document's length, not faster (a document may have 4 MiB): the sentences,
clauses, place mentions, keyword hits, dates and markers are found once and looked up by
bisection, so a figure looks at a bounded neighbourhood. A sentence over SENTENCE_MAX characters
is read in pieces of at most that length (`_cut`), figures are only looked for where a keyword
can reach them (`_reachable`), and not inside a run of more than _RUN_MAX digits or numerals.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..lint import number_in_quote
from ..quantity import _MEMBER_WORDS, _RANK_WORDS, FigureError, Quantity, parse_figure
from . import gazetteer
from .text import PINYIN, Normalised, normalise, to_simplified

QUOTE_MAX = 60
# A sentence longer than this (normalised characters: a text without full stops, such as a
# flattened table or an attack) is read as consecutive sentences of at most this length, cut after
# a clause break where there is one, so that the work for each figure stays bounded. No sentence a
# document writes comes near it (the seeds' longest has 144 characters).
SENTENCE_MAX = 1000
# How far back (normalised characters) the subject of an earlier sentence may stand; a blank
# line (a new section) is never crossed.
SUBJECT_REACH = 160

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
_RUN_MAX = 24
_NUMERAL_RUN = re.compile(rf"\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN}]+")
_NUMERAL = re.compile(f"[{_CN}]")
_BOOK = re.compile(r"《[^《》\n]*》|\([^()\n]*\)")  # titles and asides: (每秒百亿亿次浮点运算)
# A qualifier separated from its number: 约占全国四成, 约为1/3, 至少有29个.
_DETACHED = re.compile(r"(约|近|超过|超|至少|不到)(?:为|有|占[^,。;:]{0,4}?)$")
_VERB_PREFIX = ("突破", "达到", "高达", "达")
_NOT_A_FIGURE_BEFORE = re.compile(r"[数几多]$")
_NOT_A_FIGURE_AFTER = re.compile(r"^(?:方面|阶段|维度)")
# A place name that is part of an organisation's name (浙江大学, 深圳数据交易所) is not a place.
_ORGANISATION = re.compile(r"^(?:大学|学院|研究院|社会科学院|实验室|日报|移动|电视台|数据交易所|交易所|中院|卫视)")
_RESPECTIVELY = re.compile(r"分别|分歧")
# The whole a part is drawn from (内地31个省份中,至少有29个…) is not itself a finding.
_DENOMINATOR_AFTER = re.compile(r"^[^\d,。;、:()在]{0,4}?(?<![其集])中[,:]")
# 第一梯队的大模型企业: a rank that describes the noun after it, not a place.
_ATTRIBUTIVE_AFTER = re.compile(r"^[^\d,。;、:()]{0,3}的")
# 多个10E级智能算力集群: the class of each item, not a total.
_CLASS_BEFORE = re.compile(r"(?:多|若干|几|数)个$|(?:一批|一些|一系列)$")
# 超10亿元战略融资: money that names another kind of money than any metric's.
_OTHER_MONEY = re.compile(r"融资|营收|收入|销售额|利润|市值|估值|订单")
# A source that frames the whole sentence: 据胡润研究院发布《…》显示, 根据榜单显示.
_FRAME = re.compile(r"(?:据|根据|阐明)[^,。!?;\n]{0,60}?(?:显示|表明|统计)")
# A number written straight before the noun it counts, without a unit: 超3200万开发者, 五大公共服务平台.
_IMPLICIT_REACH = 20  # how far before the noun such a number is looked for
_IMPLICIT = re.compile(
    rf"(?:(?P<prefix>{_PREFIX}))?(?:(?P<num>{_ARABIC}(?:{_MAG}))(?P<more>余|多)?"
    r"|(?P<big>[二两三四五六七八九十])大)$"
)
# A collective for the members of a region: 三省一市, 九市.
_COLLECTIVE = re.compile(rf"(?:[一二两三四五六七八九十]{{1,{_RUN_MAX}}}[省市]){{1,2}}")
# Between the places and a membership word said of them: an adverb, a verb, the whole ranked
# (北京、上海均跻身全国前列); a noun between makes the word another finding's (see `_leading_group`).
_MEMBER_SUBJECT = re.compile(r"(?:均|都|也|皆|亦|同样)?(?:位居|位列|名列|跻身|走在|居于|处于|位于|居)?(?:全国|国内)?")
_SENTENCE_END = "。!?;\n…"
_CLAUSE_END = ",、:;()"

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
_NOW = re.compile(r"目前|截至目前|现有|现在|当前|如今")
_RELATIVE = {"前年": -2, "去年": -1, "今年": 0, "本年": 0, "明年": 1}

_TARGET = re.compile(
    r"到(\d{4})年|力争|目标|计划|(?<!完成)将(?=达到|达|突破|超|实现|建设|建成|设立|培育|推动|"
    r"支持|打造|形成|新增|增加|提升|统筹|带动|力争|成为|继续|进一步|加快|重点|专门|在)"
)
_FORECAST = re.compile(r"预计|有望|预期")
_THIRD_PARTY = re.compile(r"报告|研究院|机构|智库|赛迪|IDC|Gartner|咨询|券商|分析师|显示|估算|测算")
_DONE_TARGET = re.compile(r"完成[^,。;]{0,8}目标")
_LIST_JOIN = re.compile(r"^(?:、|和|与|及|,)$")
# "我国" names the country when the caller's places know 中国.
_DEICTIC = {"我国": "中国", "内地": "中国"}


@dataclass(frozen=True)
class Candidate:
    """One figure a document states, for a curator to confirm.

    `value` is the figure as written (qualifier included), converted to simplified and without
    inserted pinyin or spaces, so that `parse_figure` accepts it; it keeps the document's own
    characters where conversion would hide the number from the quote check (100億元 stays,
    since 100亿 is not in the quote). `quote` is a verbatim slice of the original document.
    `sentence_start`/`sentence_end` are offsets of the sentence in the original document.
    """

    place: str
    place_known: bool
    metric: str
    value: str
    kind: str  # actual | target | forecast
    date: str | None  # YYYY, YYYY-MM or YYYY-MM-DD
    date_basis: str  # stated | published | inferred
    quote: str
    confidence: float
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    name: str
    known: bool


def extract(
    text: str,
    *,
    published: str | None,
    places: Mapping[str, str],
    metric_keywords: Mapping[str, Sequence[str]],
    metric_dimensions: Mapping[str, str],
    metric_units: Mapping[str, str] | None = None,
) -> list[Candidate]:
    """Candidates for every figure in `text`, in document order.

    `places` maps each simplified name/alias form to its canonical place (from the knowledge
    base); names not in it are looked up in the gazetteer (`place_known` False).
    `metric_keywords` maps metric key -> keywords; `metric_dimensions` metric key -> dimension;
    a figure is attached only to a metric of its own dimension. `metric_units` (optional,
    metric key -> unit such as 家) breaks ties: a count in another unit ranks lower.
    `published` (YYYY, YYYY-MM or YYYY-MM-DD) resolves 去年/今年/3月3日 and dates 目前.

    confidence = place factor × metric factor × ambiguity factor × base factor, where
      place factor: 1.0 named in the clause before the figure, 0.9 after it in the clause,
                    0.75 earlier in the sentence, 0.6 earlier in the paragraph;
      place factor for a figure no place reaches but the document's country: 0.4;
      metric factor: 1.0 keyword containing the figure or in the clause before it, 0.95 in a
                     source framing the sentence, 0.9 after it in the clause,
                     0.75 elsewhere in the sentence, 0.55 in the two sentences before;
      ambiguity factor: 0.8 when another metric of the same dimension had a keyword as close,
                        0.8 when the figure's unit is not the metric's (given `metric_units`);
      base factor: 0.8 when the place is only in the gazetteer, else 1.0.
    """
    doc = normalise(text)
    norm = doc.text
    books = _Spans([(m.start(), m.end()) for m in _BOOK.finditer(norm)])
    breaks = _clause_breaks(norm)
    sentences = _Spans(_cut(_spans(norm, _SENTENCE_END), breaks, SENTENCE_MAX))
    paragraphs = _Spans(_spans(norm, "\n"))
    mentions = _Mentions(_place_mentions(norm, places, books))
    keywords = _keyword_hits(norm, metric_keywords)
    keyword_index = _Keywords(keywords)
    full_sentences = _Spans(_spans(norm, "。!?\n"))
    frames = _Frames(norm, keywords, full_sentences)
    markers = _KindMarkers(norm, books, published)
    dates = _Dates(_date_hits(norm, books), books)
    other_money = _Occurrences(_OTHER_MONEY, norm)
    collectives = _Occurrences(_COLLECTIVE, norm)
    known = {to_simplified(form): name for form, name in places.items()}  # the places, by simplified form
    matches = _figure_matches(norm, _reachable(sentences, keywords, frames, full_sentences))
    respectively = _Respectively(norm, mentions, matches)
    subject = _document_subject(mentions.all)
    candidates: list[Candidate] = []
    seen = set()
    for match, figure in _figures(norm, matches, books, keywords, metric_dimensions, metric_units or {}):
        figure_text, quantity = figure
        sentence_index = sentences.index(match.start())
        if sentence_index is None:
            continue  # a figure always stands in a sentence (no figure contains a full stop)
        s_start, s_end = sentences.spans[sentence_index]
        c_start, c_end = _clause(breaks, match.start(), match.end(), s_start, s_end)
        metric = _metric(
            quantity,
            match,
            keyword_index,
            metric_dimensions,
            metric_units or {},
            sentences.spans[max(0, sentence_index - 2)][0],
            (s_start, s_end),
            (c_start, c_end),
            frames.covering(match.start(), full_sentences.containing(match.start())[1]) if frames.by_sentence else (),
        )
        if metric is None:
            continue
        metric_key, metric_factor, keyword_span = metric
        if quantity.dimension == "money" and metric_factor < 0.9 and other_money.first(match.end(), c_end):
            continue
        resolved = respectively.places(match, (s_start, s_end)) or _places(
            mentions, match, (c_start, c_end), (s_start, s_end), paragraphs, quantity, sentences, known, collectives
        )
        if not resolved and subject is not None and metric_factor >= 0.9 and quantity.dimension != "member":
            # nationwide figures (23个省份明确提及…): weak evidence, so only with the metric's
            # keyword in the figure's own clause; never a membership, which is said of the places
            # right before it or of nothing (`_leading_group`)
            resolved = [(subject, 0.4)]
        if not resolved:
            continue
        kind = _kind(norm, s_start, match.start(), markers)
        date, basis = _date(norm, dates, books, s_start, match.start(), published)
        for mention, place_factor in resolved:
            # the clause, reaching back to the place and the keyword when they fit in QUOTE_MAX
            quote_start = c_start
            for anchor in (max(mention.start, keyword_span[0]), min(mention.start, keyword_span[0])):
                if s_start <= anchor < quote_start and doc.length(anchor, c_end) <= QUOTE_MAX:
                    quote_start = anchor
            quote = _quote(doc, quote_start, c_end, match.start(), match.end())
            value = _value(doc, match, figure_text, quote)
            confidence = round(place_factor * metric_factor * (1.0 if mention.known else 0.8), 2)
            key = (mention.name, metric_key, value, kind, date)
            if key in seen:
                continue
            seen.add(key)
            o_start, o_end = doc.original_span(s_start, s_end) if s_end > s_start else (0, 0)
            candidates.append(
                Candidate(
                    mention.name, mention.known, metric_key, value, kind, date, basis, quote, confidence, o_start, o_end
                )
            )
    return candidates


# ---- figures


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


def _reachable(
    sentences: _Spans, keywords: list[tuple[int, int, str]], frames: _Frames, full_sentences: _Spans
) -> list[tuple[int, int]]:
    """The stretches of text whose figures a metric can reach: the sentences with a keyword from the
    second sentence before them to their end, or with a source framing them. A figure anywhere else
    gets no metric and so is no candidate, and is not looked for: a long text with few keywords
    costs no more than finding them (第一 x 700,000 in a document that names no metric). A sentence
    with a keyword less than _IMPLICIT_REACH after its end is read too: a number written before the
    keyword (`_Implicit`) may stand there, and any match it overlaps must be known.

    A sentence cut from a longer one (`_cut`) is a stretch of its own, as if a full stop stood at
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


def _figure_matches(norm: str, stretches: list[tuple[int, int]]) -> list[re.Match]:
    """Every match of `_FIGURE` in the stretches, in order, but inside runs of more than _RUN_MAX
    digits or numerals."""
    matches: list[re.Match] = []
    for stretch_start, stretch_end in stretches:
        start = stretch_start
        for run in _NUMERAL_RUN.finditer(norm, stretch_start, stretch_end):
            if run.end() - run.start() > _RUN_MAX:
                matches.extend(_FIGURE.finditer(norm, start, run.start()))
                start = run.end()
        matches.extend(_FIGURE.finditer(norm, start, stretch_end))
    return matches


def _figures(
    norm: str, matches: list[re.Match], books: _Spans, keywords, dimensions: Mapping[str, str], units: Mapping[str, str]
):
    """(match, (figure text, quantity)) for every figure, in document order; `matches`: those of
    the pattern (`_figure_matches`)."""
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
        quantity = _parsed(text)
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
def _parsed(text: str) -> Quantity | None:
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
    figure by `_figure`, or one the words after it make something else (the whole a part is drawn
    from, a rank describing a noun, the class of several items)."""
    if _is_date(norm, match):
        return None
    figure = _figure(norm, match)
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


def _figure(norm: str, match: re.Match) -> tuple[str, Quantity] | None:
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
        quantity = _parsed(attempt)
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
    quantity = _parsed(figure_text)
    return quantity is not None and number_in_quote(quantity, quote)


def _value(doc: Normalised, match: re.Match, figure_text: str, quote: str) -> str:
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
        if _parsed(attempt) is not None:
            return attempt
    return figure_text


# ---- places


def _place_mentions(norm: str, places: Mapping[str, str], books: _Spans) -> list[_Mention]:
    forms: dict[str, tuple[str, bool]] = {}
    known_names = set(places.values())
    known_forms = {to_simplified(form): name for form, name in places.items()}
    for form, name in gazetteer.text_forms().items():
        simplified = to_simplified(form)
        if simplified in known_forms:
            continue
        canonical = known_forms.get(to_simplified(name))
        forms[simplified] = (canonical, True) if canonical else (name, name in known_names)
    for form, name in known_forms.items():
        forms[form] = (name, True)
    for form, name in _DEICTIC.items():
        if name in known_names and form not in forms:
            forms[form] = (name, True)
    pattern = re.compile("|".join(map(re.escape, sorted(forms, key=len, reverse=True))))
    mentions: list = []
    for match in pattern.finditer(norm):
        if books.inside(match.start()) or _ORGANISATION.match(norm[match.end() : match.end() + 5]):
            continue
        name, known = forms[match.group(0)]
        mention = _Mention(match.start(), match.end(), name, known)
        if mentions and mentions[-1].end == mention.start:
            mentions[-1] = mention  # 深圳市福田区: the more specific, later name
        else:
            mentions.append(mention)
    return mentions


def _document_subject(mentions: list[_Mention]) -> _Mention | None:
    """The country, when the document names it (中国, 我国, 内地): the subject of the figures no
    place is in reach of (23个省份明确提及…, 2024年全国人工智能产业规模突破7000亿元)."""
    country = set(_DEICTIC.values())
    return next((m for m in mentions if m.name in country and m.known), None)


class _Mentions:
    """The place mentions in document order, which never overlap: the last one before a position
    and the first one after it are found by bisection, not by a scan of them all for every figure."""

    def __init__(self, mentions: list[_Mention]):
        self.all = mentions
        self.starts = [m.start for m in mentions]
        self.ends = [m.end for m in mentions]
        self.index_of = {m.start: index for index, m in enumerate(mentions)}

    def last_ending_by(self, position: int, not_before: int) -> _Mention | None:
        """The last mention ending at or before `position`, if it starts at or after `not_before`."""
        index = bisect_right(self.ends, position) - 1
        return self.all[index] if index >= 0 and self.all[index].start >= not_before else None

    def first_starting_from(self, position: int, ending_by: int) -> _Mention | None:
        """The first mention starting at or after `position`, if it ends at or before `ending_by`."""
        index = bisect_left(self.starts, position)
        return self.all[index] if index < len(self.all) and self.all[index].end <= ending_by else None

    def within(self, start: int, end: int) -> list[_Mention]:
        """The mentions inside [start, end), in order."""
        return self.all[bisect_left(self.starts, start) : bisect_right(self.ends, end)]


def _places(
    mentions: _Mentions,
    match: re.Match,
    clause,
    sentence,
    paragraphs: _Spans,
    quantity: Quantity,
    sentences: _Spans,
    known: Mapping[str, str],
    collectives: _Occurrences,
) -> list[tuple[_Mention, float]]:
    last_before = mentions.last_ending_by(match.start(), clause[0])  # the last place in the clause before it
    if quantity.dimension == "member":
        return _leading_group(match, mentions, last_before, sentence)
    if last_before and quantity.dimension == "ratio" and _listed(match.string, mentions, last_before, sentence):
        # 珠三角…95家,深圳、广州占了7成以上: a share held by a list of places jointly is a share
        # of the whole they split, named before the list; none of them holds it alone.
        head = mentions.index_of[last_before.start]
        while head > 0 and _listed(match.string, mentions, mentions.all[head], sentence):
            head -= 1
        whole = mentions.all[head - 1] if head > 0 and mentions.all[head - 1].start >= sentence[0] else None
        return [(whole, 0.75)] if whole else []
    if last_before:
        chosen, factor = last_before, 1.0
    else:
        after_clause = mentions.first_starting_from(match.end(), clause[1])
        before_sentence = mentions.last_ending_by(clause[0], sentence[0])
        before_paragraph = mentions.last_ending_by(sentence[0], paragraphs.containing(match.start())[0])
        if after_clause:
            chosen, factor = after_clause, 0.9
        elif before_sentence:
            chosen, factor = before_sentence, 0.75
        elif before_paragraph:
            chosen, factor = before_paragraph, 0.6
        else:
            # the subject of one of the three sentences before, if near (预期到2027年底… after 北京…)
            index, earlier = sentences.index(sentence[0]) or 0, None
            for previous in reversed(sentences.spans[max(0, index - 3) : index]):
                first = mentions.first_starting_from(max(previous[0], sentence[0] - SUBJECT_REACH), previous[1])
                # a blank line (a new section) is never crossed; the sentence holds no line break,
                # so what the first place of it fails, every later one fails too
                if first and "\n\n" not in match.string[first.end : sentence[0]]:
                    earlier = first
                    break
            if earlier is None:
                return []
            chosen, factor = earlier, 0.5
    members = _members(chosen, match.start(), known, collectives)
    if members:
        return [(member, factor) for member in members]
    if quantity.dimension == "rank":
        # 北京、上海、深圳处于第一梯队: one rank for each place in the list
        return [(mention, factor) for mention in _list_ending(match.string, mentions, chosen, sentence)]
    return [(chosen, factor)]


def _leading_group(
    match: re.Match, mentions: _Mentions, last: _Mention | None, sentence
) -> list[tuple[_Mention, float]]:
    """北京、广东、上海、浙江、安徽、江苏位居前列: a membership word said of a list of places makes each
    of them a member of the leading group, with the same value (a group has no order). Only of places
    it follows directly in its clause (with at most an adverb and a verb between, `_MEMBER_SUBJECT`):
    in 上海、杭州…南京入围企业数目位居前列 it is a noun of theirs that leads (the count of listed
    enterprises), another finding than the places' own membership, and a place further back is not
    what the word is said of (海南…,能源转型走在全国前列). Then no candidate: no member is invented."""
    if last is None or not _MEMBER_SUBJECT.fullmatch(match.string, last.end, match.start()):
        return []
    return [(mention, 1.0) for mention in _list_ending(match.string, mentions, last, sentence)]


def _list_ending(norm: str, mentions: _Mentions, last: _Mention, sentence) -> list[_Mention]:
    """The places of the sentence listed up to `last` (北京、上海和深圳), in order; `[last]` alone
    when it ends no list."""
    end = mentions.index_of[last.start]
    head = end
    while _listed(norm, mentions, mentions.all[head], sentence):
        head -= 1
    return mentions.all[head : end + 1]


def _listed(norm: str, mentions: _Mentions, mention: _Mention, sentence) -> bool:
    """Whether `mention` follows another place of the sentence in a list (深圳、广州)."""
    index = mentions.index_of[mention.start]
    return (
        index > 0
        and mentions.all[index - 1].start >= sentence[0]
        and bool(_LIST_JOIN.match(_between(norm, mentions.all[index - 1], mention)))
    )


def _members(
    region: _Mention, figure_start: int, known: Mapping[str, str], collectives: _Occurrences
) -> list[_Mention]:
    """长三角…三省一市全部置身第一梯队: a collective between the region and the figure that counts
    the region's members (as provinces 省 and cities 市, a municipality being a 市) stands for each
    of them."""
    members = gazetteer.REGIONS.get(region.name)
    if not members:
        return []
    collective = collectives.first(region.end, figure_start)
    if not collective:
        return []
    counted = {"省": 0, "市": 0}
    for number, kind in re.findall(r"([一二两三四五六七八九十]+)([省市])", collective.group(0)):
        count = _parsed(number + "个")
        if count is None:
            return []  # 二二省: no number, so no count of the members (it raised FigureError)
        counted[kind] += int(count.value)
    divisions = gazetteer.divisions()
    kinds = {"省": 0, "市": 0}
    for member in members:
        division = divisions.get(member)
        kinds[
            "省" if division and division.level == "province" and member not in gazetteer.MUNICIPALITIES else "市"
        ] += 1
    if counted != kinds:
        return []
    return [_Mention(region.start, region.end, known.get(member, member), member in known) for member in members]


class _Respectively:
    """江苏、浙江、安徽…分别出现了7次、18次和11次: the n-th figure belongs to the n-th place. A
    sentence's list of places and figures after 分别 are read once, for all its figures."""

    def __init__(self, norm: str, mentions: _Mentions, matches: list[re.Match]):
        self.norm, self.mentions, self.matches = norm, mentions, matches
        self.match_starts = [m.start() for m in matches]
        self.markers = _Occurrences(_RESPECTIVELY, norm)
        # (sentence start, marker, sentence end) -> the listed places, each figure's position
        self.read: dict[tuple[int, int, int], tuple[list[_Mention], dict[int, int]]] = {}

    def places(self, match: re.Match, sentence) -> list[tuple[_Mention, float]] | None:
        marker = self.markers.first(sentence[0], match.start())
        if not marker:
            return None
        key = (sentence[0], marker.start(), sentence[1])
        if key not in self.read:
            self.read[key] = self._list_and_figures(marker.start(), sentence)
        chain, positions = self.read[key]
        position = positions.get(match.start())
        return None if position is None else [(chain[position], 0.9)]

    def _list_and_figures(self, marker_at: int, sentence) -> tuple[list[_Mention], dict[int, int]]:
        """The places listed last before the marker and the position of each figure after it; no
        figure has one unless there are as many figures as places (two at least)."""
        norm = self.norm
        chain: list[_Mention] = []
        for mention in self.mentions.within(sentence[0], marker_at):
            if chain and not _LIST_JOIN.match(_between(norm, chain[-1], mention)):
                chain = []
            chain.append(mention)
        after = self.matches[bisect_left(self.match_starts, marker_at) : bisect_left(self.match_starts, sentence[1])]
        figures = [m for m in after if m.end() <= sentence[1] and _figure(norm, m)]
        if len(chain) < 2 or len(figures) != len(chain):
            return chain, {}
        return chain, {m.start(): position for position, m in enumerate(figures)}


def _between(norm: str, first: _Mention, second: _Mention) -> str:
    return norm[first.end : second.start]


# ---- metrics


def _keyword_hits(norm: str, metric_keywords: Mapping[str, Sequence[str]]) -> list[tuple[int, int, str]]:
    owner: dict[str, list[str]] = {}
    for metric, words in metric_keywords.items():
        for word in words:
            owner.setdefault(to_simplified(word), []).append(metric)
    if not owner:
        return []
    pattern = re.compile("|".join(map(re.escape, sorted(owner, key=len, reverse=True))))
    return [(m.start(), m.end(), metric) for m in pattern.finditer(norm) for metric in owner[m.group(0)]]


class _Keywords:
    """Each metric's keyword hits in document order, so that a figure looks, by bisection, at the few
    hits of a metric that can be its best instead of at every hit of the document."""

    def __init__(self, hits: list[tuple[int, int, str]]):
        self.starts: dict[str, list[int]] = {}
        self.entries: dict[str, list[tuple[int, int, int]]] = {}  # (start, end, index in `hits`)
        for index, (start, end, metric) in enumerate(hits):
            self.starts.setdefault(metric, []).append(start)
            self.entries.setdefault(metric, []).append((start, end, index))


class _Frames:
    """The keywords inside a source that frames its sentence (据胡润研究院发布《…》显示,北京以20家…;
    上海9家): the frame governs every figure after it up to the sentence's full stop (a ; does not
    end it). Kept by sentence, and only the first keyword of each metric there: every frame scores
    alike, so the first one a figure is in reach of decides."""

    def __init__(self, norm: str, hits: list[tuple[int, int, str]], full_sentences: _Spans):
        # sentence end -> (reach start, metric, keyword start, keyword end), in document order
        self.by_sentence: dict[int, list[tuple[int, str, int, int]]] = {}
        starts = [start for start, _, _ in hits]
        for frame in _FRAME.finditer(norm):
            _, reach_end = full_sentences.containing(frame.start())
            firsts = self.by_sentence.setdefault(reach_end, [])
            index = bisect_left(starts, frame.start())
            while index < len(hits) and hits[index][0] <= frame.end():
                start, end, metric = hits[index]
                if end <= frame.end() and all(metric != known for _, known, _, _ in firsts):
                    firsts.append((frame.end(), metric, start, end))
                index += 1

    def covering(self, position: int, sentence_end: int) -> list[tuple[str, int, int]]:
        """(metric, keyword start, keyword end) of the frames in reach of `position`, whose full
        sentence ends at `sentence_end`, first come first."""
        reached = []
        for reach_start, metric, start, end in self.by_sentence.get(sentence_end, ()):
            if reach_start > position or position >= sentence_end:
                break
            reached.append((metric, start, end))
        return reached


def _metric(
    quantity: Quantity,
    match: re.Match,
    keywords: _Keywords,
    dimensions: Mapping[str, str],
    units: Mapping[str, str],
    context_start: int,
    sentence,
    clause,
    frames: Iterable[tuple[str, int, int]] = (),
):
    """(metric, factor, keyword span) for the metric with the closest keyword, or None.
    `context_start`: where the second sentence before the figure's starts; `frames`: the keywords
    of the sources framing the figure (`_Frames.covering`)."""
    best: dict[str, tuple[float, int, tuple[int, int]]] = {}
    for metric, start, end in frames:
        if dimensions.get(metric) == quantity.dimension:
            # the framing source outranks any keyword but one in the clause before the figure
            best.setdefault(metric, (0.95, 0, (start, end)))
    # A metric first named by a keyword ranks after the framed ones, in the order of its first hit
    # that counts: ties between metrics go to the one met first.
    named: list[tuple[int, str, tuple[float, int, tuple[int, int]]]] = []
    for metric, starts in keywords.starts.items():
        if dimensions.get(metric) != quantity.dimension:
            continue
        # 20家企业… 应用场景: a count in another unit than the metric's counts another noun, so
        # only a keyword in the figure's clause names it
        other_unit = quantity.dimension == "count" and units.get(metric, quantity.unit) != quantity.unit
        found = _closest_hit(keywords.entries[metric], starts, match, context_start, sentence, clause, other_unit)
        if found is None:
            continue
        first, score = found
        if metric not in best:
            named.append((first, metric, score))
        elif score[:2] > best[metric][:2]:
            best[metric] = score
    for _, metric, score in sorted(named):
        best[metric] = score
    if not best:
        return None
    ranked = sorted(best.items(), key=lambda item: item[1][:2], reverse=True)
    metric, (tier, _, span) = ranked[0]
    ambiguous = len(ranked) > 1 and ranked[1][1][0] == tier
    return metric, tier * (0.8 if ambiguous else 1.0), span


def _hit_score(
    start: int, end: int, match: re.Match, sentence, clause, other_unit: bool = False
) -> tuple[float, int] | None:
    """(tier, distance) of a keyword at [start, end) for the figure: the metric factor of `extract`.
    `other_unit`: the figure counts in another unit than the metric's, so the keyword counts only
    in the figure's clause (20家企业… 应用场景: another noun is counted), and at 0.8 of its tier."""
    figure_start, figure_end = match.start(), match.end()
    if start < figure_end and figure_start < end:
        tier, distance = 1.0, 0  # the keyword contains the figure: 第一梯队
    elif clause[0] <= start and end <= figure_start:
        tier, distance = 1.0, figure_start - end
    elif figure_end <= start and end <= clause[1]:
        tier, distance = 0.9, start - figure_end
    elif other_unit:
        return None
    elif start >= sentence[0] and not (figure_start <= start < figure_end):
        return 0.75, abs(figure_start - start)
    elif start < sentence[0]:
        return 0.55, figure_start - start
    else:
        return None
    return (tier * 0.8, distance) if other_unit else (tier, distance)


def _closest_hit(
    entries: list[tuple[int, int, int]],
    starts: list[int],
    match: re.Match,
    context_start: int,
    sentence,
    clause,
    other_unit: bool,
) -> tuple[int, tuple[float, int, tuple[int, int]]] | None:
    """For one metric's hits (`_Keywords.entries`), those from `context_start` to the sentence's
    end: the index of the first that counts and the (tier, -distance, span) of the best, the first
    of the best on a tie; None when none counts (`other_unit`: only a hit of tier 0.9 or more counts,
    at 0.8 of its tier).

    Only a few hits are looked at: hits never overlap (the longest keyword wins) and a tier never
    rises with the distance, so the best is one that overlaps the figure or the nearest before or
    after it (with its copies: two keywords of a metric that read alike hit twice at one place)."""
    in_reach, out_of_reach = bisect_left(starts, context_start), bisect_left(starts, sentence[1])
    if in_reach >= out_of_reach:
        return None
    low = max(in_reach, bisect_left(starts, match.start()) - 1)
    while low > in_reach and entries[low - 1][:2] == entries[low][:2]:
        low -= 1  # the first of the copies
    high = bisect_left(starts, match.end(), low)
    if high < out_of_reach:
        high += 1
        while high < out_of_reach and entries[high][:2] == entries[high - 1][:2]:
            high += 1
    best: tuple[float, int, tuple[int, int]] | None = None
    for index in range(low, min(high, out_of_reach)):
        start, end, _ = entries[index]
        scored = _hit_score(start, end, match, sentence, clause, other_unit)
        if scored is not None and (best is None or (scored[0], -scored[1]) > best[:2]):
            best = (scored[0], -scored[1], (start, end))
    if best is None:
        return None
    # the first hit that counts: any in reach; for another unit, the first in the figure's clause
    if not other_unit:
        first = entries[in_reach][2]
    else:
        index = max(in_reach, bisect_left(starts, clause[0]) - 1)
        while index > in_reach and entries[index - 1][:2] == entries[index][:2]:
            index -= 1
        while _hit_score(entries[index][0], entries[index][1], match, sentence, clause, other_unit) is None:
            index += 1
        first = entries[index][2]
    return first, best


# ---- kind and date


class _KindMarkers:
    """Where the words that make a figure a forecast or a target stand in the document, found once."""

    def __init__(self, norm: str, books: _Spans, published: str | None):
        self.forecasts = _Occurrences(_FORECAST, norm)
        self.third_parties = _Occurrences(_THIRD_PARTY, norm)
        year = _year(published)
        self.targets = [m for m in _TARGET.finditer(norm) if _sets_a_target(norm, m, books, year)]
        self.target_starts = [m.start() for m in self.targets]


def _sets_a_target(norm: str, marker: re.Match, books: _Spans, year: int | None) -> bool:
    """Whether a `_TARGET` marker makes the figures after it targets: not inside a book title, a
    year not past (到2020年 in 2025 is history), and not a target reported met (完成…目标)."""
    if books.inside(marker.start()):
        return False
    if marker.group(1):
        return year is None or int(marker.group(1)) >= year
    return not (marker.group(0) == "目标" and _DONE_TARGET.search(norm[marker.start() - 10 : marker.end()]))


def _kind(norm: str, sentence_start: int, figure_start: int, markers: _KindMarkers) -> str:
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


def _date_hits(norm: str, books: _Spans) -> list[tuple[int, int, str, tuple[str, ...]]]:
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


class _Dates:
    """The date hits (sorted, never overlapping) with, at each, the last plain date up to it (not
    in a book title, not 当年), the last year (2024年) and the count of 当年: the date a sentence
    gives before a figure is then found by bisection."""

    def __init__(self, hits: list[tuple[int, int, str, tuple[str, ...]]], books: _Spans):
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


def _date(
    norm: str, dates: _Dates, books: _Spans, sentence_start: int, figure_start: int, published: str | None
) -> tuple[str | None, str]:
    """The date the sentence gives before the figure, else the publication date."""
    first, end = bisect_left(dates.starts, sentence_start), bisect_right(dates.ends, figure_start)
    if first >= end:
        return published, "published"
    title = books.index(sentence_start)
    if title is not None and books.spans[title][0] < sentence_start:
        # the sentence starts inside a book title (《…?…》): the titles are those of the sentence
        # itself, and a date after its cut-off opening is no longer in one
        own = [(m.start(), m.end()) for m in _BOOK.finditer(norm, sentence_start, figure_start)]
        in_sentence = dates.hits[first:end]
        plain = [h for h in in_sentence if not _inside(h[0], own) and h[2] != "that_year"]
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


# ---- spans and quotes


class _Occurrences:
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


class _Spans:
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


def _spans(norm: str, ends: str) -> list[tuple[int, int]]:
    """The maximal stretches without any of the characters `ends`."""
    return [(m.start(), m.end()) for m in re.finditer(f"[^{re.escape(ends)}]+", norm)]


def _cut(spans: list[tuple[int, int]], breaks: list[int], limit: int) -> list[tuple[int, int]]:
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


def _clause_breaks(norm: str) -> list[int]:
    """The index of every clause break (`_clause_break`), in order: found once for the document, so
    that a figure's clause is found by bisection rather than a walk to its ends."""
    return [m.start() for m in re.finditer(f"[{re.escape(_CLAUSE_END)}]", norm) if _clause_break(norm, m.start())]


def _clause(breaks: list[int], start: int, end: int, s_start: int, s_end: int) -> tuple[int, int]:
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


def _quote(doc: Normalised, start: int, end: int, figure_start: int, figure_end: int) -> str:
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


def _inside(index: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a <= index < b for a, b in spans)
