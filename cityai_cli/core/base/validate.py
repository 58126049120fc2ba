"""`cityai validate`: every problem of every stage in one list (a CI gate for curators).

Schema problems are reported and the failing entries left out; the rest still gets the
cross-reference, name and provenance checks, so one run shows everything to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Tuple

from ..errors import DataError
from ..report import Column, Report, Table, count
from ..text import one_line
from .lint import check_provenance
from .load import load
from .paths import default_data_path
from .reading import display


def validate(path: Optional[Path], layers: Tuple[Path, ...] = ()) -> Tuple[Report, str, bool]:
    """(problems report, one-line summary, ok). `layers` (--with) are checked over the base."""
    target = default_data_path(str(path) if path else None)
    try:
        loaded = load(target, keep_going=True, layers=layers)
        problems = loaded.problems + check_provenance(loaded)
    except DataError as error:
        loaded, problems = None, error.problems
    rows = [
        {"file": p.file, "line": p.line, "column": p.column, "path": p.path, "message": p.message, "problem": str(p)}
        for p in problems
    ]
    columns = [
        Column("file", "file"),
        Column("line", "line", "number"),
        Column("column", "column", "number"),
        Column("path", "path"),
        Column("message", "message"),
        Column("problem", "problem", in_table=False),
    ]
    report = Report([Table("problems", "problems", columns, rows)])
    if problems or loaded is None:
        shown = " + ".join(one_line(display(p)) for p in (target, *layers))
        return report, f"{shown}: {count(len(problems), 'problem')}", False
    base = loaded.base
    shown = " + ".join(one_line(display(p)) for p in (target, *layers))
    summary = (
        f"{shown}: OK — {count(len(base.places), 'place')}, {count(len(base.facts), 'fact')} "
        f"({count(sum(len(f.citations) for f in base.facts), 'citation')}), "
        f"{len(base.policies)} polic{'y' if len(base.policies) == 1 else 'ies'}, "
        f"{count(len(base.programmes), 'programme')}; "
        f"every quote found in its source ({count(len(base.sources), 'document')})"
    )
    return report, summary, True
