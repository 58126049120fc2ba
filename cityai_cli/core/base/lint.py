"""Checks that need the whole knowledge base: cross-references, units, aliases, provenance.

`check_structure` runs on every load (a base with an unknown metric is unusable).
`check_provenance` reads the seed documents and runs in `cityai validate` and in the tests:
every quote must occur in its document and every figure's number must occur in its quote.
A fact's citation checks the number as that source writes it (`value`), else the fact's.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from ..errors import Problem
from ..figures.dates import PartialDate
from ..figures.quantity import Quantity, canonical_unit
from ..files import ReadError
from ..name_index import metric_words, normalise, subsidy_type_words, unique_keys
from .reading import Loaded, format_path
from .schema import Fact, KnowledgeBase, Programme, Term

# Which dimensions each subsidy term may have.
TERM_DIMENSIONS = {"pool": ("money",), "cap": ("money",), "rate": ("ratio",), "special_rates": ("ratio",)}

_WHITESPACE = re.compile(r"\s+")
# Pinyin that one source inserts after characters, e.g. 發(fā); ignored when looking for a number.
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


def entries(loaded: Loaded) -> Iterator[Tuple[tuple, Any]]:
    """(location, item) for every fact, policy, programme, citation and programme term, in file order."""
    for name, place in loaded.kb.places.items():
        for kind in ("facts", "policies", "programmes"):
            for index, item in enumerate(getattr(place, kind)):
                location = ("places", name, kind, index)
                yield location, item
                for number, citation in enumerate(item.citations):
                    yield location + ("citations", number), citation
                if kind == "programmes":
                    for term_name in ("pool", "rate", "cap"):
                        if getattr(item, term_name) is not None:
                            yield location + (term_name,), getattr(item, term_name)
                    for number, term in enumerate(item.special_rates):
                        yield location + ("special_rates", number), term


def _agree(a: Quantity, b: Quantity) -> bool:
    """Two writings of one figure: 2600余家 and 2600多家 agree; so do 约2400家 and 超2400家 (one
    official count, about 2400 and more than 2400: both hold); 超2800家 and 2600余家 do not, nor
    超2400家 and 不到2400家."""
    if (a.value, a.upper, a.unit) != (b.value, b.upper, b.unit):
        return False
    return a.bound == b.bound or "approx" in (a.bound, b.bound)


def check_structure(loaded: Loaded) -> List[Problem]:
    """What makes a base unusable or wrong in itself: unknown references, figures in the wrong
    dimension, duplicates; run on every load, so it stays one pass over the entries."""
    kb, problems = loaded.kb, []

    def report(location: tuple, message: str) -> None:
        problems.append(loaded.problem_at(location, message))

    seen: Dict[tuple, tuple] = {}
    for location, item in entries(loaded):
        source = item.__dict__.get("source")  # a field, or none: __dict__ skips pydantic's slow miss
        if source and source not in kb.sources:
            report(location + ("source",), f"unknown source {source!r}{_hint(source, kb.sources)}")
        kind = location[2]
        if len(location) == 4 and kind == "facts":
            _check_fact(kb, location, item, seen, report)
        elif len(location) == 4 and kind == "programmes":
            _check_programme(kb, location, item, report)
        elif len(location) > 4 and kind == "programmes" and location[4] in TERM_DIMENSIONS:
            _check_term(location, item, report)
    if not kb.metrics:
        problems.append(
            Problem(
                loaded.display_path,
                "a knowledge base declares at least one metric ([metrics.KEY] with zh, en, dimension, unit and scopes)",
                None,
                None,
                "metrics",
            )
        )
    for name, place in kb.places.items():
        if place.city and place.city not in kb.places:
            report(("places", name, "city"), f"city {place.city!r} is not a place of the knowledge base")
    problems.extend(_duplicate_names(loaded))
    problems.extend(_borrowed_english_names(loaded))
    problems.extend(_actuals_after_their_sources(loaded))
    problems.extend(_fractional_counts(loaded))
    return problems


_Report = Callable[[tuple, str], None]


def _check_fact(kb: KnowledgeBase, location: tuple, fact: Fact, seen: Dict[tuple, tuple], report: _Report) -> None:
    """One fact against its metric, its citations and the facts before it (`seen`: identity ->
    location). One call per fact: this runs on every cold load."""
    metric = kb.metrics.get(fact.metric)
    if metric is None:
        report(location + ("metric",), f"unknown metric {fact.metric!r}{_hint(fact.metric, kb.metrics)}")
        return
    # the figure is of the metric's dimension (a count, of its unit) and its scope declared
    if fact.value.dimension != metric.dimension:
        report(
            location + ("value",),
            f"{fact.value.text!r} is {_describe(fact.value)}, but metric "
            f"{fact.metric!r} is measured in {metric.dimension} ({metric.unit or 'no unit'})",
        )
    elif metric.dimension == "count" and fact.value.unit != canonical_unit(metric.unit):
        # counts of different things share a dimension: 3倍 or 2500名 are no number of 家
        report(
            location + ("value",),
            f"{fact.value.text!r} counts {fact.value.unit}, but metric {fact.metric!r} counts {metric.unit}",
        )
    if fact.scope not in metric.scopes:
        report(
            location + ("scope",),
            f"scope {fact.scope!r} is not declared for metric {fact.metric!r} (declared: {', '.join(metric.scopes)})",
        )
    for number, citation in enumerate(fact.citations):
        if citation.value is not None and not _agree(citation.value, fact.value):
            report(
                location + ("citations", number, "value"),
                f"{citation.value.text!r} disagrees with the fact's value {fact.value.text!r}: a source "
                "that gives another figure is another fact (a conflict), not a citation of this one",
            )
    identity = (location[1], fact.metric, fact.scope, fact.kind, fact.date, fact.value.sort_key(), fact.value.upper)
    if identity in seen:
        report(
            location,
            f"the same fact as {format_path(seen[identity])} (same place, metric, scope, kind, date and "
            "value): merge them into one fact with both citations",
        )
    else:
        seen[identity] = location


def _check_programme(kb: KnowledgeBase, location: tuple, programme: Programme, report: _Report) -> None:
    if kb.subsidy_types and programme.type not in kb.subsidy_types:
        report(
            location + ("type",), f"unknown subsidy type {programme.type!r}{_hint(programme.type, kb.subsidy_types)}"
        )
    elif programme.eligibility and kb.subsidy_types and kb.subsidy_types[programme.type].category == "fund":
        report(
            location + ("eligibility",),
            "a fund is claimed by no one: eligibility says who may claim; say how it invests in note",
        )
    for number, special in enumerate(programme.special_rates):
        ceiling = _uncarried_ceiling(programme.rate, special)
        if ceiling and programme.rate is not None:  # a ceiling is only found on a rate
            report(
                location + ("special_rates", number, "value"),
                f"{special.value.text!r} raises the rate {programme.rate.value.text!r}, a ceiling, and keeps its "
                f"qualifier: write {ceiling!r}",
            )


def _check_term(location: tuple, term: Term, report: _Report) -> None:
    """A programme's pool and cap are money, its rates ratios."""
    term_kind = location[4]
    if term.value.dimension not in TERM_DIMENSIONS[term_kind]:
        expected = " or ".join(TERM_DIMENSIONS[term_kind])
        report(
            location + ("value",), f"{term.value.text!r} is {_describe(term.value)}; a {term_kind} must be {expected}"
        )


