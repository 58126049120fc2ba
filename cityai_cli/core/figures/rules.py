"""The rules, each stated once: what may be compared, what is a conflict, which fact headlines a
place's metric, and what a programme pays. Everything that compares, ranks or estimates calls
these functions; tests pin each on a small fixture.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_left, bisect_right
from collections import Counter
from decimal import Decimal
from typing import Dict, Iterable, List, Optional, Set, Tuple

from ..records import Fact, MetricDef, Programme, Term
from ..slots import Frozen, _set
from .dates import PartialDate, bounds, days_in_month
from .quantity import Quantity

# The time rule: figures of one metric, scope and kind are compared (ranked, given a leader) when
# their reference dates are at most this many months apart. Stated here once; `--window` changes it.
WINDOW_MONTHS = 12


def date_span(date: PartialDate) -> Tuple[_dt.date, _dt.date]:
    """The first and last day a partial date covers (`dates.bounds`: one rule for the time rule,
    the export and the CSV). A period ("2020/2024", a figure over 2020—2024年间) stands for its
    end, when the figure was current: "2024"."""
    return bounds(date.end)


def add_months(day: _dt.date, months: int) -> _dt.date:
    """The same day `months` calendar months later, clamped to the month's end (01-31 + 1 = 02-29)
    and to the last representable day (later than any date a base may hold: 9999-12-31)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > _dt.MAXYEAR:
        return _dt.date.max
    return _dt.date(year, month + 1, min(day.day, days_in_month(year, month + 1)))


def within_window(a: PartialDate, b: PartialDate, months: int = WINDOW_MONTHS) -> bool:
    """Whether two reference dates are at most `months` calendar months apart.

    A partial date stands for the interval it covers (a year, a month, a day), and the distance is
    the gap between the two intervals: the later one must start no later than `months` months
    after the earlier one ends. So with 12, 2024-12-31 and 2025-12-31 are comparable, 2026-01-01
    is not; "2024" (ending 2024-12-31) and "2025-12" are; "2023" and "2025" are not. With 0 only
    overlapping dates are: the same day, or a day, month or year and the year or month holding it.
    """
    if a == b:
        return True  # one interval overlaps itself (most figures of a ranking share a date)
    first_a, last_a = date_span(a)
    first_b, last_b = date_span(b)
    if last_a < first_b:
        return first_b <= add_months(last_a, months)
    if last_b < first_a:
        return first_a <= add_months(last_b, months)
    return True  # the intervals overlap


def comparable(a: Fact, b: Fact, window: int = WINDOW_MONTHS) -> Optional[str]:
    """None when `a` and `b` may be ranked against each other, else why not (a stable code).

    Two facts are comparable only with the same metric, scope key and kind, and reference dates at
    most `window` months apart (`within_window`; a `published` date counts as the date the figure
    was current). A target without a deadline is comparable with nothing. So 北京's 核心产业 is
    never ranked against 深圳's 人工智能产业, a forecast never against a target, 2023 never against 2025.
    """
    if a.metric != b.metric:
        return "different_metric"
    if a.scope != b.scope:
        return "different_scope"
    if a.kind != b.kind:
        return "different_kind"
    if a.date is None or b.date is None:
        return "no_deadline"
    if not within_window(a.date, b.date, window):
        return "outside_window"
    return None


def newest(facts: Iterable[Fact]) -> Optional[Fact]:
    """The fact whose reference date starts last (then ends last; the first of equals): the anchor
    of the window that `rank` and `compare` compare within. Undated facts never are.

    By its start, not its end: every figure then starts no later than the anchor, so two figures
    each within the window of the anchor are within it of each other. Anchored on a year ("2025",
    ending 2025-12-31), 2025-01-01 and 2025-12-31 were both "within 0 months" of it."""
    dated = [f for f in facts if f.date is not None]
    return max(dated, key=lambda f: date_span(f.date)) if dated else None  # type: ignore[arg-type]


def conflict_group(fact: Fact) -> tuple:
    """Facts that may contradict each other: one place, metric, scope and kind, the same calendar
    year; within it, only figures of the same time do (`same_time`). (Not the comparison window:
    two figures of one place months apart may both be true.)"""
    return (fact.place, fact.metric, fact.scope, fact.kind, fact.date.year if fact.date else None)


