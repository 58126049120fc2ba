"""Write candidates as ready-to-paste `[[places."X".facts]]` entries of the knowledge base.

Every entry carries `# confirm:` comments naming what the curator must check before pasting:
the scope key (always: the extractor cannot know which scope the article means), a kind other
than actual, a date that is the publication date or inferred rather than stated, and a confidence
below LOW_CONFIDENCE. A place not yet in the base gets its table (`place_tables`), from the
gazetteer, or to fill in for a county or district the gazetteer lacks. Programmes and policy
documents (`programmes_to_toml`, `policies_to_toml`) carry their own confirmations.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import List, Optional, Tuple

from ..text import one_line, toml_string
from .engine import Candidate
from .programmes import PolicyCandidate, ProgrammeCandidate, TermCandidate, place_table

LOW_CONFIDENCE = 0.7


def _commented(line: str, comment: str) -> str:
    """The line with its comment at column 28, as in the format's documentation."""
    return f"{line}{' ' * max(1, 28 - len(line))}# {comment}"


def confirmations(candidate: Candidate) -> list[str]:
    """What the curator must check for this candidate, most important first."""
    notes = [f"scope key for {candidate.metric} (declared under [metrics.{candidate.metric}.scopes])"]
    if candidate.kind != "actual":
        notes.append(f"kind {candidate.kind} (from the sentence's wording)")
    if candidate.date_basis == "published":
        notes.append("date is the publication date: the sentence gives none")
    elif candidate.date_basis == "inferred":
        notes.append("date inferred from context")
    elif candidate.date is None:
        notes.append("date: the publication date is unknown")
    if candidate.confidence < LOW_CONFIDENCE:
        notes.append(f"low confidence {candidate.confidence:.2f}: check place and metric against the quote")
    return notes


