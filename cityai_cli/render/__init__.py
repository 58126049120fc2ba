"""One renderer per output format, behind one interface: `render(report, options) -> str`.

Renderers are imported only when chosen, so `--format csv` never pays for importing Rich.
Rendering to a string (not straight to stdout) means an encoding failure is caught before any
partial output is written.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Optional

from ..report import Report

FORMATS = ("table", "csv", "json", "markdown")

# C0/C1 controls (ESC starts ANSI sequences) and bidi overrides that can disguise text.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Options:
    width: Optional[int] = None   # terminal columns for the table renderer
    color: bool = False
    chart: bool = False
    record: str = ""              # "svg" or "html": the table renderer returns the recorded page


def render(report: Report, fmt: str, options: Options = Options()) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module = importlib.import_module(f".{fmt}_format", __name__)
    return module.render(report, options)


def printable(text: str) -> str:
    """Show control characters as visible escapes (\\x1b) so text can never drive the terminal."""
    return _UNSAFE.sub(lambda match: f"\\x{ord(match.group(0)):02x}" if ord(match.group(0)) < 0x100
                       else f"\\u{ord(match.group(0)):04x}", text)
