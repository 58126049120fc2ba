"""Markdown pipe tables (GitHub flavour), the columns the terminal table shows.

Cells are text, never markup: controls are escaped as in the terminal table, and `&`, `<`, `>`
(raw HTML such as <img onerror=…>), `|`, line breaks and the `](` of a link or image are
escaped for Markdown.
"""

from __future__ import annotations

from typing import Iterator

from ..core.report import Report
from . import joined, printable


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


def chunks(report: Report, options) -> Iterator[str]:
    """Each table: its title, a blank line, its header and rows; a blank line between tables."""
    return joined(_pieces(report))


def _pieces(report: Report) -> Iterator[str]:
    for position, table in enumerate(report.tables):
        columns = [column for column in table.columns if column.in_table]
        yield f"{chr(10) if position else ''}### {_escape(table.title)}\n\n"
        if not table.rows:
            yield f"_{_escape(table.empty)}_\n"
            continue
        yield "| " + " | ".join(_escape(column.header) for column in columns) + " |\n"
        yield "|" + "|".join("---:" if column.kind == "number" else "---" for column in columns) + "|\n"
        for row in table.rows:
            yield "| " + " | ".join(_escape(column.show(row)) for column in columns) + " |\n"
