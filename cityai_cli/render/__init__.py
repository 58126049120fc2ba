"""One renderer per output format, behind one interface: `render(report, options) -> str`.

Renderers are imported only when chosen, so `--format csv` never pays for importing Rich.
Rendering to a string (not straight to stdout) means an encoding failure is caught before any
partial output is written.
"""

from __future__ import annotations

import importlib
from typing import Optional

from ..core.report import Report
from ..core.slots import Frozen, _set
from ..core.text import printable  # noqa: F401 - the renderers' escaper, defined with the loader's policy

FORMATS = ("table", "csv", "json", "markdown")


class Options(Frozen):
    """width: terminal columns for the table renderer; record: "svg" or "html", the table renderer
    then returns the recorded page; all_rows: the table lists records without data as rows too
    (by default they are named in one line under it); citations: CSV writes one row per citation."""

    __slots__ = ("width", "color", "chart", "record", "all_rows", "citations")
    width: Optional[int]
    color: bool
    chart: bool
    record: str
    all_rows: bool
    citations: bool

    def __init__(
        self,
        width: Optional[int] = None,
        color: bool = False,
        chart: bool = False,
        record: str = "",
        all_rows: bool = False,
        citations: bool = False,
    ):
        _set(self, "width", width)
        _set(self, "color", color)
        _set(self, "chart", chart)
        _set(self, "record", record)
        _set(self, "all_rows", all_rows)
        _set(self, "citations", citations)


DEFAULT_OPTIONS = Options()  # immutable, so one shared default is safe


def render(report: Report, fmt: str, options: Options = DEFAULT_OPTIONS) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module = importlib.import_module(f".{fmt}_format", __name__)
    return module.render(report, options)