def to_toml(candidates: Iterable[Candidate], source_id: str, main_scopes: Optional[Mapping[str, str]] = None) -> str:
    """TOML text with one `[[places."X".facts]]` table per candidate, in the new fact format.

    The scope is the metric's main scope where `main_scopes` names it (to confirm), else CHOOSE,
    which `validate` refuses until the curator picks one."""
    blocks = []
    for candidate in candidates:
        lines = [f"# confirm: {one_line(note)}" for note in confirmations(candidate)]
        lines += [
            f"[[places.{toml_string(candidate.place)}.facts]]",
            f"metric = {toml_string(candidate.metric)}",
            _commented(
                f"scope = {toml_string((main_scopes or {}).get(candidate.metric, 'CHOOSE'))}",
                f"a scope key declared under [metrics.{candidate.metric}.scopes]",
            ),
            _commented(f"kind = {toml_string(candidate.kind)}", "actual | target | forecast"),
            f"value = {toml_string(candidate.value)}",
        ]
        if candidate.date:
            lines.append(f"date = {toml_string(candidate.date)}")
        lines.append(_commented(f"date_basis = {toml_string(candidate.date_basis)}", "stated | published | inferred"))
        lines += [
            "citations = [",
            f"  {{ source = {toml_string(source_id)}, quote = {toml_string(candidate.quote)} }},",
            "]",
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def place_tables(places: Iterable[Tuple[str, str]], known: Collection[str] = ()) -> str:
    """`[places."X"]` tables for new places, (name, parent city or ""), each once, from the
    gazetteer (level, province, traditional, pinyin, English); a county or district it lacks gets
    a table to fill in, its city's table first when that is new too (not in `known`)."""

    blocks: List[str] = []
    written = set(known)

    def write(name: str, parent: str) -> None:
        if name in written:
            return
        written.add(name)
        table = place_table(name)
        if table is not None:
            lines = [f"# confirm: place {name} is new: its table is from the gazetteer"]
            lines.append(f"[places.{toml_string(name)}]")
            lines += [f"{key} = {toml_string(value)}" for key, value in table.items() if value]
            blocks.append("\n".join(lines))
            return
        city = place_table(parent) if parent else None
        if city is not None:
            write(parent, "")
        level = "county" if name.endswith(("县", "旗")) else "district"
        lines = [
            f"# confirm: place {name} is in neither the base nor the gazetteer (provinces and prefecture-level",
            "# confirm: cities only): fill in its table (level, pinyin, English)",
            f"[places.{toml_string(name)}]",
            _commented(f"level = {toml_string(level)}", "district | county | zone"),
        ]
        if city is not None:
            lines.append(f"province = {toml_string(city['province'])}")
        if parent:
            lines.append(f"city = {toml_string(parent)}")
        lines += [_commented('pinyin = ""', "e.g. Nanshan Qu"), _commented('english = ""', "e.g. Nanshan District")]
        blocks.append("\n".join(lines))

    for name, parent in places:
        write(name, parent)
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _term(term: TermCandidate, period: bool) -> str:
    parts = [f"value = {toml_string(term.value)}"]
    if period and term.period:
        parts.append(f"period = {toml_string(term.period)}")
    if term.basis:
        parts.append(f"basis = {toml_string(term.basis)}")
    if term.applies_to:
        parts += [f"applies_to = {toml_string(term.applies_to)}", f"flag = {toml_string(term.flag)}"]
    parts.append(f"quote = {toml_string(term.quote)}")
    return "{ " + ", ".join(parts) + " }"


def programme_confirmations(candidate: ProgrammeCandidate) -> List[str]:
    """What the curator must check for a programme candidate, most important first."""
    notes = [f"programme {candidate.name}: type, each term and eligibility against their quotes"]
    for role in ("pool", "cap"):
        term = getattr(candidate, role)
        if term is not None and term.period == "unknown":
            notes.append(f"{role} period unknown: the text does not say per year, per project or in total")
    for term in candidate.special_rates:
        if term.carried and candidate.rate is not None:
            notes.append(
                f"special rate {term.value} for {term.applies_to} keeps the ceiling of the rate {candidate.rate.value}"
                " it raises"
            )
        if term.flag.startswith("special") or term.applies_to == "CHOOSE":
            notes.append(f"special rate {term.value}: its condition and flag (the key that applies it to a contract)")
    if candidate.date_basis == "published":
        notes.append("date is the publication date: the document gives none")
    elif candidate.date is None:
        notes.append("date: the document gives none and the publication date is unknown")
    return notes


def programmes_to_toml(candidates: Iterable[ProgrammeCandidate], source_id: str) -> str:
    """One `[[places."X".programmes]]` table per candidate, its terms as inline tables."""
    blocks = []
    for candidate in candidates:
        lines = [f"# confirm: {one_line(note)}" for note in programme_confirmations(candidate)]
        lines += [
            f"[[places.{toml_string(candidate.place)}.programmes]]",
            f"type = {toml_string(candidate.type)}",
            f"name = {toml_string(candidate.name)}",
        ]
        if candidate.policy:
            lines.append(f"policy = {toml_string(candidate.policy)}")
        if candidate.date:
            lines += [f"date = {toml_string(candidate.date)}", f"date_basis = {toml_string(candidate.date_basis)}"]
        if candidate.eligibility:
            lines.append(f"eligibility = {toml_string(candidate.eligibility)}")
        for role in ("pool", "rate", "cap"):
            term = getattr(candidate, role)
            if term is not None:
                lines.append(f"{role} = {_term(term, role != 'rate')}")
        if candidate.special_rates:
            lines += ["special_rates = ["] + [f"  {_term(t, False)}," for t in candidate.special_rates] + ["]"]
        lines.append(f"citations = [{{ source = {toml_string(source_id)}, quote = {toml_string(candidate.quote)} }}]")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def policies_to_toml(candidates: Iterable[PolicyCandidate], source_id: str) -> str:
    """One `[[places."X".policies]]` table per candidate; the issuer goes in the note."""
    blocks = []
    for candidate in candidates:
        lines = [
            "# confirm: policy title, date and issuer against the document",
            f"[[places.{toml_string(candidate.place)}.policies]]",
            f"title = {toml_string(candidate.title)}",
        ]
        if candidate.date:
            lines += [f"date = {toml_string(candidate.date)}", f"date_basis = {toml_string(candidate.date_basis)}"]
        if candidate.period:
            lines.append(f"period = {toml_string(candidate.period)}")
        if candidate.issuer:
            lines.append(f"note = {toml_string('发布单位: ' + candidate.issuer)}")
        lines.append(f"citations = [{{ source = {toml_string(source_id)}, quote = {toml_string(candidate.quote)} }}]")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def document_toml(
    facts: List[Candidate],
    programmes: List[ProgrammeCandidate],
    policies: List[PolicyCandidate],
    source_id: str,
    main_scopes: Optional[Mapping[str, str]] = None,
    known_places: Collection[str] = (),
) -> str:
    """Everything `extract --format toml` writes for one document: the tables of places new to
    the base first (a place must be defined before a layer adds to it), then facts, policy
    documents and programmes."""
    new = [(c.place, "") for c in facts if not c.place_known]
    new += [(c.place, c.parent) for c in policies if not c.place_known]
    new += [(c.place, c.parent) for c in programmes if not c.place_known]
    parts = [
        place_tables(new, known_places),
        to_toml(facts, source_id, main_scopes),
        policies_to_toml(policies, source_id),
        programmes_to_toml(programmes, source_id),
    ]
    return "\n".join(part for part in parts if part)
