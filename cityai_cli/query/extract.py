"""`extract`: candidate facts from a new document, checked against the knowledge base.

Reading the document (UTF-8 text, Markdown, or HTML with its tags stripped) is here; finding
figures is `extract.engine.extract`, which is pure. A candidate is `known` when the base already
holds a fact with the same place, metric and value (`rules.same_value` on the parsed figure).
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path
from typing import List, Optional

from ..dates import PartialDate
from ..errors import DataError, Problem, UsageError
from ..facts import Base
from ..quantity import FigureError, parse_figure
from .common import Result

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
_BLOCKS = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote"}


class _Text(html.parser.HTMLParser):
    """The text of an HTML page, a line per block element; scripts and styles dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: List[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return re.sub(r"\n\s*\n+", "\n\n", "".join(parser.parts)).strip() + "\n"


def read_document(path: Path) -> str:
    """A document's text: at most MAX_DOCUMENT_BYTES of a regular UTF-8 file; HTML stripped."""
    from ..kb import ReadError, decode_utf8, safe_read  # one safe reader for every file cityai opens

    try:
        text = decode_utf8(safe_read(path, MAX_DOCUMENT_BYTES, "a document"))
    except ReadError as error:
        raise DataError([Problem(str(path), str(error))]) from None
    if path.suffix.lower() in (".html", ".htm") or re.match(r"\s*<(!doctype|html)", text, re.I):
        text = html_to_text(text)
    return text


def _known(base: Base, place: str, metric: str, value: str) -> bool:
    try:
        quantity = parse_figure(value)
    except FigureError:
        return False
    return any(
        (f.value.value, f.value.upper, f.value.bound) == (quantity.value, quantity.upper, quantity.bound)
        for f in base.facts_of(place, metric)
    )


def extract_candidates(base: Base, text: str, published: Optional[PartialDate], new_only: bool = False) -> Result:
    from ..extract.engine import extract
    from ..extract.text import to_simplified

    forms: dict = {}
    for name, place in base.places.items():
        for form in (name, place.traditional, *place.aliases):
            if form and not form.isascii():
                forms.setdefault(to_simplified(form), name)
    candidates = extract(
        text,
        published=str(published) if published else None,
        places=forms,
        metric_keywords={k: list(m.keywords) for k, m in base.metrics.items()},
        metric_dimensions={k: m.dimension for k, m in base.metrics.items()},
        metric_units={k: m.unit for k, m in base.metrics.items()},
    )
    rows = []
    for candidate in candidates:
        known = (
            candidate.place_known
            and candidate.metric in base.metrics
            and _known(base, candidate.place, candidate.metric, candidate.value)
        )
        if new_only and known:
            continue
        rows.append(
            {
                "place": candidate.place,
                "place_known": candidate.place_known,
                "metric": candidate.metric,
                "value": candidate.value,
                "kind": candidate.kind,
                "date": candidate.date,
                "date_basis": candidate.date_basis,
                "quote": candidate.quote,
                "confidence": round(candidate.confidence, 2),
                "known": known,
                "_candidate": candidate,
            }
        )
    return Result("candidates", rows, {"new_only": new_only, "published": published})


def source_id_for(path: Path) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not stem:
        raise UsageError(f"cannot derive a source id from {path.name!r}; give --source ID")
    return stem


__all__ = ["DataError", "Problem", "extract_candidates", "read_document", "html_to_text", "source_id_for"]
