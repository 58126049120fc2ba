"""`extract`: candidate facts from a new document, checked against the knowledge base.

Reading the document (UTF-8 text, Markdown, or HTML with its tags stripped) is here; finding
figures is `extract.engine.extract`, which is pure. A candidate is `known` when the base already
holds a fact with the same place, metric and value (`rules.same_value` on the parsed figure).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import List, Optional, Tuple

from ..dates import PartialDate
from ..errors import DataError, Problem, UsageError
from ..facts import Base
from ..quantity import FigureError, parse_figure
from .common import Result

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
_BLOCKS = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote"}


_MARKUP = re.compile(r"<[a-zA-Z/!?]")  # where a construct can start; any other `<` is text (`a < b`, `<3`)
_START_TAG = re.compile(
    r"""<([a-zA-Z][^\t\n\r\f />\x00]*)        # the name
    (?: [^>=/]+                                # then attributes: any characters but these three,
      | /(?!>)                                 # a slash that does not close the tag,
      | =+\s*(?:"[^"]*"?|'[^']*'?|[^\s>]*)     # or a value, where a quoted `>` does not end the tag
    )*
    (/?)(?:>|\Z)                               # a tag or quote left open runs to the end""",
    re.X,
)  # the branches start with different characters and stop only at `>` or the end: it cannot fail
_END_TAG = re.compile(r"</\s*([a-zA-Z][^\t\n\r\f />\x00]*)")
_MARKED_SECTION = re.compile(r"<!\[(?:cdata|temp|ignore|include|rcdata)(?![-_.a-zA-Z0-9])", re.I)
_GREATER_THAN = re.compile(">")
_COMMENT_END = re.compile(r"--\s*!?>")  # --> and, as browsers read it, --!>
_MARKED_SECTION_END = re.compile(r"]\s*]\s*>")
# A script or style ends at its end tag: </script followed by a blank, / or > (</script foo>,
# </script/>), up to the next > (found apart from the pattern, so that no search rescans).
_RAW_TEXT_END = {name: re.compile(rf"</\s*{name}(?=[\s/>])", re.I) for name in ("script", "style")}


def html_to_text(markup: str) -> str:
    """The text of an HTML page, a line per block element; comments, scripts and styles dropped.

    Not html.parser.HTMLParser: on Python 3.11 it raises AssertionError on markup such as `<![ x`
    (a marked section it cannot name), and it is quadratic on a construct left open, rescanning
    from every `<!--`, `<a `, `</` or `<?` to the end of the text for a terminator (320 KB of
    `<!--` took 57 s). Here each construct is matched where it starts and ends at its terminator,
    or at the end of the text when there is none (as browsers read it), so no character is
    scanned more than a few times and the time is linear in the length of the page.
    """
    parts: List[str] = []
    end, position = len(markup), 0

    def past(terminator: re.Pattern[str], start: int) -> int:
        found = terminator.search(markup, start)
        return found.end() if found else end

    while position < end:
        found = _MARKUP.search(markup, position)
        start = found.start() if found else end
        if start > position:
            parts.append(html.unescape(markup[position:start]))
        if not found:
            break
        second = markup[start + 1]
        if second == "/":  # </p>, </p class=x>; </>, </ 1> and the like are dropped
            end_tag = _END_TAG.match(markup, start)
            position = past(_GREATER_THAN, start + 2)
            if end_tag and end_tag.group(1).lower() in _BLOCKS:
                parts.append("\n")
        elif second == "!" and markup.startswith(("<!-->", "<!--->"), start):  # empty, as browsers read them
            position = markup.index(">", start) + 1
        elif second == "!" and markup.startswith("<!--", start):
            position = past(_COMMENT_END, start + 4)
        elif second == "!" and _MARKED_SECTION.match(markup, start):  # <![CDATA[ ... ]]>
            position = past(_MARKED_SECTION_END, start + 3)
        elif second in "!?":  # <!doctype html>, <![if ...]>, <?xml ...?>
            position = past(_GREATER_THAN, start + 2)
        else:
            start_tag = _START_TAG.match(markup, start)
            assert start_tag is not None  # the pattern cannot fail on `<` and a letter
            name, self_closing, position = start_tag.group(1).lower(), start_tag.group(2), start_tag.end()
            if name in _BLOCKS:
                parts.append("\n\n" if self_closing else "\n")  # <br/>: a start and an end tag
            elif name in _RAW_TEXT_END and not self_closing:
                position = past(_RAW_TEXT_END[name], position)  # the script's text dropped
                position = past(_GREATER_THAN, position) if position < end else end  # and its end tag
    return re.sub(r"\n\s*\n+", "\n\n", "".join(parts)).strip() + "\n"


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
    programmes, policies = _programmes_and_policies(base, text, published, forms)
    terms = _term_quotes(programmes)  # all of them, known or not
    if new_only:
        programmes, policies = [r for r in programmes if not r["known"]], [r for r in policies if not r["known"]]
    rows = []
    for candidate in candidates:
        if any(quote in candidate.quote or candidate.quote in quote for quote in terms.get(candidate.value, ())):
            continue  # 设立最高5000万元算力券 is a programme's pool, not a fund's size
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
    meta = {"new_only": new_only, "published": published, "programmes": programmes, "policies": policies}
    return Result("candidates", rows, meta)


