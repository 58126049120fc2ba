"""`cite`: the evidence behind a fact or a programme — each citation's source and the paragraph
of the document around its quote, the quote marked.

A quote matches its document ignoring whitespace (as `validate` checks it), so the paragraph is
found on whitespace-free text and the marks are placed back in the original.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional, Tuple

from ..errors import UsageError
from ..facts import Base, Citation
from .common import Record, Result, fact_fields

OPEN, CLOSE = "[[", "]]"  # plain marks: they survive pipes, CSV and copy-paste


def paragraph_of(document: str, quote: str) -> Optional[Tuple[str, int, int]]:
    """(paragraph, start, end) of the quote inside its paragraph, or None when it is not there."""
    pattern = re.compile(r"\s*".join(re.escape(ch) for ch in re.sub(r"\s+", "", quote)))
    for paragraph in document.split("\n"):
        found = pattern.search(paragraph)
        if found:
            return (
                paragraph.strip(),
                found.start() - (len(paragraph) - len(paragraph.lstrip())),
                found.end() - (len(paragraph) - len(paragraph.lstrip())),
            )
    found = pattern.search(document)  # a quote across a line break: the lines around it
    if found:
        start = document.rfind("\n", 0, found.start()) + 1
        end = document.find("\n", found.end())
        end = len(document) if end < 0 else end
        return document[start:end], found.start() - start, found.end() - start
    return None


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


def cite_fact(base: Base, place: str, metric: str, read: Callable[[str], Optional[str]]) -> Result:
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
