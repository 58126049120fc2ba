"""The rules, each stated once: what may be compared, what is a conflict, which fact headlines a
place's metric, and what a programme pays. Everything that compares, ranks or estimates calls
these functions; tests pin each on a small fixture.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Dict, Iterable, List, Optional, Tuple

from .dates import PartialDate
from .facts import Fact, MetricDef, Programme, Term
from .record import Frozen, _set


def comparable(a: Fact, b: Fact) -> Optional[str]:
    """None when `a` and `b` may be ranked against each other, else why not (a stable code).

    Two facts are comparable only with the same metric, scope key and kind, and dates in the same
    calendar year. A target without a deadline is comparable with nothing. So 北京's 核心产业 is
    never ranked against 深圳's 人工智能产业, a forecast never against a target, 2025 never against 2026.
    """
    if a.metric != b.metric:
        return "different_metric"
    if a.scope != b.scope:
        return "different_scope"
    if a.kind != b.kind:
        return "different_kind"
    if a.date is None or b.date is None:
        return "no_deadline"
    if a.date.year != b.date.year:
        return "different_year"
    return None


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
            groups.setdefault((fact.place, fact.metric, fact.scope, fact.kind, fact.date.year), []).append(fact)
    found = []
    for group in groups.values():
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                if comparable(first, second) is None and not same_value(first, second):
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
    bound = payout_bound(rate_bound, gross >= cap, cap_bound)
    if bound is None:
        return Estimate("cap_unclear", None, rate, gross, special, rate_bound)
    if gross > cap:
        return Estimate("capped", cap, rate, gross, special, rate_bound, bound)
    return Estimate("within_cap", gross, rate, gross, special, rate_bound, bound)


def payout_bound(rate_bound: str, at_cap: bool, cap_bound: str = "upper") -> Optional[str]:
    """How exact a payout is, from how its rate and its cap are qualified; None when nothing true
    can be said. A rate of at most r (最高/不超过) or about r gives at most, or about, the payout.
    Otherwise the rate is r or more (exact, 超, 不低于, a range from r): when r reaches the cap
    (`at_cap`: rate × spend at or above it), any rate above does too, so the payout is the cap, as
    exact as the cap is (最高100万元: 100万元 exactly; 约100万元: about); below the cap the payout is
    qualified as its rate (a range's low end: at least). A cap that is no ceiling (不少于100万元, a
    range 100-200万元) pays at least its value when reached, and with a rate of at most or about r
    the payout is unknown (None: no estimate)."""
    if at_cap and cap_bound in ("lower", "at_least", "range"):
        return None if rate_bound in ("upper", "approx") else "at_least"
    if rate_bound in ("upper", "approx"):
        return rate_bound
    if at_cap:
        return "approx" if cap_bound == "approx" else "exact"
    return "at_least" if rate_bound == "range" else rate_bound