def _term_quotes(programmes: List[dict]) -> dict:
    """value as written -> the quotes of the programme terms that state it."""
    found: dict = {}
    for record in programmes:
        candidate = record["_candidate"]
        for term in (candidate.pool, candidate.rate, candidate.cap, *candidate.special_rates):
            if term is not None:
                found.setdefault(term.value, []).append(term.quote)
    return found


def _programmes_and_policies(
    base: Base, text: str, published: Optional[PartialDate], forms: dict
) -> Tuple[List[dict], List[dict]]:
    """Programme and policy candidates as records (`programme_record`, `policy_record`); `known`
    when the base has a programme of that place and type, or a policy of that place and title."""
    from ..extract.programmes import extract_programmes

    programmes, policies = extract_programmes(
        text,
        published=str(published) if published else None,
        places=forms,
        # a fund is an investment vehicle, not a programme anyone claims: its size is a fact (fund_size)
        type_keywords={key: list(kind.keywords) for key, kind in base.subsidy_types.items() if kind.category != "fund"},
    )
    held = {(p.place, p.type) for p in base.programmes}
    titles = {(p.place, p.title) for p in base.policies}
    programme_rows = [programme_record(p, (p.place, p.type) in held) for p in programmes]
    policy_rows = [policy_record(p, (p.place, p.title) in titles) for p in policies]
    return programme_rows, policy_rows


def programme_record(candidate, known: bool) -> dict:
    """A programme candidate as a flat record: each term's value and period, the rate's basis,
    the special rates as a list."""
    record = {
        "place": candidate.place,
        "place_known": candidate.place_known,
        "type": candidate.type,
        "name": candidate.name,
        "policy": candidate.policy or None,
        "date": candidate.date,
        "date_basis": candidate.date_basis,
    }
    for role in ("pool", "rate", "cap"):
        term = getattr(candidate, role)
        record[role] = term.value if term else None
        record[f"{role}_period" if role != "rate" else "rate_basis"] = (
            (term.period if role != "rate" else term.basis) or None if term else None
        )
    record["special_rates"] = [
        {"value": t.value, "applies_to": t.applies_to, "flag": t.flag, "basis": t.basis or None}
        for t in candidate.special_rates
    ] or None
    record.update(eligibility=candidate.eligibility or None, quote=candidate.quote, known=known, _candidate=candidate)
    return record


def policy_record(candidate, known: bool) -> dict:
    return {
        "place": candidate.place,
        "place_known": candidate.place_known,
        "title": candidate.title,
        "date": candidate.date,
        "date_basis": candidate.date_basis or None,
        "period": candidate.period or None,
        "issuer": candidate.issuer or None,
        "quote": candidate.quote,
        "known": known,
        "_candidate": candidate,
    }


def source_id_for(path: Path) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not stem:
        raise UsageError(f"cannot derive a source id from {path.name!r}; give --source ID")
    return stem


__all__ = ["DataError", "Problem", "extract_candidates", "read_document", "html_to_text", "source_id_for"]
