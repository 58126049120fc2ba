"""Which place a figure is about (step 3 of `engine`): place mentions, the document's subject,
lists of places (a shared rank, a collective, 分别), and leading groups."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass

from ..figures.quantity import Quantity
from . import gazetteer
from .figure_finder import figure_of, parsed_figure
from .normalised import to_simplified
from .spans import Occurrences, Spans

# How far back (normalised characters) the subject of an earlier sentence may stand; a blank
# line (a new section) is never crossed.
SUBJECT_REACH = 160


# A place name that is part of an organisation's name (浙江大学, 深圳数据交易所) is not a place.
_ORGANISATION = re.compile(r"^(?:大学|学院|研究院|社会科学院|实验室|日报|移动|电视台|数据交易所|交易所|中院|卫视)")


_RESPECTIVELY = re.compile(r"分别|分歧")


# Between the places and a membership word said of them: an adverb, a verb, the whole ranked
# (北京、上海均跻身全国前列); a noun between makes the word another finding's (see `_leading_group`).
_MEMBER_SUBJECT = re.compile(r"(?:均|都|也|皆|亦|同样)?(?:位居|位列|名列|跻身|走在|居于|处于|位于|居)?(?:全国|国内)?")


_LIST_JOIN = re.compile(r"^(?:、|和|与|及|,)$")


# "我国" names the country when the caller's places know 中国.
_DEICTIC = {"我国": "中国", "内地": "中国"}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str
    known: bool


def place_mentions(norm: str, places: Mapping[str, str], books: Spans) -> list[Mention]:
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
        mention = Mention(match.start(), match.end(), name, known)
        if mentions and mentions[-1].end == mention.start:
            mentions[-1] = mention  # 深圳市福田区: the more specific, later name
        else:
            mentions.append(mention)
    return mentions


def document_subject(mentions: list[Mention]) -> Mention | None:
    """The country, when the document names it (中国, 我国, 内地): the subject of the figures no
    place is in reach of (23个省份明确提及…, 2024年全国人工智能产业规模突破7000亿元)."""
    country = set(_DEICTIC.values())
    return next((m for m in mentions if m.name in country and m.known), None)


class Mentions:
    """The place mentions in document order, which never overlap: the last one before a position
    and the first one after it are found by bisection, not by a scan of them all for every figure."""

    def __init__(self, mentions: list[Mention]):
        self.all = mentions
        self.starts = [m.start for m in mentions]
        self.ends = [m.end for m in mentions]
        self.index_of = {m.start: index for index, m in enumerate(mentions)}

    def last_ending_by(self, position: int, not_before: int) -> Mention | None:
        """The last mention ending at or before `position`, if it starts at or after `not_before`."""
        index = bisect_right(self.ends, position) - 1
        return self.all[index] if index >= 0 and self.all[index].start >= not_before else None

    def first_starting_from(self, position: int, ending_by: int) -> Mention | None:
        """The first mention starting at or after `position`, if it ends at or before `ending_by`."""
        index = bisect_left(self.starts, position)
        return self.all[index] if index < len(self.all) and self.all[index].end <= ending_by else None

    def within(self, start: int, end: int) -> list[Mention]:
        """The mentions inside [start, end), in order."""
        return self.all[bisect_left(self.starts, start) : bisect_right(self.ends, end)]


def places_of(
    mentions: Mentions,
    match: re.Match,
    clause,
    sentence,
    paragraphs: Spans,
    quantity: Quantity,
    sentences: Spans,
    known: Mapping[str, str],
    collectives: Occurrences,
) -> list[tuple[Mention, float]]:
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


def _leading_group(match: re.Match, mentions: Mentions, last: Mention | None, sentence) -> list[tuple[Mention, float]]:
    """北京、广东、上海、浙江、安徽、江苏位居前列: a membership word said of a list of places makes each
    of them a member of the leading group, with the same value (a group has no order). Only of places
    it follows directly in its clause (with at most an adverb and a verb between, `_MEMBER_SUBJECT`):
    in 上海、杭州…南京入围企业数目位居前列 it is a noun of theirs that leads (the count of listed
    enterprises), another finding than the places' own membership, and a place further back is not
    what the word is said of (海南…,能源转型走在全国前列). Then no candidate: no member is invented."""
    if last is None or not _MEMBER_SUBJECT.fullmatch(match.string, last.end, match.start()):
        return []
    return [(mention, 1.0) for mention in _list_ending(match.string, mentions, last, sentence)]


def _list_ending(norm: str, mentions: Mentions, last: Mention, sentence) -> list[Mention]:
    """The places of the sentence listed up to `last` (北京、上海和深圳), in order; `[last]` alone
    when it ends no list."""
    end = mentions.index_of[last.start]
    head = end
    while _listed(norm, mentions, mentions.all[head], sentence):
        head -= 1
    return mentions.all[head : end + 1]


def _listed(norm: str, mentions: Mentions, mention: Mention, sentence) -> bool:
    """Whether `mention` follows another place of the sentence in a list (深圳、广州)."""
    index = mentions.index_of[mention.start]
    return (
        index > 0
        and mentions.all[index - 1].start >= sentence[0]
        and bool(_LIST_JOIN.match(_between(norm, mentions.all[index - 1], mention)))
    )


def _members(region: Mention, figure_start: int, known: Mapping[str, str], collectives: Occurrences) -> list[Mention]:
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
        count = parsed_figure(number + "个")
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
    return [Mention(region.start, region.end, known.get(member, member), member in known) for member in members]


class Respectively:
    """江苏、浙江、安徽…分别出现了7次、18次和11次: the n-th figure belongs to the n-th place. A
    sentence's list of places and figures after 分别 are read once, for all its figures."""

    def __init__(self, norm: str, mentions: Mentions, matches: list[re.Match]):
        self.norm, self.mentions, self.matches = norm, mentions, matches
        self.match_starts = [m.start() for m in matches]
        self.markers = Occurrences(_RESPECTIVELY, norm)
        # (sentence start, marker, sentence end) -> the listed places, each figure's position
        self.read: dict[tuple[int, int, int], tuple[list[Mention], dict[int, int]]] = {}

    def places(self, match: re.Match, sentence) -> list[tuple[Mention, float]] | None:
        marker = self.markers.first(sentence[0], match.start())
        if not marker:
            return None
        key = (sentence[0], marker.start(), sentence[1])
        if key not in self.read:
            self.read[key] = self._list_and_figures(marker.start(), sentence)
        chain, positions = self.read[key]
        position = positions.get(match.start())
        return None if position is None else [(chain[position], 0.9)]

    def _list_and_figures(self, marker_at: int, sentence) -> tuple[list[Mention], dict[int, int]]:
        """The places listed last before the marker and the position of each figure after it; no
        figure has one unless there are as many figures as places (two at least)."""
        norm = self.norm
        chain: list[Mention] = []
        for mention in self.mentions.within(sentence[0], marker_at):
            if chain and not _LIST_JOIN.match(_between(norm, chain[-1], mention)):
                chain = []
            chain.append(mention)
        after = self.matches[bisect_left(self.match_starts, marker_at) : bisect_left(self.match_starts, sentence[1])]
        figures = [m for m in after if m.end() <= sentence[1] and figure_of(norm, m)]
        if len(chain) < 2 or len(figures) != len(chain):
            return chain, {}
        return chain, {m.start(): position for position, m in enumerate(figures)}


def _between(norm: str, first: Mention, second: Mention) -> str:
    return norm[first.end : second.start]