def same_value(a: Fact, b: Fact) -> bool:
    """Whether two facts state the same figure (2600余家 = 2600多家; 超2800家 ≠ 2600余家)."""
    x, y = a.value, b.value
    return (x.value, x.upper, x.bound) == (y.value, y.upper, y.bound)


# ---- bounds as intervals -------------------------------------------------------------------------
# 约X / X左右 stand for X give or take this share (约2400家: 2280..2520家); 近X for up to it (近200个:
# 190..200). Stated once; `interval` is the only reader.
APPROX_TOLERANCE = Decimal("0.05")
_INFINITY = Decimal("Infinity")

# An end of an interval is (value, side): side -1 just below the value (an open upper end), 0 the
# value itself (closed), +1 just above it (an open lower end). Tuples order them: (2400, 0) <
# (2400, 1), so 超2400 (lower end (2400, +1)) lies wholly above 2400 (upper end (2400, 0)).
End = Tuple[Decimal, int]


def interval(quantity: Quantity) -> Tuple[End, End]:
    """The values a figure allows, as (lowest, highest) ends.

    超X / 逾X / 突破X / X余 / X多: more than X; X以上 / 不少于X / 不低于X: X or more; 最高X / 不超过X /
    最多X: X or less; 不到X: less than X; 约X / X左右: X ± APPROX_TOLERANCE; 近X: up to X from
    X − APPROX_TOLERANCE; a range a-b: a to b; a plain or 达 figure: exactly X."""
    x, qualifier = quantity.value, quantity.qualifier
    bound = quantity.bound
    if bound == "range":
        return (x, 0), (quantity.upper, 0)  # type: ignore[return-value]
    if bound == "lower":
        return (x, 0 if qualifier == "以上" else 1), (_INFINITY, 0)
    if bound == "at_least":
        return (x, 0), (_INFINITY, 0)
    if bound == "upper":
        return (-_INFINITY, 0), (x, -1 if qualifier == "不到" else 0)
    if bound == "approx":
        low, high = sorted((x * (1 - APPROX_TOLERANCE), x if qualifier == "近" else x * (1 + APPROX_TOLERANCE)))
        return (low, 0), (high, 0)
    return (x, 0), (x, 0)


def can_both_hold(a: Quantity, b: Quantity) -> bool:
    """Whether two figures of one thing can both be true: their intervals meet (超2400 and 约2400
    do; 突破4500亿 and 突破4000亿 do; 2400 and 超2400 do not)."""
    (a_low, a_high), (b_low, b_high) = interval(a), interval(b)
    return a_low <= b_high and b_low <= a_high


def certainly_better(a: Quantity, b: Quantity, higher_is_better: bool = True) -> bool:
    """Whether every value `a` allows beats every value `b` allows: the one rule of order that
    `rank` and `compare` use (超2800 beats 约2400; 2800 and 约2800 cannot be told apart)."""
    if higher_is_better:
        return interval(a)[0] > interval(b)[1]
    return interval(a)[1] < interval(b)[0]


class Bounds:
    """The intervals of some figures, each made once and sorted once: what `positions` and
    `undecided` read (rank asks both of every figure: at 3,000 figures, ~1 ms made again)."""

    def __init__(self, quantities: List[Quantity]):
        self.ends = [interval(q) for q in quantities]
        self._lows: Optional[List[End]] = None
        self._highs: Optional[List[End]] = None

    def lows(self) -> List[End]:
        if self._lows is None:
            self._lows = sorted(low for low, _ in self.ends)
        return self._lows

    def highs(self) -> List[End]:
        if self._highs is None:
            self._highs = sorted(high for _, high in self.ends)
        return self._highs

    def positions(self, higher_is_better: bool = True) -> List[int]:
        """Each figure's rank: 1 + how many figures certainly beat it (`certainly_better`), so
        figures the bounds cannot tell apart share a rank. Sorted ends and bisection: n log n."""
        if higher_is_better:  # g beats f when g's lowest end is above f's highest
            lows = self.lows()
            return [1 + len(lows) - bisect_right(lows, high) for _, high in self.ends]
        highs = self.highs()
        return [1 + bisect_left(highs, low) for low, _ in self.ends]

    def undecided(self, which: Optional[Iterable[int]] = None) -> List[bool]:
        """Whether each figure can hold together with some other figure of a different interval:
        the bounds cannot order the two, whatever their ranks (约105 against 100 and 110: 约105
        shares rank 1 with 110, yet may lie below 100 at rank 2, so 100 is undecided too).
        n log n: the intervals meeting a figure's are those starting at or below its highest end
        less those ending below its lowest end; identical intervals are the same figure, not a
        tie. `which`: only the figures at these indexes, in that order (the rows `rank --top`
        prints)."""
        ends = self.ends
        lows, highs = self.lows(), self.highs()
        same = Counter(ends)
        asked = ends if which is None else [ends[i] for i in which]
        return [bisect_right(lows, high) - bisect_left(highs, low) > same[(low, high)] for low, high in asked]


