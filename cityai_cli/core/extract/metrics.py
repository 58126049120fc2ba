"""Which metric a figure measures (step 2 of `engine`): keyword hits (the longest wins), a
source framing its sentence (据…显示), and the closest hit by clause and sentence."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence

from ..figures.quantity import Quantity
from .normalised import to_simplified
from .spans import Spans

# A source that frames the whole sentence: 据胡润研究院发布《…》显示, 根据榜单显示.
_FRAME = re.compile(r"(?:据|根据|阐明)[^,。!?;\n]{0,60}?(?:显示|表明|统计)")


def keyword_hits(norm: str, metric_keywords: Mapping[str, Sequence[str]]) -> list[tuple[int, int, str]]:
    owner: dict[str, list[str]] = {}
    for metric, words in metric_keywords.items():
        for word in words:
            owner.setdefault(to_simplified(word), []).append(metric)
    if not owner:
        return []
    pattern = re.compile("|".join(map(re.escape, sorted(owner, key=len, reverse=True))))
    return [(m.start(), m.end(), metric) for m in pattern.finditer(norm) for metric in owner[m.group(0)]]


class Keywords:
    """Each metric's keyword hits in document order, so that a figure looks, by bisection, at the few
    hits of a metric that can be its best instead of at every hit of the document."""

    def __init__(self, hits: list[tuple[int, int, str]]):
        self.starts: dict[str, list[int]] = {}
        self.entries: dict[str, list[tuple[int, int, int]]] = {}  # (start, end, index in `hits`)
        for index, (start, end, metric) in enumerate(hits):
            self.starts.setdefault(metric, []).append(start)
            self.entries.setdefault(metric, []).append((start, end, index))


class Frames:
    """The keywords inside a source that frames its sentence (据胡润研究院发布《…》显示,北京以20家…;
    上海9家): the frame governs every figure after it up to the sentence's full stop (a ; does not
    end it). Kept by sentence, and only the first keyword of each metric there: every frame scores
    alike, so the first one a figure is in reach of decides."""

    def __init__(self, norm: str, hits: list[tuple[int, int, str]], full_sentences: Spans):
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


def metric_of(
    quantity: Quantity,
    match: re.Match,
    keywords: Keywords,
    dimensions: Mapping[str, str],
    units: Mapping[str, str],
    context_start: int,
    sentence,
    clause,
    frames: Iterable[tuple[str, int, int]] = (),
):
    """(metric, factor, keyword span) for the metric with the closest keyword, or None.
    `context_start`: where the second sentence before the figure's starts; `frames`: the keywords
    of the sources framing the figure (`Frames.covering`)."""
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
    """For one metric's hits (`Keywords.entries`), those from `context_start` to the sentence's
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
