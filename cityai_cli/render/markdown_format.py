"""Markdown pipe tables (GitHub flavour), the columns the terminal table shows.

Cells are text, never markup: controls are escaped as in the terminal table, and `&`, `<`, `>`
(raw HTML such as <img onerror=…>), `|`, line breaks and the `](` of a link or image are
escaped for Markdown.
"""

from __future__ import annotations

from ..core.report import Report
from . import printable


def _escape(text: str) -> str:
    # Markdown viewers wrap on their own: no-break spaces (kept for terminals) become spaces.
    text = (
        printable(text.replace("\u00a0", " "))
        .replace("\\", "\\\\")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )
    # "](" would make [text](url) a link and ![x](url) an image fetched when the table is viewed:
    # escaped, they read as written (a viewer shows "]\\(" as "](").
    return text.replace("|", "\\|").replace("\n", "<br>").replace("](", "]\\(")


def render(report: Report, options) -> str:
    parts = []
    for table in report.tables:
        columns = [column for column in table.columns if column.in_table]
        parts.append(f"### {_escape(table.title)}\n")
        if not table.rows:
            parts.append(f"_{_escape(table.empty)}_\n")
            continue
        lines = [
            "| " + " | ".join(_escape(column.header) for column in columns) + " |",
            "|" + "|".join("---:" if column.kind == "number" else "---" for column in columns) + "|",
        ]
        lines += ["| " + " | ".join(_escape(column.show(row)) for column in columns) + " |" for row in table.rows]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)