def positions(quantities: List[Quantity], higher_is_better: bool = True) -> List[int]:
    """`Bounds.positions` of the figures."""
    return Bounds(quantities).positions(higher_is_better)


def undecided(quantities: List[Quantity], which: Optional[Iterable[int]] = None) -> List[bool]:
    """`Bounds.undecided` of the figures."""
    return Bounds(quantities).undecided(which)


def tightest(quantities: List[Quantity]) -> int:
    """The index of the narrowest of figures that can all hold together (突破4500亿 of 突破4000亿
    and 突破4500亿): bounded on both sides before one side, then the narrower, then the higher
    lower bound or the lower upper bound; the first of equals."""

    def key(index: int) -> tuple:
        (low, _), (high, _) = interval(quantities[index])
        open_ends = (low == -_INFINITY) + (high == _INFINITY)
        if open_ends == 0:
            return (0, high - low, 0, index)
        return (open_ends, 0, -low if high == _INFINITY else high, index)

    return min(range(len(quantities)), key=key)


def consistent(quantities: List[Quantity]) -> bool:
    """Whether figures can all hold together (on a line, when every pair can: the highest lowest
    end is at most the lowest highest end)."""
    ends = [interval(q) for q in quantities]
    return max(low for low, _ in ends) <= min(high for _, high in ends)


def is_ceiling(target: Quantity, higher_is_better: bool = True) -> bool:
    """Whether a target is met at or below it: one stated as a ceiling (不超过 / 最高 / 不到X), or,
    where less is better (a rank), any target but a floor (超 / 不少于X)."""
    low, high = interval(target)
    return low[0] == -_INFINITY or (high[0] != _INFINITY and not higher_is_better)


def attainment(target: Quantity, actual: Quantity, higher_is_better: bool = True) -> str:
    """met | not_met | undecided: whether every value the actual allows meets the target (超20%
    asks for more than 20%; 约35% is 33.25-36.75%: met), none does (not_met), or the bounds
    cannot say. A target that is a ceiling (不超过 / 最高 / 不到X) is met at or below it, one that
    is a floor (超 / 不少于X) at or above it, whichever way the metric grows; any other target
    (X, 约X, a range) is met beyond it in the metric's direction (a rank: at or below)."""
    (t_low, t_high), (a_low, a_high) = interval(target), interval(actual)
    if is_ceiling(target, higher_is_better):
        return "met" if a_high <= t_high else "not_met" if a_low > t_high else "undecided"
    return "met" if a_low >= t_low else "not_met" if a_high < t_low else "undecided"


# ---- conflicts: contradictions found by sorting, never by building every pair ------------------


def same_time(a: PartialDate, b: PartialDate) -> bool:
    """Whether two reference dates may name the same moment: one holds the other ("2024" and
    "2024-06-30", "2024-06" and "2024-06-30") or they are equal. Figures at different moments
    may both be true (2400家 in 2024-03, 2600家 at 2024-12-31: growth, not a contradiction)."""
    return within_window(a, b, 0)


def contradicting(fact: Fact, others: Iterable[Fact]) -> List[Fact]:
    """The facts of `others` in `fact`'s conflict group, of the same time (`same_time`), whose
    figure cannot hold with its (one pass)."""
    group = conflict_group(fact)
    return [
        other
        for other in others
        if other is not fact
        and other.date is not None
        and conflict_group(other) == group
        and same_time(fact.date, other.date)  # type: ignore[arg-type]
        and not can_both_hold(fact.value, other.value)
    ]