def _duplicate_names(loaded: Loaded) -> List[Problem]:
    """A Chinese name or curated alias naming two places, metrics or subsidy types is an error."""
    kb = loaded.kb
    groups = [
        ("places", {name: unique_keys(name, place) for name, place in kb.places.items()}, "name or alias"),
        ("metrics", {key: metric_words(key, m) for key, m in kb.metrics.items()}, "metric name or alias"),
        (
            "subsidy_types",
            {key: subsidy_type_words(key, s) for key, s in kb.subsidy_types.items()},
            "subsidy type name or alias",
        ),
    ]
    problems = []
    for name in kb.places:
        if not normalise(name):  # "" or blanks: nothing a user could type, nothing to show
            location = ("places", name)
            problems.append(
                Problem(
                    loaded.display_path,
                    "a place needs a name (the table key is empty)",
                    loaded.lines.line_of(location),
                    None,
                    format_path(location),
                )
            )
    for table, names, what in groups:
        owner: Dict[str, str] = {}
        for name, keys in names.items():
            for key in dict.fromkeys(keys):
                first = owner.setdefault(key, name)
                if first != name:
                    location = (table, name)
                    problems.append(loaded.problem_at(location, f"{what} {key!r} also names {first!r}"))
    return problems


def _fractional_counts(loaded: Loaded) -> List[Problem]:
    """A count (家, 个, 款 …) is a whole number: 1.5家 or 0.0000001家 validated and ranked. 1.2万家
    is 12,000, whole."""
    problems = []
    for name, place in loaded.kb.places.items():
        for index, fact in enumerate(place.facts):
            value = fact.value
            if value.dimension != "count":
                continue
            if any(number % 1 for number in (value.value, value.upper) if number is not None):
                location = ("places", name, "facts", index, "value")
                problems.append(
                    loaded.problem_at(location, f"{value.text!r} is no whole number of {value.unit}: a count is whole")
                )
    return problems


