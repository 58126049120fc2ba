"""`cite`: the evidence behind a fact or a programme — each citation's source and the paragraph
of the document around its quote, the quote marked, cut to a bounded window (`window`).

A quote matches its document ignoring whitespace (as `validate` checks it), so the paragraph is
found on whitespace-free text and the marks are placed back in the original.
"""

from __future__ import annotations

import functools
import re
from typing import Callable, Dict, List, Optional, Tuple

from ..errors import UsageError
from ..facts import Base
from ..records import Citation
from .common import Record, Result, fact_fields

OPEN, CLOSE = "[[", "]]"  # plain marks: they survive pipes, CSV and copy-paste


CONTEXT = 300  # characters shown at most on each side of a quote
_SENTENCE_END = "。！？；!?;"
ELLIPSIS = "…"  # where the paragraph was cut


def paragraph_of(document: str, quote: str) -> Optional[Tuple[str, int, int]]:
    """(text, start, end): the quote's paragraph cut to its window (`window`), and where the quote
    is in it; None when the quote is not in the document. The first paragraph (line) that holds
    the quote is taken; failing that, the lines around a quote that crosses a line break."""
    letters = [re.escape(ch) for ch in re.sub(r"\s+", "", quote)]
    if not letters:
        return None
    found = re.compile(r"[^\S\n]*".join(letters)).search(document) or re.compile(r"\s*".join(letters)).search(document)
    if not found:
        return None
    line_start = document.rfind("\n", 0, found.start()) + 1
    line_end = document.find("\n", found.end())
    return window(document, line_start, len(document) if line_end < 0 else line_end, found.start(), found.end())


def window(text: str, first: int, last: int, start: int, end: int) -> Tuple[str, int, int]:
    """What is shown of the paragraph text[first:last] around the quote text[start:end]: all of
    it (stripped) where it reaches at most CONTEXT characters beyond the quote on each side; else
    the whole sentences within CONTEXT of the quote on that side (a sentence too long for it:
    CONTEXT characters), an ellipsis marking the cut. A 4 MB document without a line break gave
    4 MB per citation (50 citations: 198 MB of CSV)."""
    while first < start and text[first].isspace():
        first += 1
    while last > end and text[last - 1].isspace():
        last -= 1
    before = after = ""
    if start - first > CONTEXT:
        ends = [found for found in (text.find(mark, start - CONTEXT, start) for mark in _SENTENCE_END) if found >= 0]
        first = min(ends) + 1 if ends else start - CONTEXT
        before = ELLIPSIS
    if last - end > CONTEXT:
        boundary = max(text.rfind(mark, end, end + CONTEXT) for mark in _SENTENCE_END)
        last = boundary + 1 if boundary >= 0 else end + CONTEXT
        after = ELLIPSIS
    shown = before + text[first:last] + after
    return shown, start - first + len(before), end - first + len(before)


def marked(document: str, quote: str) -> Optional[str]:
    located = paragraph_of(document, quote)
    if located is None:
        return None
    text, start, end = located
    return text[:start] + OPEN + text[start:end] + CLOSE + text[end:]


def _evidence(base: Base, citation: Citation, read: Callable[[str], Optional[str]], role: str) -> Record:
    source = base.sources.get(citation.source)
    document = read(citation.source)
    return {
        "role": role,
        "source": citation.source,
        "title": source.title if source else None,
        "publisher": source.publisher if source else None,
        "published": str(source.published) if source else None,
        "quote": citation.quote,
        "value_as_written": citation.text or None,
        "note": citation.note or None,
        "paragraph": marked(document, citation.quote) if document is not None else None,
    }


def _read_once(read: Callable[[str], Optional[str]]) -> Callable[[str], Optional[str]]:
    """`read`, each source's document read (and decoded) once for all the citations of a command."""
    return functools.lru_cache(maxsize=None)(read)


def cite_fact(base: Base, place: str, metric: str, read: Callable[[str], Optional[str]]) -> Result:
    read = _read_once(read)
    rows = []
    facts = base.facts_of(place, metric)
    if not facts:
        raise UsageError(
            f"{place} has no {metric} figure", code="cite.no_figure", params={"place": place, "metric": metric}
        )
    for fact in facts:
        for citation in fact.citations:
            rows.append(
                {"place": place, "metric": metric, **fact_fields(fact), **_evidence(base, citation, read, "fact")}
            )
    return Result("cite", rows, {"place": place, "metric": metric})


def cite_programme(base: Base, name: str, read: Callable[[str], Optional[str]]) -> Result:
    read = _read_once(read)
    matches = [p for p in base.programmes if p.name == name]
    if not matches:
        close = [p.name for p in base.programmes if name in p.name or p.name in name]
        raise UsageError(
            f"no programme named {name!r}",
            close[:3],
            code="cite.no_programme",
            params={"name": name, "suggestions": close[:3]},
        )
    rows: List[Record] = []
    for programme in matches:
        for citation in programme.citations:
            rows.append(
                {"place": programme.place, "programme": programme.name, **_evidence(base, citation, read, "programme")}
            )
        terms: Dict[str, object] = {"pool": programme.pool, "rate": programme.rate, "cap": programme.cap}
        terms.update({f"special_rates[{i}]": t for i, t in enumerate(programme.special_rates)})
        for role, term in terms.items():
            if term is not None:
                rows.append(
                    {
                        "place": programme.place,
                        "programme": programme.name,
                        **_evidence(
                            base,
                            Citation(term.source, term.quote, term.value.text, term.note),  # type: ignore[attr-defined]
                            read,
                            role,
                        ),
                    }
                )
    return Result("cite", rows, {"programme": name})