def _groups(facts: Iterable[Fact]) -> Dict[tuple, List[Fact]]:
    groups: Dict[tuple, List[Fact]] = {}
    for fact in facts:
        if fact.date is not None:
            groups.setdefault(conflict_group(fact), []).append(fact)
    return groups


def contradicted(facts: Iterable[Fact]) -> List[Fact]:
    """Every fact whose figure cannot hold with some other of its conflict group and time, in the
    order given: its highest end lies below the highest lowest end of the figures of its time, or
    its lowest end above their lowest highest end. Those figures are the ones dated at its date's
    ancestors or in its date's subtree (`_group_conflicts`), so one pass gathers each date's own
    and subtree extremes and a second tests each fact: linear in the group."""
    facts = facts if isinstance(facts, list) else list(facts)
    found: Set[int] = set()
    for group in _groups(facts).values():
        if len(group) < 2:
            continue
        ends = [interval(f.value) for f in group]
        own: Dict[str, List[End]] = {}
        subtree: Dict[str, List[End]] = {}
        for fact, (low, high) in zip(group, ends):
            date = str(fact.date)
            for table, keys in ((own, (date,)), (subtree, {date, date[:7], date[:4]})):
                for key in keys:
                    top_low, bottom_high = table.setdefault(key, [low, high])
                    table[key] = [max(top_low, low), min(bottom_high, high)]
        for fact, (low, high) in zip(group, ends):
            date = str(fact.date)
            extremes = [subtree[date]] + [own[a] for a in {date[:7], date[:4]} - {date} if a in own]
            if high < max(e[0] for e in extremes) or low > min(e[1] for e in extremes):
                found.add(id(fact))
    return [f for f in facts if id(f) in found]


def conflicts(facts: Iterable[Fact]) -> List[Tuple[Fact, Fact]]:
    """Contradictions among facts (figures of one conflict group and time that cannot both hold),
    as pairs that name every contradicted fact at least once, at most one pair per fact: each fact
    is paired with its nearest contradicting figure above (the lowest lowest end above its highest
    end), or, with none above, below. So 1, 2 and 3 give (1, 2) and (2, 3): 1 against 3 follows.
    Sorting and bisection keep a group of n facts to n log n, whatever the number of pairs.

    Groups come in the order of their first facts, pairs in each group in the order of their
    first fact, then their second; each pair is ordered by date (earlier first). Facts in no
    contradiction change nothing, so the compiled cache may read only `contradicted` ones."""
    found: List[Tuple[Fact, Fact]] = []
    for group in _groups(facts).values():
        if len(group) > 1:
            found += _group_conflicts(group)
    return found


class _Sorted:
    """Facts of a conflict group sorted by lowest and by highest end, for the nearest figure
    entirely above or below a value."""

    def __init__(self, members: List[int], ends: List[Tuple[End, End]]):
        self.by_low = sorted(members, key=lambda i: (ends[i][0], i))
        self.lows = [ends[i][0] for i in self.by_low]
        self.by_high = sorted(members, key=lambda i: (ends[i][1], -i))
        self.highs = [ends[i][1] for i in self.by_high]

    def above(self, high: End) -> Optional[int]:

        at = bisect_right(self.lows, high)
        return self.by_low[at] if at < len(self.lows) else None

    def below(self, low: End) -> Optional[int]:

        at = bisect_left(self.highs, low)
        return self.by_high[at - 1] if at else None