def _actuals_after_their_sources(loaded: Loaded) -> List[Problem]:
    """An actual figure is what a source reports as done: it cannot begin after every source that
    cites it was published. A layer's 超9000家 "actual" dated 2099 (its source of 2025) became the
    newest figure, and `rank` left every real figure outside the 12-month window, unranked. A
    figure still to come is a target or a forecast."""
    kb, problems = loaded.kb, []
    published = {key: (PartialDate(s.published).sort_key()[:3], s.published) for key, s in kb.sources.items()}
    for name, place in kb.places.items():
        for index, fact in enumerate(place.facts):
            if fact.kind != "actual" or not fact.date:
                continue
            latest = max((published[c.source] for c in fact.citations if c.source in published), default=None)
            if latest is not None and PartialDate(fact.date).start_key() > latest[0]:
                location, shown = ("places", name, "facts", index, "date"), latest[1]
                problems.append(
                    loaded.problem_at(
                        location,
                        f"an actual figure dated {fact.date} begins after its sources were published (by {shown}): "
                        "a figure still to come is a target or a forecast",
                    )
                )
    return problems


def _borrowed_english_names(loaded: Loaded) -> List[Problem]:
    """Two places read the same in English only when China's gazetteer names both so (台州 and
    泰州 are both Taizhou). A base of one's own could otherwise call a place 京城 (or "Beijing")
    in English "Beijing", and every English table would show two Beijings, one with its figures.
    The place listed first (the bundled base's before a layer's) keeps the name."""
    kb = loaded.kb
    shown: Dict[str, List[str]] = {}
    for name, place in kb.places.items():
        shown.setdefault(normalise(place.english or place.pinyin or name), []).append(name)
    shared = {english: names for english, names in shown.items() if len(names) > 1}
    if not shared:
        return []
    # lazy: the gazetteer only when two places read the same in English
    from ..extract.gazetteer import divisions

    known = divisions()

    def vouched(name: str, english: str) -> bool:
        return name in known and english in (normalise(known[name].english), normalise(known[name].pinyin))

    problems = []
    for english, (first, *others) in shared.items():
        for name in others:
            if vouched(first, english) and vouched(name, english):
                continue
            place, location = kb.places[name], ("places", name)
            text = place.english or place.pinyin or name
            problems.append(
                loaded.problem_at(
                    location, f"reads {text!r} in English, as {first!r} does; give it its own English name"
                )
            )
    return problems


