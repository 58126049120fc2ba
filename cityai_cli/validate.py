"""`cityai validate`: every check there is, as one list of problems (a CI gate for curators)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Tuple

from .errors import DataError
from .kb import default_data_path, display, load
from .lint import check_provenance
from .report import Column, Report, Table, count
from .text import one_line


def validate(path: Optional[Path]) -> Tuple[Report, str, bool]:
    """(problems report, one-line summary, ok). Structural problems stop before provenance checks."""
    target = default_data_path(str(path) if path else None)
    try:
        loaded = load(target)
        problems = check_provenance(loaded)
    except DataError as error:
        loaded, problems = None, error.problems
    rows = [{"file": p.file, "line": p.line, "column": p.column, "path": p.path, "message": p.message,
             "problem": str(p)} for p in problems]
    columns = [Column("file", "file"), Column("line", "line", "number"), Column("column", "column", "number"),
               Column("path", "path"), Column("message", "message"), Column("problem", "problem", in_table=False)]
    report = Report([Table("problems", "problems", columns, rows)])
    if problems:
        return report, f"{one_line(display(target))}: {count(len(problems), 'problem')}", False
    kb = loaded.kb
    counts = {kind: sum(len(getattr(place, kind)) for place in kb.places.values())
              for kind in ("figures", "policies", "subsidies")}
    summary = (f"{one_line(display(target))}: OK — {count(len(kb.places), 'place')}, {count(counts['figures'], 'figure')}, "
               f"{counts['policies']} polic{'y' if counts['policies'] == 1 else 'ies'}, "
               f"{count(counts['subsidies'], 'subsidy programme')}; "
               f"every quote found in its source ({count(len(kb.sources), 'document')})")
    return report, summary, True