def _group_conflicts(group: List[Fact]) -> List[Tuple[Fact, Fact]]:
    # Partial dates of one year nest (year > month > day), so the figures of the same time as a
    # fact are those dated by its date's ancestors, and those in its date's subtree (itself
    # included): a sorted list per date for its own facts and one for its subtree, each fact in
    # at most three subtrees, keep the group to n log n.
    ends = [interval(f.value) for f in group]
    own: Dict[str, List[int]] = {}
    subtree: Dict[str, List[int]] = {}
    for i, fact in enumerate(group):
        date = str(fact.date)
        own.setdefault(date, []).append(i)
        for prefix in {date, date[:7], date[:4]}:
            subtree.setdefault(prefix, []).append(i)
    # sorted on first use: a group of one date needs its subtree's list only
    own_sorted: Dict[str, _Sorted] = {}
    subtree_sorted: Dict[str, _Sorted] = {}

    def sorted_(table: Dict[str, _Sorted], members: Dict[str, List[int]], date: str) -> _Sorted:
        if date not in table:
            table[date] = _Sorted(members[date], ends)
        return table[date]

    pairs = set()
    for i, fact in enumerate(group):
        date = str(fact.date)
        ancestors = [a for a in {date[:7], date[:4]} - {date} if a in own]
        lists = [sorted_(subtree_sorted, subtree, date)] + [sorted_(own_sorted, own, a) for a in ancestors]
        low, high = ends[i]
        above = [j for j in (each.above(high) for each in lists) if j is not None]
        if above:
            j = min(above, key=lambda j: (ends[j][0], j))
        else:
            below = [j for j in (each.below(low) for each in lists) if j is not None]
            if not below:
                continue
            j = max(below, key=lambda j: (ends[j][1], -j))
        pairs.add((min(i, j), max(i, j)))
    ordered = []
    for i, j in sorted(pairs):
        first, second = group[i], group[j]
        ordered.append(
            (first, second) if first.refers_to.sort_key() <= second.refers_to.sort_key() else (second, first)
        )
    return ordered


def variants(facts: Iterable[Fact]) -> List[Tuple[Fact, Fact]]:
    """Figures that differ but can all hold (超2400 and 约2400), as (shown, variant) pairs.

    Each conflict group is swept in order of lowest end into clusters that share a value (a
    cluster closes when the next lowest end passes the smallest highest end so far); in each,
    the `tightest` figure is the one shown, paired with every member stating another figure."""
    found: List[Tuple[Fact, Fact]] = []
    for group in _groups(facts).values():
        if len(group) < 2:
            continue
        ends = [interval(f.value) for f in group]
        cluster: List[int] = []
        ceiling: Optional[End] = None
        for i in sorted(range(len(group)), key=lambda i: (ends[i][0], i)):
            if cluster and ceiling is not None and ends[i][0] > ceiling:
                found += _cluster_variants(group, cluster)
                cluster, ceiling = [], None
            cluster.append(i)
            ceiling = ends[i][1] if ceiling is None else min(ceiling, ends[i][1])
        found += _cluster_variants(group, cluster)
    return found


def _cluster_variants(group: List[Fact], cluster: List[int]) -> List[Tuple[Fact, Fact]]:
    members = [group[i] for i in sorted(cluster)]
    shown = members[tightest([f.value for f in members])]
    return [(shown, f) for f in members if not same_value(f, shown)]


def headline(facts: Iterable[Fact], metric: MetricDef, as_of: Optional[PartialDate] = None) -> Optional[Fact]:
    """The fact that stands for a place's metric: the metric's main scope before others, then the
    latest date, then, among figures of that date that can all hold, the tightest (突破4500亿 over
    突破4000亿), else the most citations. With `as_of`, only facts known at or before it count (an
    actual by its date, a target by when it was set; "2024" is known at the end of 2024)."""
    candidates = [f for f in facts if as_of is None or f.known_by is None or f.known_by.at_or_before(as_of)]
    if len(candidates) < 2:  # nothing to choose between (most places state a metric once)
        return candidates[0] if candidates else None

    def key(fact: Fact) -> tuple:
        year, month, day, precision = fact.refers_to.sort_key()
        return (metric.scope_order(fact.scope), -year, -month, -day, precision)

    best = min(key(f) for f in candidates)
    tied = [f for f in candidates if key(f) == best]
    if len(tied) > 1 and consistent([f.value for f in tied]):
        return tied[tightest([f.value for f in tied])]
    return min(tied, key=lambda f: -len(f.citations))


def better(metric: MetricDef, fact: Fact) -> tuple:
    """Sort key putting the better figure first (qualifier-aware: 超2800 before 2800 before 约2800)."""
    sign = -1 if metric.higher_is_better else 1
    return tuple(sign * part for part in fact.value.sort_key())