def check_provenance(loaded: Loaded) -> List[Problem]:
    """Every source file exists; every quote is in its document; every number is in its quote."""
    kb, problems, documents = loaded.kb, [], {}
    for source_id, source in kb.sources.items():
        field: tuple = ("sources", source_id, "file")
        try:
            text = loaded.read_seed(source.file, loaded.base.sources[source_id].origin)
        except ReadError as error:
            problems.append(loaded.problem_at(field, f"source document {source.file!r} {error}"))
            continue
        documents[source_id] = squash(text)
        # the hash of the document's UTF-8 text, as `sources add` records it
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if source.sha256 and digest != source.sha256:
            where = ("sources", source_id, "sha256")
            problems.append(
                loaded.problem_at(where, f"{source.file} has changed since it was recorded (its SHA-256 is {digest})")
            )

    def problem(location: tuple, message: str) -> Problem:
        # Where a quote is (file, line, path) is looked up only for a problem: the lookups build
        # each file's line index, seconds for a large base whose quotes are all found.
        return loaded.problem_at(location + ("quote",), message, file_location=location)

    for location, item in entries(loaded):
        if "quote" not in item.__dict__:  # the entry's fields (pydantic's attribute miss is slow)
            continue
        cited = item.source or _owner_source(kb, location)
        if cited not in documents:
            continue
        if squash(item.quote) not in documents[cited]:
            problems.append(problem(location, f"quote not found in {kb.sources[cited].file}: {item.quote!r}"))
            continue
        value: Optional[Quantity] = item.__dict__.get("value")
        if value is None and location[2] == "facts" and location[-2] == "citations":
            value = kb.places[location[1]].facts[location[3]].value  # a citation checks its fact's number
        if value is not None and not number_in_quote(value, item.quote):
            message = f"number {value.literal!r} of {value.text!r} does not occur in the quote {item.quote!r}"
            problems.append(problem(location, message))
    return problems


def squash(text: str) -> str:
    """Whitespace is the only thing quote matching ignores."""
    return _WHITESPACE.sub("", text)


def number_in_quote(value: Quantity, quote: str) -> bool:
    """The number as the source writes it (2800, 1.2万, 九, 百亿, 1/3) occurs in the quote as a
    whole number: 28 is not in 超2800家, 1.7万 is not in 1.7万亿, 九 is not in 九十."""
    text = _PINYIN.sub("", squash(quote))
    literal = value.literal
    return _occurs_whole(literal, text) or _occurs_whole(literal.replace(",", ""), text.replace(",", ""))


_CN_NUMERAL_CHARS = set("零〇一二两兩三四五六七八九十百千万萬亿億")
_MAGNITUDE_CHARS = set("十百千万萬亿億")


def _occurs_whole(literal: str, text: str) -> bool:
    """`literal` occurs in `text` at number boundaries: an Arabic end is not next to a digit (nor
    to a decimal point or thousands comma and a digit, nor followed by a magnitude 万/亿), and a
    Chinese-numeral end is not inside a longer run of numeral characters."""
    if not literal:
        return False
    start = text.find(literal)
    while start >= 0:
        end = start + len(literal)
        before, after = text[start - 1 : start], text[end : end + 1]
        if literal[0].isdigit():
            clash = before.isdigit() or (before in (".", ",") and before and text[start - 2 : start - 1].isdigit())
        else:
            clash = bool(before) and literal[0] in _CN_NUMERAL_CHARS and before in _CN_NUMERAL_CHARS
        if literal[-1].isdigit():
            clash = (
                clash
                or after.isdigit()
                or after in _MAGNITUDE_CHARS
                or (after in (".", ",") and after and text[end + 1 : end + 2].isdigit())
            )
        elif literal[-1] in _CN_NUMERAL_CHARS:
            clash = clash or (bool(after) and after in _CN_NUMERAL_CHARS)
        if not clash:
            return True
        start = text.find(literal, start + 1)
    return False


_CEILINGS = ("最高", "不超过", "最多")
_RAISED = re.compile(r"(?:提高|提升|上调|上浮|增加)[^,;。,;]{0,8}?至\s*\d")


def _uncarried_ceiling(rate, special) -> str:
    """What a special rate should read when its quote raises the base rate (提高资助比例至60%) and
    the base rate is a ceiling (不超过50%) but the special rate is written without one (60%): the
    raised rate is a ceiling too (不超过60%), so an estimate with it is an upper bound. "" when fine."""
    if rate is None or rate.value.qualifier not in _CEILINGS or special.value.bound != "exact":
        return ""
    if not _RAISED.search(_PINYIN.sub("", squash(special.quote))):
        return ""
    return f"{rate.value.qualifier}{special.value.text}"


def _owner_source(kb, location: tuple) -> Optional[str]:
    """A programme term without its own source cites the programme's first citation."""
    return kb.places[location[1]].programmes[location[3]].citations[0].source


def _hint(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(map(repr, close))}?)" if close else ""


def _describe(value: Quantity) -> str:
    return f"a {value.dimension} figure" + (f" in {value.unit}" if value.unit else "")
