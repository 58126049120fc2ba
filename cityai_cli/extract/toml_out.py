"""Write candidates as ready-to-paste `[[places."X".facts]]` entries of the knowledge base.

Every entry carries `# confirm:` comments naming what the curator must check before pasting:
the scope key (always: the extractor cannot know which scope the article means), a kind other
than actual, a date that is the publication date or inferred rather than stated, a place found
only in the gazetteer (not yet in the base), and a confidence below LOW_CONFIDENCE.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Optional

from ..text import one_line, toml_string
from .engine import Candidate

LOW_CONFIDENCE = 0.7


def _commented(line: str, comment: str) -> str:
    """The line with its comment at column 28, as in the format's documentation."""
    return f"{line}{' ' * max(1, 28 - len(line))}# {comment}"


def confirmations(candidate: Candidate) -> list[str]:
    """What the curator must check for this candidate, most important first."""
    notes = [f"scope key for {candidate.metric} (declared under [metrics.{candidate.metric}.scopes])"]
    if not candidate.place_known:
        notes.append(
            f'place {candidate.place} is not in the base yet (gazetteer only): add [places."{candidate.place}"]'
        )
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