class Estimate(Frozen):
    """What a contract would get back. `code` says which rule applied (fund | rate_unknown |
    cap_unknown | cap_unclear | capped | within_cap); amounts are CNY; `special` is the special rate used, if any;
    `rate_bound` qualifies the rate used and `bound` the payout (quantity bounds: exact, upper …)."""

    __slots__ = ("code", "payout", "rate", "gross", "special", "rate_bound", "bound")
    code: str
    payout: Optional[Decimal]
    rate: Optional[Decimal]
    gross: Optional[Decimal]
    special: Optional[Term]
    rate_bound: Optional[str]
    bound: Optional[str]

    def __init__(
        self,
        code: str,
        payout: Optional[Decimal] = None,
        rate: Optional[Decimal] = None,
        gross: Optional[Decimal] = None,
        special: Optional[Term] = None,
        rate_bound: Optional[str] = None,
        bound: Optional[str] = None,
    ):
        _set(self, "code", code)
        _set(self, "payout", payout)
        _set(self, "rate", rate)
        _set(self, "gross", gross)
        _set(self, "special", special)
        _set(self, "rate_bound", rate_bound)
        _set(self, "bound", bound)


def estimate(programme: Programme, category: str, spend: Decimal, flags: Iterable[str] = ()) -> Estimate:
    """min(rate × spend, per-recipient cap), a special rate replacing the rate when the recipient
    qualifies. Unknown terms are never zero: without a rate, or a cap, there is no estimate; a fund
    is an investment vehicle and gets none."""
    if category == "fund":
        return Estimate("fund")
    special = None
    if programme.special_rates and flags:  # most have none: `subsidies --top` estimates every programme
        wanted = set(flags)
        special = next((term for term in programme.special_rates if term.flag in wanted), None)
    term = special or programme.rate
    if term is None:
        return Estimate("rate_unknown")
    rate, rate_bound = term.value.value, term.value.bound
    gross = rate * spend
    if programme.cap is None:
        return Estimate("cap_unknown", None, rate, gross, special, rate_bound)
    cap, cap_bound = programme.cap.value.value, programme.cap.value.bound
    bound = payout_bound(rate_bound, gross >= cap, cap_bound, programme.cap.value.qualifier == "不到")
    if bound is None:
        return Estimate("cap_unclear", None, rate, gross, special, rate_bound)
    if gross > cap:
        return Estimate("capped", cap, rate, gross, special, rate_bound, bound)
    return Estimate("within_cap", gross, rate, gross, special, rate_bound, bound)


def payout_bound(rate_bound: str, at_cap: bool, cap_bound: str = "upper", cap_below: bool = False) -> Optional[str]:
    """How exact a payout is, from how its rate and its cap are qualified; None when nothing true
    can be said (no estimate). `at_cap`: rate × spend at or above the cap's value; `cap_below`: a
    cap of 不到X (less than X).

    - A cap of exactly X (最高X, X): a rate of at most or about r gives at most or about the
      payout; a rate of r or more (exact, 超, 不低于, a range from r) that reaches X gives X exactly
      (any rate above reaches it too), and below X is qualified as its rate (a range: at least).
    - A cap that is no ceiling (不少于X, a range from X): reached, it pays at least X, unknown with a
      rate of at most or about r; below X the payout is qualified as its rate.
    - A cap of only about X, or less than X: the ceiling itself is uncertain, so an exact or about
      rate gives about (less than X: at most) the payout; a rate of at most r gives at most the
      payout below the cap and nothing at it; a rate of r or more, nothing.
    """
    rate_more = rate_bound in ("lower", "at_least", "range")
    as_rate = "at_least" if rate_bound == "range" else rate_bound
    if cap_bound in ("lower", "at_least", "range"):
        if at_cap:
            return None if rate_bound in ("upper", "approx") else "at_least"
        return as_rate
    if cap_bound == "approx" or cap_below:
        if rate_bound == "upper":
            return None if at_cap else "upper"
        if rate_more:
            return None
        return "upper" if cap_below else "approx"
    if rate_bound in ("upper", "approx"):
        return rate_bound
    return "exact" if at_cap else as_rate
