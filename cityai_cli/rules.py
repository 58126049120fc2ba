"""The rules, each stated once: what may be compared, what is a conflict, which fact headlines a
place's metric, and what a programme pays. Everything that compares, ranks or estimates calls
these functions; tests pin each on a small fixture.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from decimal import Decimal
from typing import Dict, Iterable, List, Optional, Tuple

from .dates import PartialDate
from .facts import Fact, MetricDef, Programme, Term
from .record import Frozen, _set

# The time rule: figures of one metric, scope and kind are compared (ranked, given a leader) when
# their reference dates are at most this many months apart. Stated here once; `--window` changes it.
WINDOW_MONTHS = 12


def date_span(date: PartialDate) -> Tuple[_dt.date, _dt.date]:
    """The first and last day a partial date covers: "2024" is 2024-01-01..2024-12-31, "2024-02"
    is 2024-02-01..2024-02-29, a day is itself."""
    year, month, day = (int(part) for part in (date.split("-") + ["0", "0"])[:3])
    if day:
        return _dt.date(year, month, day), _dt.date(year, month, day)
    if month:
        return _dt.date(year, month, 1), _dt.date(year, month, calendar.monthrange(year, month)[1])
    return _dt.date(year, 1, 1), _dt.date(year, 12, 31)


def add_months(day: _dt.date, months: int) -> _dt.date:
    """The same day `months` calendar months later, clamped to the month's end (01-31 + 1 = 02-29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return _dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def within_window(a: PartialDate, b: PartialDate, months: int = WINDOW_MONTHS) -> bool:
    """Whether two reference dates are at most `months` calendar months apart.

    A partial date stands for the interval it covers (a year, a month, a day), and the distance is
    the gap between the two intervals: the later one must start no later than `months` months
    after the earlier one ends. So with 12, 2024-12-31 and 2025-12-31 are comparable, 2026-01-01
    is not; "2024" (ending 2024-12-31) and "2025-12" are; "2023" and "2025" are not. With 0 only
    overlapping dates are: the same day, or a day, month or year and the year or month holding it.
    """
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
    """The fact with the latest reference date (a year or month read as its end; the first of equals):
    the anchor of the window that `rank` and `compare` compare within. Undated facts never are."""
    dated = [f for f in facts if f.date is not None]
    return max(dated, key=lambda f: date_span(f.date)[1]) if dated else None  # type: ignore[arg-type]


def conflict_group(fact: Fact) -> tuple:
    """Facts that may contradict each other: one place, metric, scope and kind, the same calendar
    year. (Not the comparison window: two figures of one place months apart may both be true.)"""
    return (fact.place, fact.metric, fact.scope, fact.kind, fact.date.year if fact.date else None)


def same_value(a: Fact, b: Fact) -> bool:
    """Whether two facts state the same figure (2600余家 = 2600多家; 超2800家 ≠ 2600余家)."""
    x, y = a.value, b.value
    return (x.value, x.upper, x.bound) == (y.value, y.upper, y.bound)


def conflicts(facts: Iterable[Fact]) -> List[Tuple[Fact, Fact]]:
    """Every pair of facts about one place that are comparable but disagree, each pair once: group
    by group (place, metric, scope, kind, year) in the order their first facts come, and in each
    group in the order of the first fact of a pair, then the second.

    The first fact of a group that holds a pair disagrees with some other (two values at least), so
    it is in a pair itself: any list in the same order holding both facts of every pair gives the
    same answer (the compiled cache reads only the facts in a conflict). Grouping first keeps the
    cost to the size of a group (a handful), not the square of all facts.
    """
    facts = facts if isinstance(facts, list) else list(facts)
    if len(facts) < 2:  # most places state a metric once: no pair to compare
        return []
    groups: Dict[tuple, List[Fact]] = {}
    for fact in facts:
        if fact.date is not None:
            groups.setdefault(conflict_group(fact), []).append(fact)
    found = []
    for group in groups.values():
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                if not same_value(first, second):
                    found.append(tuple(sorted((first, second), key=lambda f: f.refers_to.sort_key())))
    return found  # type: ignore[return-value]


def headline(facts: Iterable[Fact], metric: MetricDef, as_of: Optional[PartialDate] = None) -> Optional[Fact]:
    """The fact that stands for a place's metric: the metric's main scope before others, then the
    latest date, then the most citations. With `as_of`, only facts known at or before it count
    (an actual by its date, a target by when it was set; "2024" is known at the end of 2024)."""
    candidates = [f for f in facts if as_of is None or f.known_by is None or f.known_by.at_or_before(as_of)]
    if len(candidates) < 2:  # nothing to choose between (most places state a metric once)
        return candidates[0] if candidates else None

    def key(fact: Fact) -> tuple:
        year, month, day, precision = fact.refers_to.sort_key()
        return (metric.scope_order(fact.scope), -year, -month, -day, precision, -len(fact.citations))

    return min(candidates, key=key)


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
