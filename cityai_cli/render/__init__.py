"""One renderer per output format, behind one interface (`Renderer`): `chunks(report, options)`
yields the output as pieces of text, which the shell writes as they come (shell.write_pieces),
so that 100,000 rows of CSV or JSON are never one string; `render` joins them (tests, the API).

Renderers are imported only when chosen, so `--format csv` never pays for importing Rich. A
renderer checks what it can refuse (a usage error) before its first piece, so that an error is
raised before any output is written; the terminal table is one piece (its widths need every row).
"""

from __future__ import annotations

import importlib
from typing import Iterable, Iterator, List, Optional, Protocol, cast

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


class Renderer(Protocol):
    """What every format module (`<format>_format.py`) provides."""

    def chunks(self, report: Report, options: Options) -> Iterator[str]: ...


def chunks(report: Report, fmt: str, options: Options = DEFAULT_OPTIONS) -> Iterator[str]:
    """The output of `report` in `fmt`, piece by piece (the registry: one module per format)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module = cast(Renderer, importlib.import_module(f".{fmt}_format", __name__))
    return module.chunks(report, options)


def render(report: Report, fmt: str, options: Options = DEFAULT_OPTIONS) -> str:
    """The whole output as one string."""
    return "".join(chunks(report, fmt, options))


CHUNK_CHARACTERS = 1 << 16  # a piece of output: large enough that writes are few, small beside the rows


def joined(pieces: Iterable[str], size: int = CHUNK_CHARACTERS) -> Iterator[str]:
    """Small pieces (a row, a record) joined into pieces of about `size` characters."""
    held: List[str] = []
    length = 0
    for piece in pieces:
        held.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(held)
            held, length = [], 0
    if held:
        yield "".join(held)
